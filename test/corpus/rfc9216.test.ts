/**
 * RFC 9216 "S/MIME Example Keys and Certificates" and the CMS examples built with them
 * (../shared/corpora/lamps-rfc9216, expected results in its PROVENANCE.md, taken from
 * wbond/certvalidator at the moment 2022-04-21). RSA paths validate; Ed25519 ones depend on the
 * WebCrypto of the host (Node 20 has Ed25519), and cross-signed CAs let either root reach either
 * family's users. Every CMS example in cms-examples/binary is run: the expected result, or the named
 * unsupported error (Ed25519 signatures in CMS, X25519 key agreement, ChaCha20-Poly1305, KEK
 * recipients), listed with reasons in docs/pkits.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromUtf8, pemDecodeAll } from '../../shared/bytes';
import { decryptEnvelopedData } from '../../shared/cms/enveloped-data';
import { verifySignedData } from '../../shared/cms/signed-data';
import { defaultEnv } from '../../shared/env';
import { isSelloError } from '../../shared/errors';
import type { Identity } from '../../shared/keys/identity';
import { validatePath } from '../../shared/pki';

const CORPUS = join(__dirname, '../../../shared/corpora/lamps-rfc9216');
const env = defaultEnv({ fetch: undefined, now: () => new Date('2022-04-21T00:00:00Z') });
const EX_CONTENT = 'This is some sample content.';

const blocks = (path: string) => pemDecodeAll(fromUtf8(new Uint8Array(readFileSync(join(CORPUS, path)))));
const cert = (name: string): Uint8Array =>
  blocks(`certs/${name}.pem`).find((b) => b.label === 'CERTIFICATE')!.der;
const binary = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(CORPUS, 'cms-examples/binary', name)));

const rsaRoot = () => cert('Sample_LAMPS_RSA_Certification_Authority.selfsigned');
const edRoot = () => cert('Sample_LAMPS_Ed25519_Certification_Authority.selfsigned');
const edCrossByRsa = () => cert('Sample_LAMPS_Ed25519_Certification_Authority.crosssigned');
const rsaCrossByEd = () => cert('Sample_LAMPS_RSA_Certification_Authority.crosssigned');
const errors = (r: { issues: { code: string; severity: string }[] }): string[] =>
  r.issues.filter((i) => i.severity === 'error').map((i) => i.code);

describe('RFC 9216 certificates', () => {
  it('validates Alice’s signing certificate to the RSA CA', async () => {
    const r = await validatePath({
      certificate: cert('alice@smime.example.sig'),
      anchors: [rsaRoot()],
      usage: 'sign',
      env,
    });
    expect(errors(r)).toEqual([]);
    expect(r.chain).toHaveLength(2);
  });

  it('validates Bob’s encryption certificate for encryption only', async () => {
    const enc = await validatePath({
      certificate: cert('bob@smime.example.enc'),
      anchors: [rsaRoot()],
      usage: 'encrypt',
      env,
    });
    expect(enc.trusted).toBe(true);
    const sign = await validatePath({
      certificate: cert('bob@smime.example.enc'),
      anchors: [rsaRoot()],
      usage: 'sign',
      env,
    });
    expect(errors(sign)).toContain('path.key-usage');
  });

  it('validates Carlos (Ed25519 signing, X25519 encryption) to the Ed25519 CA', async () => {
    const sig = await validatePath({
      certificate: cert('carlos@smime.example.sig'),
      anchors: [edRoot()],
      usage: 'sign',
      env,
    });
    expect(errors(sig)).toEqual([]);
    const enc = await validatePath({
      certificate: cert('carlos@smime.example.enc'),
      anchors: [edRoot()],
      usage: 'encrypt',
      env,
    });
    expect(errors(enc)).toEqual([]);
  });

  it('builds the 3-certificate path RSA CA -> Ed25519 CA (cross-signed) -> Dana', async () => {
    const r = await validatePath({
      certificate: cert('dana@smime.example.sig'),
      anchors: [rsaRoot()],
      intermediates: [edCrossByRsa()],
      env,
    });
    expect(errors(r)).toEqual([]);
    expect(r.chain).toHaveLength(3);
  });

  it('builds the 3-certificate path Ed25519 CA -> RSA CA (cross-signed) -> Bob', async () => {
    const r = await validatePath({
      certificate: cert('bob@smime.example.sig'),
      anchors: [edRoot()],
      intermediates: [rsaCrossByEd()],
      env,
    });
    expect(errors(r)).toEqual([]);
    expect(r.chain).toHaveLength(3);
  });

  it('fails to build a path for Bob when only the cross-signed Ed25519 CA is trusted', async () => {
    const r = await validatePath({
      certificate: cert('bob@smime.example.sig'),
      anchors: [edCrossByRsa()],
      env,
    });
    expect(r.trusted).toBe(false);
    expect(errors(r)).toContain('path.no-anchor');
  });
});

describe('RFC 9216 CMS examples', () => {
  it.each(['signedByAliceRSA.p7m', 'signedByAliceRSAPSS.p7m'])(
    'verifies %s and validates its signer to the RSA CA',
    async (file) => {
      const signed = await verifySignedData(binary(file), {}, env);
      const signer = signed.signers[0]!;
      expect(signer.intact).toBe(true);
      expect(new TextDecoder().decode(signed.content ?? new Uint8Array())).toBe(EX_CONTENT);
      const r = await validatePath({
        certificate: signer.certificate!,
        anchors: [rsaRoot()],
        intermediates: signed.certificates,
        env,
      });
      expect(errors(r)).toEqual([]);
    },
  );

  it('decrypts encryptedForBobRSAOaep with Bob’s key', async () => {
    const bob = {
      certificate: cert('bob@smime.example.enc'),
      chain: [],
      privateKey: blocks('keys/lamps-bob.decrypt.p8.pem')[0]!.der,
    };
    const d = await decryptEnvelopedData(binary('encryptedForBobRSAOaep.p7m'), bob, env);
    expect(new TextDecoder().decode(d.content)).toBe(EX_CONTENT);
  });
});

const bobKey = (): Identity => ({
  certificate: cert('bob@smime.example.enc'),
  chain: [],
  privateKey: blocks('keys/lamps-bob.decrypt.p8.pem')[0]!.der,
});
const danaKey = (): Identity => ({
  certificate: cert('dana@smime.example.enc'),
  chain: [],
  privateKey: blocks('keys/lamps-dana.decrypt.p8.pem')[0]!.der,
});
const ED25519 = 'Ed25519 signatures in CMS (RFC 8419) are not implemented (certificate paths are)';

type SignerExpectation = 'valid' | 'unsupported';
type Example =
  | { kind: 'signed'; signers: SignerExpectation[]; detached?: boolean; reason?: string }
  | {
      kind: 'enveloped';
      /** Who can open it, and the named error for whom cannot (with the reason). */
      bob: 'decrypts' | string;
      dana: 'decrypts' | string;
      reason?: string;
    };

/** Every file of cms-examples/binary, with PROVENANCE.md's expectation as far as Sello meets it. */
const EXAMPLES: Record<string, Example> = {
  'signedByAliceRSA.p7m': { kind: 'signed', signers: ['valid'] },
  'signedByAliceRSAPSS.p7m': { kind: 'signed', signers: ['valid'] },
  'signedByCarlosEd25519.p7m': { kind: 'signed', signers: ['unsupported'], reason: ED25519 },
  'signedByCarlosDetached.p7m': { kind: 'signed', signers: ['unsupported'], detached: true, reason: ED25519 },
  'signedByAliceAndCarlosNoCerts.p7m': { kind: 'signed', signers: ['unsupported', 'valid'], reason: ED25519 },
  'encryptedForBobRSAOaep.p7m': { kind: 'enveloped', bob: 'decrypts', dana: 'cms.no-recipient' },
  'encryptedForBobAndDana.p7m': {
    kind: 'enveloped',
    bob: 'decrypts',
    dana: 'cms.unsupported-algorithm',
    reason: 'X25519 key agreement (RFC 8418) is not implemented',
  },
  'authEnvelopedForDanaX25519HKDF.p7m': {
    kind: 'enveloped',
    bob: 'cms.no-recipient',
    dana: 'cms.unsupported-algorithm',
    reason: 'X25519 key agreement with HKDF (RFC 8418) is not implemented',
  },
  'authEnvelopedForBobChaCha20Poly1305.p7m': {
    kind: 'enveloped',
    bob: 'cms.unsupported-algorithm',
    dana: 'cms.unsupported-algorithm',
    reason: 'ChaCha20-Poly1305 (RFC 8103) is not implemented: WebCrypto has no ChaCha20',
  },
  'encryptedKekri.p7m': {
    kind: 'enveloped',
    bob: 'cms.no-recipient',
    dana: 'cms.no-recipient',
    reason:
      'KEKRecipientInfo (pre-shared key-encryption key) is not supported; the KEK is not in the corpus either',
  },
};

describe('every RFC 9216 CMS example', () => {
  it('covers exactly the files in cms-examples/binary', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual(readdirSync(join(CORPUS, 'cms-examples/binary')).sort());
  });

  it.each(Object.entries(EXAMPLES))('%s', async (file, expected) => {
    if (expected.kind === 'signed') {
      const signed = await verifySignedData(
        binary(file),
        {
          ...(expected.detached ? { detachedContent: new TextEncoder().encode(EX_CONTENT) } : {}),
          // signedByAliceAndCarlosNoCerts carries no certificates: the reader supplies them.
          extraCertificates: [cert('alice@smime.example.sig'), cert('carlos@smime.example.sig')],
        },
        env,
      );
      expect(signed.signers.map((x) => (x.intact ? 'valid' : x.errors.map((e) => e.code).join()))).toEqual(
        expected.signers.map((x) => (x === 'valid' ? 'valid' : 'cms.unsupported-algorithm')),
      );
      if (!expected.detached)
        expect(new TextDecoder().decode(signed.content ?? new Uint8Array())).toBe(EX_CONTENT);
      return;
    }
    for (const [who, key, outcome] of [
      ['bob', bobKey(), expected.bob],
      ['dana', danaKey(), expected.dana],
    ] as const) {
      const result = await decryptEnvelopedData(binary(file), key, env).then(
        (d) => new TextDecoder().decode(d.content),
        (e: unknown) => (isSelloError(e) ? e.code : String(e)),
      );
      expect(result, who).toBe(outcome === 'decrypts' ? EX_CONTENT : outcome);
    }
    if (expected.reason) expect(expected.reason).toMatch(/not (implemented|supported)/);
  });
});
