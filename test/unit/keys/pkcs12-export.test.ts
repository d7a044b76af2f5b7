import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemDecodeAll } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { isSelloError } from '../../../shared/errors';
import { exportPkcs12, importPkcs12 } from '../../../shared/keys/pkcs12';
import { TestPki, type IssuedIdentity } from './openssl-pki';
import type { Identity } from '../../../shared/keys/identity';

const env = defaultEnv();
/** Low iteration counts keep these tests quick; one test uses the default. */
const FAST = { iterations: 2000 };

describe('exportPkcs12', () => {
  let pki: TestPki;
  let rsa: IssuedIdentity;
  let ec: IssuedIdentity;
  const identityOf = (ee: IssuedIdentity): Identity => ({
    certificate: ee.certificate,
    chain: [pki.intermediate.certificate, pki.root.certificate],
    privateKey: ee.pkcs8,
  });

  beforeAll(() => {
    pki = new TestPki();
    rsa = pki.issue('alice@example.org', { rsa: 3072 });
    ec = pki.issue('bob@example.org', { ec: 'P-521' });
  });
  afterAll(() => pki.remove());

  it.each([
    ['RSA', () => rsa],
    ['EC P-521', () => ec],
  ])('round-trips an %s identity with its chain and friendly name', async (_, ee) => {
    const p12 = await exportPkcs12(identityOf(ee()), 'secret', env, {
      ...FAST,
      friendlyName: 'Alice (work)',
    });
    const back = await importPkcs12(p12, 'secret', env);
    expect(back.identities).toEqual([{ ...identityOf(ee()), friendlyName: 'Alice (work)' }]);
    expect(back.legacyProtection).toBe(false);
  });

  it('writes a file openssl pkcs12 reads, with the key, the certificates and the attributes', async () => {
    const p12 = await exportPkcs12(identityOf(rsa), 'pässwort', env, { ...FAST, friendlyName: 'Alice' });
    const text = pki.readWithOpenssl(p12, 'pässwort');
    const blocks = pemDecodeAll(text);
    expect(blocks.filter((b) => b.label === 'CERTIFICATE').map((b) => b.der)).toEqual([
      rsa.certificate,
      pki.intermediate.certificate,
      pki.root.certificate,
    ]);
    expect(blocks.find((b) => b.label === 'PRIVATE KEY')?.der).toEqual(rsa.pkcs8);
    expect(text).toContain('friendlyName: Alice');
    expect(text).toContain('localKeyID:');
  });

  it('uses PBES2 with AES-256-CBC, PBKDF2-HMAC-SHA256 and 600000 iterations, and a SHA-256 MAC, by default', async () => {
    const p12 = await exportPkcs12(identityOf(ec), 'pw', env);
    const info = pki.describeWithOpenssl(p12, 'pw');
    expect(info).toContain('MAC: sha256, Iteration 600000');
    expect(info).toContain(
      'Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256',
    );
    expect(info).toContain(
      'PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC, Iteration 600000, PRF hmacWithSHA256',
    );
  });

  it('writes files that an empty password opens, in Sello and in OpenSSL', async () => {
    const p12 = await exportPkcs12(identityOf(rsa), '', env, FAST);
    expect((await importPkcs12(p12, '', env)).identities[0]!.privateKey).toEqual(rsa.pkcs8);
    expect(pki.readWithOpenssl(p12, '')).toContain('PRIVATE KEY');
  });

  it('refuses the wrong password for its own files', async () => {
    const p12 = await exportPkcs12(identityOf(rsa), 'one', env, FAST);
    await expect(importPkcs12(p12, 'two', env)).rejects.toSatisfy((e) =>
      isSelloError(e, 'pkcs12.wrong-password'),
    );
  });

  it('refuses to export a key with a certificate it does not belong to', async () => {
    await expect(
      exportPkcs12({ ...identityOf(rsa), privateKey: ec.pkcs8 }, 'pw', env, FAST),
    ).rejects.toSatisfy((e) => isSelloError(e, 'pkcs12.key-mismatch'));
  });
});
