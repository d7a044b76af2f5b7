import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemDecodeAll } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { isSelloError, SelloError } from '../../../shared/errors';
import { importPkcs12 } from '../../../shared/keys/pkcs12';
import { describePrivateKey, keyMatchesCertificate } from '../../../shared/keys/private-key';
import { TestPki, type IssuedIdentity } from './openssl-pki';

const env = defaultEnv();
const LEGACY = ['-provider', 'legacy', '-provider', 'default'];
const CORPUS = '/work/shared/corpora/thunderbird-nss/smime';

async function importError(p: Promise<unknown>): Promise<SelloError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SelloError) return e;
    throw new Error(`not a SelloError: ${String(e)}`);
  }
  throw new Error('expected the import to fail');
}

describe('importPkcs12 with files written by OpenSSL 3', () => {
  let pki: TestPki;
  let rsa: IssuedIdentity;
  let ec256: IssuedIdentity;
  let ec384: IssuedIdentity;

  beforeAll(() => {
    pki = new TestPki();
    rsa = pki.issue('alice@example.org', { rsa: 2048 });
    ec256 = pki.issue('bob@example.org', { ec: 'P-256' });
    ec384 = pki.issue('carol@example.org', { ec: 'P-384' });
  });
  afterAll(() => pki.remove());

  function expectIdentity(result: Awaited<ReturnType<typeof importPkcs12>>, ee: IssuedIdentity): void {
    expect(result.identities).toHaveLength(1);
    const id = result.identities[0]!;
    expect(id.certificate).toEqual(ee.certificate);
    expect(id.privateKey).toEqual(ee.pkcs8);
    // Nearest issuer first, although the file lists the root before the intermediate.
    expect(id.chain).toEqual([pki.intermediate.certificate, pki.root.certificate]);
    expect(result.certificates).toHaveLength(3);
  }

  it('reads the default (PBES2, AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC) with an RSA key', async () => {
    const result = await importPkcs12(pki.exportPkcs12(rsa, 'correct horse'), 'correct horse', env);
    expectIdentity(result, rsa);
    expect(result.legacyProtection).toBe(false);
    expect(describePrivateKey(result.identities[0]!.privateKey)).toEqual({ kind: 'RSA', bits: 2048 });
  });

  it.each([
    ['P-256', () => ec256],
    ['P-384', () => ec384],
  ])('reads the default with an EC %s key', async (curve, ee) => {
    const result = await importPkcs12(pki.exportPkcs12(ee(), 'pw'), 'pw', env);
    expectIdentity(result, ee());
    expect(describePrivateKey(result.identities[0]!.privateKey)).toEqual({ kind: 'EC', namedCurve: curve });
  });

  const legacyModes: [string, string[]][] = [
    ['-legacy (RC2-40 certificates, 3DES key, SHA-1 MAC)', ['-legacy']],
    [
      'PBE-SHA1-3DES with a SHA-1 MAC (what gpgsm reads)',
      ['-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
    ],
    ['PBE-SHA1-RC2-40 certificates', [...LEGACY, '-certpbe', 'PBE-SHA1-RC2-40', '-keypbe', 'PBE-SHA1-3DES']],
    [
      'PBE-SHA1-RC2-128 certificates and key',
      [...LEGACY, '-certpbe', 'PBE-SHA1-RC2-128', '-keypbe', 'PBE-SHA1-RC2-128'],
    ],
    ['PBE-SHA1-2DES', [...LEGACY, '-certpbe', 'PBE-SHA1-2DES', '-keypbe', 'PBE-SHA1-2DES']],
    [
      'PKCS#5 v1 PBE-SHA1-DES and PBE-MD5-DES',
      [...LEGACY, '-certpbe', 'PBE-SHA1-DES', '-keypbe', 'PBE-MD5-DES'],
    ],
    [
      'PKCS#5 v1 PBE-SHA1-RC2-64 and PBE-MD5-RC2-64',
      [...LEGACY, '-certpbe', 'PBE-SHA1-RC2-64', '-keypbe', 'PBE-MD5-RC2-64'],
    ],
    ['PBES2 with 3DES', [...LEGACY, '-certpbe', 'DES-EDE3-CBC', '-keypbe', 'DES-EDE3-CBC']],
  ];

  it.each(legacyModes)('reads %s and reports legacy protection', async (_, args) => {
    for (const ee of [rsa, ec256]) {
      const result = await importPkcs12(pki.exportPkcs12(ee, 'legacy pw', args), 'legacy pw', env);
      expectIdentity(result, ee);
      expect(result.legacyProtection).toBe(true);
    }
  });

  const modernVariants: [string, string[]][] = [
    ['AES-128-CBC', ['-certpbe', 'AES-128-CBC', '-keypbe', 'AES-128-CBC']],
    [
      'AES-192-CBC with a SHA-512 MAC',
      ['-certpbe', 'AES-192-CBC', '-keypbe', 'AES-192-CBC', '-macalg', 'sha512'],
    ],
    ['a SHA-384 MAC', ['-macalg', 'sha384']],
    ['one iteration everywhere', ['-iter', '1', '-nomaciter']],
    ['no MAC', ['-nomac']],
    ['unencrypted bags', ['-certpbe', 'NONE', '-keypbe', 'NONE']],
    ['unencrypted bags and no MAC', ['-certpbe', 'NONE', '-keypbe', 'NONE', '-nomac']],
  ];

  it.each(modernVariants)('reads PBES2 files with %s', async (_, args) => {
    const result = await importPkcs12(pki.exportPkcs12(rsa, 'pw', args), 'pw', env);
    expectIdentity(result, rsa);
    expect(result.legacyProtection).toBe(false);
  });

  it('keeps the friendly name', async () => {
    const result = await importPkcs12(
      pki.exportPkcs12(rsa, 'pw', ['-name', 'Alice at work – ünïcödé']),
      'pw',
      env,
    );
    expect(result.identities[0]!.friendlyName).toBe('Alice at work – ünïcödé');
  });

  it.each([
    ['modern', []],
    ['legacy', ['-legacy']],
  ])('reads %s files with an empty password and with a non-ASCII password', async (_, args) => {
    expectIdentity(await importPkcs12(pki.exportPkcs12(rsa, '', args), '', env), rsa);
    expectIdentity(await importPkcs12(pki.exportPkcs12(rsa, 'pässwörd ✓', args), 'pässwörd ✓', env), rsa);
  });

  it('pairs key and certificate by public key when the localKeyIds do not agree', async () => {
    // OpenSSL always writes localKeyId; in a plain, MAC-less file the key bag's copy (the last one,
    // after the certificate bags) can be changed to simulate writers that omit or garble it.
    const p12 = pki.exportPkcs12(ec256, 'pw', ['-certpbe', 'NONE', '-keypbe', 'NONE', '-nomac']);
    const id = createHash('sha1').update(ec256.certificate).digest();
    const at = Buffer.from(p12).lastIndexOf(id);
    expect(at).toBeGreaterThan(Buffer.from(p12).indexOf(id));
    p12.set(new Uint8Array(20).fill(0xee), at);
    expectIdentity(await importPkcs12(p12, 'pw', env), ec256);
  });

  it('keeps PKCS#8 attributes (openssl -keysig) and still pairs the key', async () => {
    const result = await importPkcs12(pki.exportPkcs12(ec256, 'pw', ['-keysig']), 'pw', env);
    expect(result.identities[0]!.certificate).toEqual(ec256.certificate);
    expect(await keyMatchesCertificate(result.identities[0]!.privateKey, ec256.certificate, env)).toBe(true);
  });

  it('reads a file without the chain', async () => {
    const result = await importPkcs12(pki.exportPkcs12(rsa, 'pw', [], false), 'pw', env);
    expect(result.identities[0]!.chain).toEqual([]);
    expect(result.certificates).toEqual([rsa.certificate]);
  });

  describe('failures', () => {
    it.each([
      ['modern', []],
      ['legacy', ['-legacy']],
      ['no MAC', ['-nomac']],
      ['legacy, no MAC', ['-legacy', '-nomac']],
    ])(
      'refuses the wrong password of a %s file with pkcs12.wrong-password and no stack trace',
      async (_, args) => {
        const p12 = pki.exportPkcs12(rsa, 'right', args);
        for (const wrong of ['wrong', '', 'right ', 'Right']) {
          const e = await importError(importPkcs12(p12, wrong, env));
          expect(e.code).toBe('pkcs12.wrong-password');
          expect(e.message).not.toMatch(/ at |\.ts|Error/);
        }
      },
    );

    it('refuses a file holding only certificates with pkcs12.no-key', async () => {
      const e = await importError(importPkcs12(pki.exportPkcs12(rsa, 'pw', ['-nokeys']), 'pw', env));
      expect(e.code).toBe('pkcs12.no-key');
    });

    it('names the algorithm it does not support (RC4)', async () => {
      const p12 = pki.exportPkcs12(rsa, 'pw', [
        ...LEGACY,
        '-certpbe',
        'PBE-SHA1-RC4-128',
        '-keypbe',
        'PBE-SHA1-3DES',
      ]);
      const e = await importError(importPkcs12(p12, 'pw', env));
      expect(e.code).toBe('pkcs12.unsupported');
      expect(e.message).toContain('1.2.840.113549.1.12.1.1');
      expect(e.message).toContain('pbeWithSHAAnd128BitRC4');
    });

    it('refuses iteration counts above the limit instead of spinning', async () => {
      const p12 = pki.exportPkcs12(rsa, 'pw', ['-iter', '5000', '-maciter']);
      const e = await importError(importPkcs12(p12, 'pw', env, { maxIterations: 4000 }));
      expect(e.code).toBe('pkcs12.unsupported');
    });

    it('refuses every truncation of a file with a pkcs12 error', async () => {
      for (const args of [[], ['-nomac'], ['-legacy', '-nomac']]) {
        const p12 = pki.exportPkcs12(rsa, 'pw', args);
        for (let n = 0; n < p12.length; n += 37) {
          const e = await importError(importPkcs12(p12.subarray(0, n), 'pw', env));
          expect(['pkcs12.malformed', 'pkcs12.wrong-password']).toContain(e.code);
        }
      }
    });

    it('refuses things that are not PKCS#12 at all', async () => {
      for (const bytes of [
        new Uint8Array(0),
        rsa.certificate,
        rsa.pkcs8,
        new TextEncoder().encode('hello'),
      ]) {
        const e = await importError(importPkcs12(bytes, 'pw', env));
        expect(e.code).toBe('pkcs12.malformed');
      }
    });
  });
});

describe('importPkcs12 with the Thunderbird/NSS corpus (password "nss")', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.p12'));
  const testCa = pemDecodeAll(readFileSync(join(CORPUS, 'TestCA.pem'), 'utf8'))[0]!.der;

  it('has the files PROVENANCE.md lists', () => {
    expect(files).toEqual(
      expect.arrayContaining(['Alice.p12', 'Bob.p12', 'Dave.p12', 'Alice-ec.p12', 'Fran.p12', 'Fran-ec.p12']),
    );
  });

  it.each(files)('opens %s', async (file) => {
    const result = await importPkcs12(new Uint8Array(readFileSync(join(CORPUS, file))), 'nss', env);
    expect(result.identities).toHaveLength(1);
    const id = result.identities[0]!;
    expect(await keyMatchesCertificate(id.privateKey, id.certificate, env)).toBe(true);
    expect(describePrivateKey(id.privateKey).kind).toBe(file.includes('-ec') ? 'EC' : 'RSA');
    // Fran's files come from the OpenSSL-made interop set with 3DES and a SHA-1 MAC.
    expect(result.legacyProtection).toBe(file.startsWith('Fran'));
    if (file.startsWith('Fran')) return;
    // The RSA files carry TestCA; the EC one its ECC sibling, which is self-signed.
    expect(id.chain).toHaveLength(1);
    if (!file.includes('-ec')) expect(id.chain[0]).toEqual(testCa);
  });

  it.each(files)('refuses %s with a wrong password', async (file) => {
    const e = await importError(importPkcs12(new Uint8Array(readFileSync(join(CORPUS, file))), 'NSS', env));
    expect(isSelloError(e, 'pkcs12.wrong-password')).toBe(true);
  });
});
