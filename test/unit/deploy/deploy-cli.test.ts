import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeCa } from '../../helpers/openssl-ca';
import { writeSst } from '../../helpers/sst-writer';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const sello = (args: string[]) =>
  spawnSync(process.execPath, ['bin/sello.js', ...args], { encoding: 'utf8', timeout: 60_000 });

describe('sello deploy (CLI)', () => {
  it('refuses settings with a wrong type or an unknown key, naming each, before writing anything', () => {
    const dir = tempDir('sello-deploy-cli-');
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ alwaysSign: 'yes', alwaysSing: true }));
    const r = sello([
      'deploy', 'build', '--settings', join(dir, 'settings.json'), '--key', join(dir, 'k.pem'),
      '--update-url', 'https://h/sello/updates.xml', '--out', join(dir, 'out'),
    ]); // prettier-ignore
    expect(r.status).toBe(17);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /settings\.json: .*alwaysSign.*alwaysSing|settings\.json: .*alwaysSing.*alwaysSign/,
    );
    expect(existsSync(join(dir, 'k.pem'))).toBe(false);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it('refuses settings that are not JSON with one clear line', () => {
    const dir = tempDir('sello-deploy-cli-');
    writeFileSync(join(dir, 'settings.json'), '{ nope');
    const r = sello([
      'deploy', 'build', '--settings', join(dir, 'settings.json'), '--key', join(dir, 'k.pem'),
      '--update-url', 'https://h/u.xml', '--out', join(dir, 'out'),
    ]); // prettier-ignore
    expect(r.status).toBe(17);
    expect(r.stderr).toMatch(/^sello: .*settings\.json: not JSON/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('migrates Get-SmimeConfig JSON with its SST into valid settings with trust anchors, reporting each parameter', () => {
    const dir = tempDir('sello-deploy-cli-');
    const ca = makeCa(join(dir, 'ca'), 'Contoso Issuing CA');
    const sst = writeSst([ca.certDer]);
    writeFileSync(
      join(dir, 'smime.json'),
      '\uFEFF' +
        JSON.stringify({
          OWAAlwaysSign: true,
          OWAEncryptionAlgorithms: '6603',
          SMIMECertificateIssuingCA: [...sst],
        }),
    );
    const r = sello([
      'deploy',
      'from-smimeconfig',
      join(dir, 'smime.json'),
      '--out',
      join(dir, 'settings.json'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    const settings = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'));
    expect(settings.alwaysSign).toBe(true);
    expect(settings.encryptionAlgorithm).toBe('aes-256-cbc');
    expect(settings.trustAnchors).toHaveLength(1);
    expect(settings.trustAnchors[0]).toContain('-----BEGIN CERTIFICATE-----');
    expect(r.stderr).toMatch(
      /changed\s+OWAEncryptionAlgorithms: encryptionAlgorithm = aes-256-cbc: Sello never encrypts with 3DES/,
    );
    expect(r.stderr).toMatch(/mapped\s+SMIMECertificateIssuingCA: trustAnchors = 1 certificate/);
  });
});
