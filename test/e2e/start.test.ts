/**
 * `npm start` is the README's first command: it must bring up the update URL, the add-in and the demo
 * mailbox. Runs it with --check (start, probe every endpoint, stop) on free ports, on the build that
 * `npm test` made.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function runStart(extra: string[]) {
  const env = { ...process.env };
  for (const name of ['ENTRA', 'GRAPH', 'OWA', 'UPDATE', 'ADDIN'])
    env[`SELLO_${name}_PORT`] = String(await freePort());
  return spawnSync(process.execPath, ['--import', 'tsx', 'bin/start.ts', '--no-build', '--check', ...extra], {
    encoding: 'utf8',
    env,
    timeout: 110_000,
  });
}

describe('npm start', () => {
  it(
    "serves the add-in's settings from --addin-settings FILE, and refuses a file that is not a JSON object",
    { timeout: 240_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'sello-start-'));
      const file = join(dir, 'org-settings.json');
      writeFileSync(file, JSON.stringify({ graphClientId: '11111111-2222-3333-4444-555555555555' }));
      const r = await runStart(['--addin-settings', file]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Add-in settings:   ${file}`);
      expect(r.stdout).toMatch(/ok {3}http:\/\/localhost:\d+\/sello-settings\.json \(200\)/);
      writeFileSync(file, '["not", "an", "object"]');
      const bad = await runStart(['--addin-settings', file]);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toContain('the add-in settings must be a JSON object');
    },
  );

  it(
    'serves the update URL, the add-in and the demo mailbox, and says how to use them',
    { timeout: 120_000 },
    async () => {
      const r = await runStart([]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/ok {3}http:\/\/127\.0\.0\.1:\d+\/sello\/updates\.xml \(200\)/);
      expect(r.stdout).toMatch(/ok {3}http:\/\/localhost:\d+\/taskpane\.html \(200\)/);
      expect(r.stdout).toMatch(/ok {3}http:\/\/127\.0\.0\.1:\d+\/mail\/inbox \(200\)/);
      expect(r.stdout).toMatch(
        /ExtensionInstallForcelist = [a-p]{32};http:\/\/127\.0\.0\.1:\d+\/sello\/updates\.xml/,
      );
      expect(r.stdout).toContain('bob.p12');
      // The demo add-in settings give the pane a client id; its CSP keeps Microsoft 365 reachable.
      expect(r.stdout).toMatch(/ok {3}http:\/\/localhost:\d+\/sello-settings\.json \(200\)/);
      expect(r.stdout).toContain(
        'ok   add-in settings (graphClientId) and connect-src (Microsoft 365 + demo)',
      );
      expect(r.stdout).toMatch(/Add-in settings: {3}.*addin-settings\.json/);
    },
  );
});
