/**
 * RFC 4134 "Examples of S/MIME Messages" (../shared/corpora/rfc4134, expected results in its
 * PROVENANCE.md). The samples are 1999-era: 1024-bit RSA and DSA keys, SHA-1 everywhere. Sello's
 * default policy must refuse those chains and say why; the explicit allowWeak... switches accept them
 * visibly. WebCrypto has no DSA, so the DSA samples (4.1, 4.3, 4.4, 4.6, 4.7, 4.8) are reported as
 * unverifiable, never as valid (docs/pkits.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptEnvelopedData } from '../../shared/cms/enveloped-data';
import { verifySignedData } from '../../shared/cms/signed-data';
import { defaultEnv } from '../../shared/env';
import { createCrlStatusChecker, importTrustFile, validatePath } from '../../shared/pki';
import { openMessage } from '../../shared/smime/open';

const DATA = join(__dirname, '../../../shared/corpora/rfc4134/data');
const read = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DATA, name)));
const env = defaultEnv({ fetch: undefined });
const EX_CONTENT = 'This is some sample content.';
const LEGACY = { allowWeakSignatures: true, allowWeakKeys: true };

const carl = (): Uint8Array => read('CarlRSASelf.cer');
const alice = (): Uint8Array => read('AliceRSASignByCarl.cer');
const bob = {
  certificate: read('BobRSASignByCarl.cer'),
  chain: [],
  privateKey: read('BobPrivRSAEncrypt.pri'),
};
const codes = (r: { issues: { code: string; severity: string }[] }, severity = 'error'): string[] =>
  r.issues.filter((i) => i.severity === severity).map((i) => i.code);

describe('RFC 4134 signed examples', () => {
  it.each(['4.2.bin', '4.5.bin'])(
    'verifies %s (RSA, SHA-1) and refuses its chain by default, naming why',
    async (file) => {
      const signed = await verifySignedData(read(file), {}, env);
      expect(new TextDecoder().decode(signed.content ?? new Uint8Array())).toBe(EX_CONTENT);
      const signer = signed.signers[0]!;
      expect(signer.intact).toBe(true);
      expect(signer.weak).toBe(true);
      const strict = await validatePath({
        certificate: signer.certificate!,
        anchors: [carl()],
        intermediates: signed.certificates,
        env,
      });
      expect(strict.trusted).toBe(false);
      expect(codes(strict)).toEqual(expect.arrayContaining(['path.weak-signature', 'path.weak-key']));
      const legacy = await validatePath({
        certificate: signer.certificate!,
        anchors: [carl()],
        intermediates: signed.certificates,
        policy: LEGACY,
        env,
      });
      expect(legacy.trusted).toBe(true);
      expect(legacy.chain).toEqual(['CN=AliceRSA', 'CN=CarlRSA']);
      expect(codes(legacy, 'warning')).toEqual(
        expect.arrayContaining(['path.weak-signature-allowed', 'path.weak-key-allowed']),
      );
    },
  );

  it('checks Carl’s MD5-signed CRLs only when weak algorithms are allowed, and then for real', async () => {
    const withCrl = (crl: string, allowWeakSignatures: boolean) =>
      validatePath({
        certificate: alice(),
        anchors: [carl()],
        policy: LEGACY,
        checkRevocation: createCrlStatusChecker({ crls: [read(crl)], allowWeakSignatures }),
        env,
      });
    const strict = await withCrl('CarlRSACRLEmpty.crl', false);
    expect([strict.revocation, strict.trusted]).toEqual(['unknown', false]);
    expect(strict.issues.map((i) => i.message).join(' ')).toMatch(/signed with a weak algorithm/);
    // md5WithRSAEncryption goes through the raw RSA check (WebCrypto has no MD5): a real answer.
    const empty = await withCrl('CarlRSACRLEmpty.crl', true);
    expect([empty.revocation, empty.trusted]).toEqual(['good', true]);
    const forAll = await withCrl('CarlRSACRLForAll.crl', true);
    expect([forAll.revocation, forAll.trusted]).toEqual(['revoked', false]);
  });

  it('refuses Bob’s encryption-only certificate for signing and accepts it for encryption', async () => {
    const sign = await validatePath({
      certificate: bob.certificate,
      anchors: [carl()],
      usage: 'sign',
      policy: LEGACY,
      env,
    });
    expect(codes(sign)).toContain('path.key-usage');
    const encrypt = await validatePath({
      certificate: bob.certificate,
      anchors: [carl()],
      usage: 'encrypt',
      policy: LEGACY,
      env,
    });
    expect(encrypt.trusted).toBe(true);
  });

  it('reports DSA certificates (4.1, 4.3, 4.4, 4.6, 4.7) as unverifiable, never as trusted', async () => {
    const r = await validatePath({
      certificate: read('AliceDSSSignByCarlNoInherit.cer'),
      anchors: [read('CarlDSSSelf.cer')],
      policy: LEGACY,
      env,
    });
    expect(r.trusted).toBe(false);
    expect(codes(r)).toContain('path.unsupported-algorithm');
  });

  it('reads 4.11 (certs-only SignedData) as a certificate bundle and not as a signature', async () => {
    const bundle = await importTrustFile(read('4.11.bin'), '4.11.p7c', env);
    expect(bundle.format).toBe('p7b');
    expect(bundle.certificates.map((c) => c.subject).sort()).toEqual(['CN=AliceDSS', 'CN=CarlDSS']);
    const signed = await verifySignedData(read('4.11.bin'), {}, env);
    expect(signed.signers).toEqual([]);
  });
});

describe('RFC 4134 enveloped examples', () => {
  it.each([
    ['5.1.bin', 'des-ede3-cbc'],
    ['5.2.bin', 'rc2-cbc'],
  ])('decrypts %s for Bob to the sample content (%s, legacy)', async (file, cipher) => {
    const d = await decryptEnvelopedData(read(file), bob, env);
    expect(new TextDecoder().decode(d.content)).toBe(EX_CONTENT);
    expect(d.contentCipher).toBe(cipher);
    expect(d.weak).toBe(true);
  });

  it('opens 5.3.eml for Bob', async () => {
    const verdict = await openMessage(read('5.3.eml'), { keys: [bob] }, env);
    expect(verdict.layers[0]).toMatchObject({ kind: 'encrypted', weak: true });
    expect(new TextDecoder().decode(verdict.content ?? new Uint8Array())).toContain(EX_CONTENT);
  });
});
