import type { Command } from 'commander';

/** `sello encrypt`: not built yet; the issue that owns it replaces this file. */
export function register(_program: Command): void {}
