/**
 * RFC 4134 "Examples of S/MIME Messages" (../shared/corpora/rfc4134, expected results in its
 * PROVENANCE.md). Every sample the PROVENANCE table lists is run: it gives the expected result, or a
 * named unsupported error (DSA, DigestedData, EncryptedData, bare Data, countersignatures), listed with
 * the reasons in docs/pkits.md. The samples are 1999-era: 1024-bit RSA and DSA keys, SHA-1
 * everywhere. Sello's default policy must refuse those chains and say why; the explicit allowWeak...
 * switches accept them visibly. WebCrypto has no DSA, so the DSA samples are reported as
 * unverifiable, never as valid.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decryptEnvelopedData } from '../../shared/cms/enveloped-data';
import { verifySignedData } from '../../shared/cms/signed-data';
import { defaultEnv } from '../../shared/env';
import { createCrlStatusChecker, importTrustFile, validatePath } from '../../shared/pki';
import { toBase64 } from '../../shared/bytes';
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
const text = (b: Uint8Array | null): string => new TextDecoder().decode(b ?? new Uint8Array());

/** A bare ContentInfo as the body of an application/pkcs7-mime message, the way mail carries one. */
const asMail = (der: Uint8Array): Uint8Array =>
  new TextEncoder().encode(
    'From: alice@example.com\r\nContent-Type: application/pkcs7-mime; name=smime.p7m\r\n' +
      `Content-Transfer-Encoding: base64\r\n\r\n${toBase64(der)}\r\n`,
  );

type Expectation =
  | { kind: 'signed-valid' }
  | { kind: 'decrypts' }
  | { kind: 'certs-only' }
  /** What RFC 4134 expects cannot be checked by Sello: it says so with `code`, for `reason`. */
  | { kind: 'unsupported'; code: string; reason: string; signers?: number; detached?: boolean };

const DSA = 'DSA signature: WebCrypto has no DSA (and S/MIME no longer uses it)';
const NOT_SMIME =
  'not an S/MIME content type: Sello opens SignedData, EnvelopedData and AuthEnvelopedData only';

/** Every sample of PROVENANCE.md's table, with what Sello does with it. */
const SAMPLES: Record<string, Expectation> = {
  '3.1.bin': { kind: 'unsupported', code: 'smime.unsupported', reason: `ContentInfo Data: ${NOT_SMIME}` },
  '3.2.bin': { kind: 'unsupported', code: 'smime.unsupported', reason: `ContentInfo Data: ${NOT_SMIME}` },
  '4.1.bin': { kind: 'unsupported', code: 'cms.unsupported-algorithm', reason: DSA, signers: 1 },
  '4.2.bin': { kind: 'signed-valid' },
  '4.3.bin': {
    kind: 'unsupported',
    code: 'cms.unsupported-algorithm',
    reason: `${DSA} (detached: checked over ExContent.bin)`,
    signers: 1,
    detached: true,
  },
  '4.4.bin': {
    kind: 'unsupported',
    code: 'cms.unsupported-algorithm',
    reason: `${DSA}; its counterSignature (an unsigned attribute) is not verified by Sello at all`,
    signers: 1,
  },
  '4.5.bin': { kind: 'signed-valid' },
  '4.6.bin': {
    kind: 'unsupported',
    code: 'cms.unsupported-algorithm',
    reason: `${DSA}, including DSA parameter inheritance`,
    signers: 2,
  },
  '4.7.bin': { kind: 'unsupported', code: 'cms.unsupported-algorithm', reason: DSA, signers: 1 },
  '4.8.eml': { kind: 'unsupported', code: 'cms.unsupported-algorithm', reason: DSA, signers: 1 },
  '4.9.eml': { kind: 'unsupported', code: 'cms.unsupported-algorithm', reason: DSA, signers: 1 },
  '4.10.bin': { kind: 'unsupported', code: 'cms.unsupported-algorithm', reason: DSA, signers: 1 },
  '4.11.bin': { kind: 'certs-only' },
  '5.1.bin': { kind: 'decrypts' },
  '5.2.bin': { kind: 'decrypts' },
  '5.3.eml': { kind: 'decrypts' },
  '6.0.bin': { kind: 'unsupported', code: 'smime.unsupported', reason: `DigestedData: ${NOT_SMIME}` },
  '7.1.bin': { kind: 'unsupported', code: 'smime.unsupported', reason: `EncryptedData: ${NOT_SMIME}` },
  '7.2.bin': { kind: 'unsupported', code: 'smime.unsupported', reason: `EncryptedData: ${NOT_SMIME}` },
};

/** The sample names in PROVENANCE.md's "Expected outcomes" table ("3.1.bin / 3.2.bin" is two). */
function listedSamples(): string[] {
  const provenance = readFileSync(join(DATA, '../PROVENANCE.md'), 'utf8');
  return [...provenance.matchAll(/^\| ([\d.]+\.(?:bin|eml)(?: \/ [\d.]+\.(?:bin|eml))*) \|/gm)].flatMap((m) =>
    m[1]!.split(' / '),
  );
}

describe('every RFC 4134 sample', () => {
  it('covers exactly the samples PROVENANCE.md lists, all present in data/', () => {
    const listed = listedSamples();
    expect(listed.length).toBeGreaterThan(15);
    expect(Object.keys(SAMPLES).sort()).toEqual([...listed].sort());
    const files = new Set(readdirSync(DATA));
    for (const name of listed) expect(files.has(name), name).toBe(true);
  });

  it.each(Object.entries(SAMPLES))('%s', async (file, expected) => {
    const eml = file.endsWith('.eml');
    switch (expected.kind) {
      case 'signed-valid': {
        const signed = await verifySignedData(read(file), {}, env);
        expect(text(signed.content)).toBe(EX_CONTENT);
        expect(signed.signers.map((s) => [s.intact, s.weak, s.errors])).toEqual([[true, true, []]]);
        // SHA-1: not valid under the default policy, valid (and shown weak) when allowed.
        expect((await openMessage(asMail(read(file)), { keys: [] }, env)).valid).toBe(false);
        const legacy = await openMessage(asMail(read(file)), { keys: [], allowWeak: true }, env);
        expect(legacy.valid).toBe(true);
        return;
      }
      case 'decrypts': {
        if (eml) {
          const v = await openMessage(read(file), { keys: [bob] }, env);
          expect(v.errors).toEqual([]);
          expect(text(v.content)).toContain(EX_CONTENT);
        } else {
          expect(text((await decryptEnvelopedData(read(file), bob, env)).content)).toBe(EX_CONTENT);
        }
        return;
      }
      case 'certs-only': {
        // Not a signature: never "signed", never valid.
        const v = await openMessage(asMail(read(file)), { keys: [] }, env);
        expect(v.valid).toBe(false);
        expect(v.errors.map((e) => e.code)).toEqual(['smime.no-content']);
        expect((await verifySignedData(read(file), {}, env)).signers).toEqual([]);
        return;
      }
      case 'unsupported': {
        expect(expected.reason).not.toBe('');
        if (expected.detached) {
          const signed = await verifySignedData(read(file), { detachedContent: read('ExContent.bin') }, env);
          expect(signed.signers.map((x) => [x.intact, x.errors.map((e) => e.code)])).toEqual([
            [false, [expected.code]],
          ]);
        } else if (expected.code === 'cms.unsupported-algorithm') {
          const v = await openMessage(eml ? read(file) : asMail(read(file)), { keys: [] }, env);
          const layer = v.layers.find((l) => l.kind === 'signed');
          if (layer?.kind !== 'signed') throw new Error(`${file}: no signature layer`);
          expect(layer.signers).toHaveLength(expected.signers ?? 1);
          for (const signer of layer.signers) {
            expect(signer.intact).toBe(false);
            expect(signer.errors.map((e) => e.code)).toContain(expected.code);
          }
          expect(v.valid).toBe(false);
        } else {
          const v = await openMessage(asMail(read(file)), { keys: [bob] }, env);
          expect(v.layers).toEqual([]);
          expect(v.errors.map((e) => e.code)).toEqual([expected.code]);
        }
        return;
      }
    }
  });

  it('reads the encryptionKeyPreference among 4.10’s many signed attributes', async () => {
    const signed = await verifySignedData(read('4.10.bin'), {}, env);
    expect(signed.signers[0]?.encryptionKeyPreference).toMatchObject({ serialNumber: expect.any(String) });
  });
});

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
