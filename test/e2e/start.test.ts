/**
 * `npm start` is the README's first command: it must bring up the update URL, the add-in and the demo
 * mailbox. Runs it with --check (start, probe every endpoint, stop) on free ports, on the build that
 * `npm test` made.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('npm start', () => {
  it(
    'serves the update URL, the add-in and the demo mailbox, and says how to use them',
    { timeout: 120_000 },
    async () => {
      const env = { ...process.env };
      for (const name of ['ENTRA', 'GRAPH', 'OWA', 'UPDATE', 'ADDIN'])
        env[`SELLO_${name}_PORT`] = String(await freePort());
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'bin/start.ts', '--no-build', '--check'], {
        encoding: 'utf8',
        env,
        timeout: 110_000,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/ok {3}http:\/\/127\.0\.0\.1:\d+\/sello\/updates\.xml \(200\)/);
      expect(r.stdout).toMatch(/ok {3}http:\/\/localhost:\d+\/taskpane\.html \(200\)/);
      expect(r.stdout).toMatch(/ok {3}http:\/\/127\.0\.0\.1:\d+\/mail\/inbox \(200\)/);
      expect(r.stdout).toMatch(
        /ExtensionInstallForcelist = [a-p]{32};http:\/\/127\.0\.0\.1:\d+\/sello\/updates\.xml/,
      );
      expect(r.stdout).toContain('bob.p12');
    },
  );
});
