import type { Command } from 'commander';

/** `sello verify`: not built yet; the issue that owns it replaces this file. */
export function register(_program: Command): void {}
