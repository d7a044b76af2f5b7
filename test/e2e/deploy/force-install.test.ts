/**
 * Admin deployment end to end with real Chromium and real policy: `sello deploy build` output is
 * installed as Linux managed policy, the update URL is served on 127.0.0.1, and Chromium must
 * force-install Sello from it, apply and lock the managed settings, and take a newer version.
 * The policy folder is bind-mounted in a private mount namespace so no other browser sees it.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSst } from '../../helpers/sst-writer';
import { execFileSync } from 'node:child_process';
import { makeCa, makeUser } from '../../helpers/openssl-ca';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

describe('admin deployment through ExtensionInstallForcelist', () => {
  it(
    'force-installs from the self-hosted update URL, locks managed settings and updates to a newer version',
    { timeout: 300_000 },
    async () => {
      if (process.getuid?.() !== 0) {
        throw new Error('this test writes Chromium policy in a private mount namespace and must run as root');
      }
      const work = mkdtempSync(join(tmpdir(), 'sello-deploy-'));
      const policies = join(work, 'policies');
      mkdirSync(policies);
      const ca = makeCa(join(work, 'ca'), 'Deploy Test Root');
      writeFileSync(join(work, 'roots.sst'), writeSst([ca.certDer]));
      // A message signed by a user of that CA (body entity signed by openssl, RFC 5322 fields outside).
      const carol = makeUser(ca, 'Carol Deploy', 'carol@example.org', 'x');
      writeFileSync(join(work, 'body.txt'), 'Content-Type: text/plain\r\n\r\nFrom the organisation.\r\n');
      const signed = execFileSync('openssl', [
        'cms',
        '-sign',
        '-in',
        join(work, 'body.txt'),
        '-signer',
        carol.certPem,
        '-inkey',
        carol.keyPem,
      ]);
      writeFileSync(
        join(work, 'signed.eml'),
        Buffer.concat([
          Buffer.from('From: carol@example.org\nTo: bob@example.org\nSubject: policy\n'),
          signed,
        ]),
      );
      writeFileSync(
        join(work, 'settings.json'),
        JSON.stringify({ alwaysSign: true, revocationMode: 'off', graphTenantId: 'contoso.example' }),
      );
      const port = await freePort();
      const script = [
        'mkdir -p /etc/chromium/policies',
        `mount --bind ${policies} /etc/chromium/policies`,
        `exec ${process.execPath} --import tsx test/e2e/deploy/force-install-scenario.ts ${work} ${port}`,
      ].join(' && ');
      const run = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], {
        encoding: 'utf8',
        timeout: 280_000,
      });
      // The work folder holds a signing key and a browser profile: gone whatever the outcome.
      rmSync(work, { recursive: true, force: true });
      const line = run.stdout.trim().split('\n').pop() ?? '';
      let observed: Record<string, unknown>;
      try {
        observed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`scenario printed no result (exit ${run.status}): ${run.stderr.slice(-2000)}`);
      }
      expect(observed.error).toBeUndefined();
      expect(observed.extensionId).toMatch(/^[a-p]{32}$/);
      expect(observed.installedVersion).toBe('1.0.0');
      expect(observed.updateUrlInManifest).toBe(`http://127.0.0.1:${port}/sello/updates.xml`);
      // Chromium published the settings that match managed_schema.json and withheld the one that
      // fails its pattern.
      expect(observed.managed).toEqual({
        alwaysSign: true,
        trustAnchorCount: 1,
        graphTenantId: 'contoso.example',
        graphClientIdPublished: false,
      });
      // The browser fetched the update manifest and then the CRX from the admin's server.
      const requests = observed.requests as string[];
      expect(requests).toContain('GET /sello/updates.xml 200');
      expect(requests).toContain('GET /sello/sello.crx 200');
      expect(requests.indexOf('GET /sello/updates.xml 200')).toBeLessThan(
        requests.indexOf('GET /sello/sello.crx 200'),
      );
      expect(observed.composeSign).toEqual({ checked: true, disabled: true });
      expect(observed.readStatus).toMatch(/Signed by .*carol@example\.org/);
      expect(observed.readStatus).toMatch(/trusted/i);
      expect(observed.readStatus).not.toMatch(/not trusted/i);
      expect(observed.updateCheck).toBe('update_available');
      expect(observed.versionAfterUpdate).toBe('1.0.1');
    },
  );
});
