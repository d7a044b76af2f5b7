/**
 * Runs the real `sello` command (`node bin/sello.js`) the way admins and scripts do, capturing stdout
 * as bytes, stderr as text and the exit code.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const SELLO_BIN = fileURLToPath(new URL('../../bin/sello.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export function sello(
  args: string[],
  opts: { input?: Uint8Array; env?: Record<string, string> } = {},
): CliResult {
  const r = spawnSync(process.execPath, [SELLO_BIN, ...args], {
    cwd: REPO,
    input: opts.input,
    env: { ...process.env, ...opts.env },
    maxBuffer: 512 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}
