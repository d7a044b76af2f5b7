#!/usr/bin/env node
// The `sello` command: runs the TypeScript CLI through tsx's loader so the core is the same source the
// extension and add-in bundle (no separate build step for admins).
import { register } from 'tsx/esm/api';

register();
await import('../shared/cli/main.ts');
