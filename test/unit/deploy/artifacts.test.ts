import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { extensionIdFromPrivateKeyPem } from '../../../shared/deploy/extension-id';
import { updateManifestXml } from '../../../shared/deploy/update-manifest';
import {
  firefoxPoliciesJson,
  linuxPolicyJson,
  macMobileconfig,
  windowsRegFile,
} from '../../../shared/deploy/policy-artifacts';
import { packCrx } from '../../../shared/deploy/pack-crx';
import { pemDecodeAll, pemEncode } from '../../../shared/bytes';
import { checkSettings } from '../../../shared/policy/validate-settings';
import { makeCa } from '../../helpers/openssl-ca';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

const f = {
  extensionId: 'abcdefghijklmnopabcdefghijklmnop',
  updateUrl: 'https://deploy.example.com/sello/updates.xml',
  settings: {
    alwaysSign: true,
    crlRetrievalTimeoutMs: 5000,
    owaHosts: ['mail.example.com', 'owa.example.org'],
  },
};

/**
 * Reads a .reg file the way regedit does: a [key] line, a "name"=value line (quoted string with \\ and
 * \" escapes, dword: or hex(1): UTF-16LE), or a blank line. Anything else (such as the second line of a
 * value that spans two) is a syntax error, thrown here.
 */
function parseRegFile(text: string): Map<string, Map<string, string | number>> {
  const keys = new Map<string, Map<string, string | number>>();
  let current: Map<string, string | number> | undefined;
  const lines = text.split('\r\n');
  expect(lines[0]).toBe('Windows Registry Editor Version 5.00');
  for (const [n, line] of lines.slice(1).entries()) {
    if (line === '') continue;
    const key = /^\[([^\]\r\n]+)\]$/.exec(line);
    if (key) {
      current = new Map();
      keys.set(key[1]!, current);
      continue;
    }
    const value =
      /^"((?:\\.|[^"\\])*)"=(?:"((?:\\[\\"]|[^"\\\r\n])*)"|dword:([0-9a-f]{8})|hex\(1\):((?:[0-9a-f]{2},)*00,00))$/.exec(
        line,
      );
    if (!value || !current) throw new Error(`line ${n + 2} is not a .reg line: ${JSON.stringify(line)}`);
    const unescape = (s: string) => s.replace(/\\(.)/g, '$1');
    const name = unescape(value[1]!);
    if (value[2] !== undefined) current.set(name, unescape(value[2]));
    else if (value[3] !== undefined) current.set(name, parseInt(value[3], 16));
    else {
      const bytes = value[4]!.split(',').map((h) => parseInt(h, 16));
      current.set(name, Buffer.from(bytes.slice(0, -2)).toString('utf16le'));
    }
  }
  return keys;
}

function wellFormedXml(xml: string): void {
  const dir = tempDir('sello-xml-');
  writeFileSync(join(dir, 'x.xml'), xml);
  execFileSync('xmllint', ['--noout', join(dir, 'x.xml')]);
}

describe('deployment artifacts', () => {
  it('derives the same extension id Chrome does (as the CRX3 packer computes it)', async () => {
    const dir = tempDir('sello-crx-');
    mkdirSync(join(dir, 'ext'));
    writeFileSync(
      join(dir, 'ext', 'manifest.json'),
      JSON.stringify({ manifest_version: 3, name: 'x', version: '1.0' }),
    );
    const keyPath = join(dir, 'key.pem');
    const packed = await packCrx(join(dir, 'ext'), keyPath, join(dir, 'x.crx'));
    expect(packed.keyCreated).toBe(true);
    expect(packed.extensionId).toMatch(/^[a-p]{32}$/);
    expect(extensionIdFromPrivateKeyPem(readFileSync(keyPath, 'utf8'))).toBe(packed.extensionId);
    const crx = readFileSync(join(dir, 'x.crx'));
    expect(crx.subarray(0, 4).toString('latin1')).toBe('Cr24');
    expect(crx.readUInt32LE(4)).toBe(3);
    // The key is the admin's secret: owner-only.
    expect(execFileSync('stat', ['-c', '%a', keyPath]).toString().trim()).toBe('600');
    // An existing key is reused, so the id stays stable across releases.
    const again = await packCrx(join(dir, 'ext'), keyPath, join(dir, 'y.crx'));
    expect(again).toEqual({ extensionId: packed.extensionId, keyCreated: false });
  });

  it('derives ids from any RSA key deterministically', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(extensionIdFromPrivateKeyPem(pem)).toBe(extensionIdFromPrivateKeyPem(pem));
  });

  it('writes a gupdate 2.0 update manifest and refuses bad ids and versions', () => {
    const xml = updateManifestXml(f.extensionId, 'https://h/sello.crx?a=1&b=2', '1.2.3');
    wellFormedXml(xml);
    expect(xml).toContain("protocol='2.0'");
    expect(xml).toContain('codebase="https://h/sello.crx?a=1&amp;b=2"');
    expect(() => updateManifestXml('nope', 'x', '1')).toThrow(/extension id/);
    expect(() => updateManifestXml(f.extensionId, 'x', '1.x')).toThrow(/version/);
  });

  it('writes Linux policy with the forcelist entry and the extension settings under 3rdparty', () => {
    const json = JSON.parse(linuxPolicyJson(f));
    expect(json.ExtensionInstallForcelist).toEqual([`${f.extensionId};${f.updateUrl}`]);
    expect(json['3rdparty'].extensions[f.extensionId]).toEqual(f.settings);
  });

  it('writes Windows .reg files for Chrome and Edge with DWORDs and list subkeys', () => {
    const chrome = windowsRegFile(f, 'chrome');
    expect(chrome.startsWith('Windows Registry Editor Version 5.00\r\n')).toBe(true);
    expect(chrome).toContain(
      '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome\\ExtensionInstallForcelist]',
    );
    expect(chrome).toContain(`"1"="${f.extensionId};${f.updateUrl}"`);
    expect(chrome).toContain(`\\3rdparty\\extensions\\${f.extensionId}\\policy]`);
    expect(chrome).toContain('"alwaysSign"=dword:00000001');
    expect(chrome).toContain('"crlRetrievalTimeoutMs"=dword:00001388');
    expect(chrome).toContain(`\\policy\\owaHosts]\r\n"1"="mail.example.com"\r\n"2"="owa.example.org"`);
    expect(windowsRegFile(f, 'edge')).toContain(
      'SOFTWARE\\Policies\\Microsoft\\Edge\\ExtensionInstallForcelist',
    );
  });

  it('writes trust anchors into .reg files as one-line values that read back to the same certificates', () => {
    const dir = tempDir('sello-reg-');
    const cas = [makeCa(join(dir, 'a'), 'Contoso Root CA'), makeCa(join(dir, 'b'), 'Fabrikam "Issuing" CA')];
    const trustAnchors = cas.map((ca) => pemEncode('CERTIFICATE', ca.certDer));
    expect(trustAnchors[0]).toContain('\n'); // the multi-line PEM a .reg string cannot hold
    const settings = {
      trustAnchors,
      // Backslashes, quotes and a line break, which only hex(1) can carry.
      senderCertificateAttributesToDisplay: ['C:\\certs\\"x"', 'two\r\nlines'],
      directoryGatewayUrl: 'https://dir.example.com/lookup?q="a"',
    };
    for (const browser of ['chrome', 'edge'] as const) {
      const reg = windowsRegFile({ ...f, settings }, browser);
      const keys = parseRegFile(reg);
      const root = browser === 'chrome' ? 'Google\\Chrome' : 'Microsoft\\Edge';
      const policy = `HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\${root}\\3rdparty\\extensions\\${f.extensionId}\\policy`;
      const anchors = keys.get(`${policy}\\trustAnchors`)!;
      expect([...anchors.keys()]).toEqual(['1', '2']);
      const back = [...anchors.values()] as string[];
      for (const [i, pem] of back.entries()) {
        expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=]+-----END CERTIFICATE-----$/);
        const blocks = pemDecodeAll(pem);
        expect(blocks).toHaveLength(1);
        expect(Buffer.from(blocks[0]!.der).equals(Buffer.from(cas[i]!.certDer))).toBe(true);
      }
      // What Chrome hands the extension from these values passes the extension's own validation.
      expect(checkSettings({ trustAnchors: back })).toEqual([]);
      expect([...keys.get(`${policy}\\senderCertificateAttributesToDisplay`)!.values()]).toEqual(
        settings.senderCertificateAttributesToDisplay,
      );
      expect(keys.get(policy)!.get('directoryGatewayUrl')).toBe(settings.directoryGatewayUrl);
      expect(reg).toContain('"directoryGatewayUrl"="https://dir.example.com/lookup?q=\\"a\\""');
      expect(reg).toContain('"1"="C:\\\\certs\\\\\\"x\\""');
    }
  });

  it('writes a well-formed macOS profile with browser and extension payloads for Chrome and Edge', () => {
    let n = 0;
    const xml = macMobileconfig(f, () => `UUID-${n++}`);
    wellFormedXml(xml);
    expect(xml).toContain(`<string>com.google.Chrome.extensions.${f.extensionId}</string>`);
    expect(xml).toContain(`<string>com.microsoft.Edge.extensions.${f.extensionId}</string>`);
    expect(xml).toContain('<key>alwaysSign</key>\n');
    expect(xml).toMatch(/<key>owaHosts<\/key>\s*<array>\s*<string>mail.example.com<\/string>/);
    expect(n).toBe(5);
  });

  it('writes Firefox policies with force_installed and the same settings', () => {
    const json = JSON.parse(firefoxPoliciesJson(f, 'sello@x', 'https://h/sello.xpi'));
    expect(json.policies.ExtensionSettings['sello@x']).toEqual({
      installation_mode: 'force_installed',
      install_url: 'https://h/sello.xpi',
    });
    expect(json.policies['3rdparty'].Extensions['sello@x']).toEqual(f.settings);
  });
});
