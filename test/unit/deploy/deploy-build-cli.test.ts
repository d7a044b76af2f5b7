/**
 * `sello deploy build` and `sello deploy serve` end to end as an admin runs them, without root: a fake
 * prebuilt extension (--extension-dir) so these tests never touch the shared extension/dist, real
 * OpenSSL CAs, the real CRX3 packer, unzip, xmllint and a real HTTP server on 127.0.0.1.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sello } from '../../helpers/cli';
import { makeCa } from '../../helpers/openssl-ca';
import { managedSchema } from '../../../shared/policy/managed-schema';
import { pemDecodeAll } from '../../../shared/bytes';

const UPDATE_URL = 'https://deploy.example.com/sello/updates.xml';
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

function fakeExtension(dir: string): string {
  const ext = join(dir, 'prebuilt');
  mkdirSync(join(ext, 'frames'), { recursive: true });
  writeFileSync(
    join(ext, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'Sello (test build)', version: '1.2.3' }),
  );
  writeFileSync(join(ext, 'frames', 'page.html'), '<!doctype html><title>x</title>');
  return ext;
}

/** The ZIP inside a CRX3: "Cr24", version 3, header length, header (protobuf), then the archive. */
function crxZip(crx: Buffer, into: string): string {
  expect(crx.subarray(0, 4).toString('latin1')).toBe('Cr24');
  expect(crx.readUInt32LE(4)).toBe(3);
  const zip = crx.subarray(12 + crx.readUInt32LE(8));
  expect(zip.subarray(0, 4).toString('latin1')).toBe('PK\u0003\u0004');
  const path = join(into, 'crx.zip');
  writeFileSync(path, zip);
  return path;
}

const unzipText = (zip: string, entry: string) =>
  execFileSync('unzip', ['-p', zip, entry], { encoding: 'utf8' });

function build(dir: string, extra: string[] = []) {
  writeFileSync(
    join(dir, 'settings.json'),
    JSON.stringify({ alwaysSign: true, owaHosts: ['mail.example.com'], graphTenantId: TENANT }),
  );
  const ca = makeCa(join(dir, 'ca'), 'Contoso Issuing CA');
  const r = sello([
    'deploy', 'build', '--settings', join(dir, 'settings.json'), '--trust', ca.certPem,
    '--key', join(dir, 'extension-key.pem'), '--update-url', UPDATE_URL, '--out', join(dir, 'out'),
    ...extra,
  ]); // prettier-ignore
  return { r, ca };
}

describe('sello deploy build (CLI, prebuilt extension)', () => {
  it('packs the CRX, its update manifest and every policy, warning that it created the signing key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sello-deploy-build-'));
    try {
      const { r, ca } = build(dir, ['--extension-dir', fakeExtension(dir)]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/warning: created a new signing key at .*extension-key\.pem/);
      expect(existsSync(join(dir, 'extension-key.pem'))).toBe(true);
      const stdout = r.stdout.toString('utf8');
      const id = /^extension id: ([a-p]{32})$/m.exec(stdout)?.[1];
      expect(id, stdout).toBeDefined();
      expect(stdout).toMatch(/^version: +1\.2\.3$/m);
      expect(stdout).toContain(`forcelist:    ${id};${UPDATE_URL}`);

      const out = join(dir, 'out');
      const artifacts = [
        'sello.crx',
        'updates.xml',
        'policies/linux/chrome/etc/opt/chrome/policies/managed/sello.json',
        'policies/linux/chromium/etc/chromium/policies/managed/sello.json',
        'policies/linux/edge/etc/opt/edge/policies/managed/sello.json',
        'policies/windows/chrome.reg',
        'policies/windows/edge.reg',
        'policies/macos/sello.mobileconfig',
        'policies/firefox/policies.json',
      ];
      for (const a of artifacts) {
        expect(existsSync(join(out, a)), a).toBe(true);
        expect(stdout, a).toContain(`  ${join(out, a)}\n`);
      }

      const xml = readFileSync(join(out, 'updates.xml'), 'utf8');
      execFileSync('xmllint', ['--noout', join(out, 'updates.xml')]);
      expect(xml).toContain(`<app appid="${id}">`);
      expect(xml).toContain(
        '<updatecheck codebase="https://deploy.example.com/sello/sello.crx" version="1.2.3" />',
      );

      for (const linux of artifacts.filter((a) => a.startsWith('policies/linux'))) {
        const policy = JSON.parse(readFileSync(join(out, linux), 'utf8'));
        expect(policy.ExtensionInstallForcelist).toEqual([`${id};${UPDATE_URL}`]);
        const settings = policy['3rdparty'].extensions[id!];
        expect(settings).toMatchObject({ alwaysSign: true, graphTenantId: TENANT });
        expect(settings.trustAnchors).toHaveLength(1);
        expect(Buffer.from(pemDecodeAll(settings.trustAnchors[0])[0]!.der)).toEqual(Buffer.from(ca.certDer));
      }
      for (const browser of ['chrome', 'edge']) {
        const reg = readFileSync(join(out, `policies/windows/${browser}.reg`));
        expect([...reg.subarray(0, 2)]).toEqual([0xff, 0xfe]); // UTF-16LE BOM, as regedit writes
        const text = reg.subarray(2).toString('utf16le');
        expect(text).toContain(`"1"="${id};${UPDATE_URL}"`);
        expect(text).toContain(`\\3rdparty\\extensions\\${id}\\policy\\trustAnchors]`);
      }
      execFileSync('xmllint', ['--noout', join(out, 'policies/macos/sello.mobileconfig')]);
      expect(readFileSync(join(out, 'policies/macos/sello.mobileconfig'), 'utf8')).toContain(
        `<string>com.google.Chrome.extensions.${id}</string>`,
      );
      const firefox = JSON.parse(readFileSync(join(out, 'policies/firefox/policies.json'), 'utf8'));
      expect(Object.values(firefox.policies.ExtensionSettings)).toEqual([
        { installation_mode: 'force_installed', install_url: 'https://deploy.example.com/sello/sello.xpi' },
      ]);

      // The packed manifest points Chrome at the admin's update server and declares the managed schema.
      const zip = crxZip(readFileSync(join(out, 'sello.crx')), dir);
      const manifest = JSON.parse(unzipText(zip, 'manifest.json'));
      expect(manifest.update_url).toBe(UPDATE_URL);
      expect(manifest.storage.managed_schema).toBe('managed_schema.json');
      expect(manifest.key).toBeUndefined();
      expect(JSON.parse(unzipText(zip, 'managed_schema.json'))).toEqual(managedSchema());
      expect(unzipText(zip, 'frames/page.html')).toContain('<title>x</title>');

      // A second build with the same key keeps the id and does not warn again.
      const again = build(dir, ['--extension-dir', join(dir, 'prebuilt'), '--set-version', '1.2.4']);
      expect(again.r.code, again.r.stderr).toBe(0);
      expect(again.r.stderr).not.toMatch(/created a new signing key/);
      expect(again.r.stdout.toString('utf8')).toContain(`extension id: ${id}\n`);
      expect(readFileSync(join(out, 'updates.xml'), 'utf8')).toContain('version="1.2.4"');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad settings naming each field and why, before creating a key or output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sello-deploy-build-'));
    try {
      writeFileSync(
        join(dir, 'settings.json'),
        JSON.stringify({
          alwaysSign: 'yes',
          graphClientId: 'my-app',
          owaHosts: ['https://mail.example.com/owa'],
          crlRetrievalTimeoutMs: 10,
        }),
      );
      const r = sello([
        'deploy', 'build', '--settings', join(dir, 'settings.json'), '--key', join(dir, 'k.pem'),
        '--update-url', UPDATE_URL, '--out', join(dir, 'out'), '--extension-dir', fakeExtension(dir),
      ]); // prettier-ignore
      expect(r.code).toBe(17);
      expect(r.stderr).toMatch(/alwaysSign: Invalid type: Expected boolean but received "yes"/);
      expect(r.stderr).toMatch(/graphClientId: has the wrong format/);
      expect(r.stderr).toMatch(/owaHosts\.0: has the wrong format/);
      expect(r.stderr).toMatch(/crlRetrievalTimeoutMs: Invalid value: Expected >=500 but received 10/);
      expect(existsSync(join(dir, 'k.pem'))).toBe(false);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an --extension-dir with no built extension instead of building into it unasked', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sello-deploy-build-'));
    try {
      writeFileSync(join(dir, 'settings.json'), '{}');
      const r = sello([
        'deploy', 'build', '--settings', join(dir, 'settings.json'), '--key', join(dir, 'k.pem'),
        '--update-url', UPDATE_URL, '--out', join(dir, 'out'), '--extension-dir', join(dir, 'nothing'),
      ]); // prettier-ignore
      expect(r.code).toBe(10);
      expect(r.stderr).toMatch(/nothing: no built extension here \(add --rebuild/);
      expect(existsSync(join(dir, 'nothing'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('sello deploy build --rebuild', () => {
  it('builds the extension from this checkout with vite into the named folder and packs that build', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sello-deploy-rebuild-'));
    try {
      const ext = join(dir, 'built');
      const { r } = build(dir, ['--rebuild', '--extension-dir', ext, '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`building the extension into ${ext}`);
      // stdout stays the JSON result: the build's progress lines went to stderr.
      const result = JSON.parse(r.stdout.toString('utf8'));
      expect(result.extensionId).toMatch(/^[a-p]{32}$/);
      const built = JSON.parse(readFileSync(join(ext, 'manifest.json'), 'utf8'));
      expect(built.manifest_version).toBe(3);
      expect(built.background.service_worker).toBeTruthy();
      const zip = crxZip(readFileSync(join(dir, 'out', 'sello.crx')), dir);
      const packed = JSON.parse(unzipText(zip, 'manifest.json'));
      expect(packed.name).toBe(built.name);
      expect(packed.update_url).toBe(UPDATE_URL);
      expect(unzipText(zip, built.background.service_worker).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

describe('sello deploy serve', () => {
  it('serves the CRX with the Chrome extension content type and the update manifest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sello-deploy-serve-'));
    const { r } = build(dir, ['--extension-dir', fakeExtension(dir)]);
    expect(r.code, r.stderr).toBe(0);
    const out = join(dir, 'out');
    const server = spawn(process.execPath, ['bin/sello.js', 'deploy', 'serve', '--dir', out, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const base = await new Promise<string>((resolve, reject) => {
        let seen = '';
        const timer = setTimeout(() => reject(new Error(`no serving line: ${seen}`)), 30_000);
        server.stdout.on('data', (d: Buffer) => {
          seen += d.toString('utf8');
          const m = / on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(seen);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        server.once('exit', (code) => reject(new Error(`serve exited ${code}: ${seen}`)));
      });
      const crx = await fetch(new URL('sello.crx', base));
      expect(crx.status).toBe(200);
      expect(crx.headers.get('content-type')).toBe('application/x-chrome-extension');
      expect(Buffer.from(await crx.arrayBuffer())).toEqual(readFileSync(join(out, 'sello.crx')));
      const xml = await fetch(new URL('updates.xml', base));
      expect(xml.status).toBe(200);
      expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
      expect(await xml.text()).toBe(readFileSync(join(out, 'updates.xml'), 'utf8'));
      expect((await fetch(new URL('../extension-key.pem', base))).status).toBe(404);
    } finally {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses a port that is not a number', () => {
    const r = sello(['deploy', 'serve', '--dir', tmpdir(), '--port', 'http']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port http: not a port number/);
  });
});
