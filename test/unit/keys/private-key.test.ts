import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { isSelloError } from '../../../shared/errors';
import {
  describePrivateKey,
  importSigningKey,
  keyMatchesCertificate,
} from '../../../shared/keys/private-key';
import { certificateSpki } from '../../../shared/keys/private-key';
import { openssl, TestPki, type IssuedIdentity, type KeySpec } from './openssl-pki';

const env = defaultEnv();
const data = new TextEncoder().encode('signed by Sello');

function pkcs8Of(pem: Uint8Array): Uint8Array {
  return openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], { input: pem });
}

describe('private keys', () => {
  let pki: TestPki;
  const ids: Record<string, IssuedIdentity> = {};
  const specs: [string, KeySpec, ReturnType<typeof describePrivateKey>][] = [
    ['RSA 2048', { rsa: 2048 }, { kind: 'RSA', bits: 2048 }],
    ['RSA 3072', { rsa: 3072 }, { kind: 'RSA', bits: 3072 }],
    ['EC P-256', { ec: 'P-256' }, { kind: 'EC', namedCurve: 'P-256' }],
    ['EC P-384', { ec: 'P-384' }, { kind: 'EC', namedCurve: 'P-384' }],
    ['EC P-521', { ec: 'P-521' }, { kind: 'EC', namedCurve: 'P-521' }],
  ];

  beforeAll(() => {
    pki = new TestPki();
    for (const [name, spec] of specs) ids[name] = pki.issue(`${name.replace(/\W/g, '')}@example.org`, spec);
  });
  afterAll(() => pki.remove());

  it.each(specs)('describes an %s key', (name, _, expected) => {
    expect(describePrivateKey(ids[name]!.pkcs8)).toEqual(expected);
  });

  it.each(specs)('imports an %s key for signing and the certificate verifies the signature', async (name) => {
    const id = ids[name]!;
    const spki = certificateSpki(id.certificate) as Uint8Array<ArrayBuffer>;
    const kind = describePrivateKey(id.pkcs8);
    const variants = kind.kind === 'RSA' ? [false, true] : [false];
    for (const pss of variants) {
      const key = await importSigningKey(id.pkcs8, id.certificate, { hash: 'SHA-256', pss }, env);
      expect(key.extractable).toBe(false);
      const alg =
        kind.kind === 'RSA'
          ? pss
            ? { name: 'RSA-PSS', saltLength: 32 }
            : { name: 'RSASSA-PKCS1-v1_5' }
          : { name: 'ECDSA', hash: 'SHA-256' };
      const sig = await env.crypto.subtle.sign(alg, key, data);
      const importAlg =
        kind.kind === 'RSA'
          ? { name: alg.name, hash: 'SHA-256' }
          : { name: 'ECDSA', namedCurve: kind.namedCurve };
      const pub = await env.crypto.subtle.importKey('spki', spki, importAlg, false, ['verify']);
      expect(await env.crypto.subtle.verify(alg, pub, sig, data)).toBe(true);
    }
  });

  it('tells which certificate a key belongs to', async () => {
    for (const [a] of specs) {
      for (const [b] of specs) {
        expect(await keyMatchesCertificate(ids[a]!.pkcs8, ids[b]!.certificate, env)).toBe(a === b);
      }
    }
  });

  it('matches an EC key stored without its public point (RFC 5915 makes it optional)', async () => {
    const id = ids['EC P-256']!;
    const bare = pkcs8Of(openssl(['ec', '-in', id.keyPath, '-no_public']));
    expect(bare.length).toBeLessThan(id.pkcs8.length);
    expect(await keyMatchesCertificate(bare, id.certificate, env)).toBe(true);
    expect(await keyMatchesCertificate(bare, ids['EC P-384']!.certificate, env)).toBe(false);
  });

  it('imports an id-RSASSA-PSS key for RSA-PSS signing', async () => {
    const pss = pkcs8Of(openssl(['genpkey', '-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048']));
    expect(describePrivateKey(pss)).toEqual({ kind: 'RSA', bits: 2048 });
    const key = await importSigningKey(pss, { hash: 'SHA-256', pss: true }, env);
    expect(key.algorithm.name).toBe('RSA-PSS');
  });

  it('refuses a key that does not belong to the given certificate', async () => {
    await expect(
      importSigningKey(
        ids['RSA 2048']!.pkcs8,
        ids['RSA 3072']!.certificate,
        { hash: 'SHA-256', pss: false },
        env,
      ),
    ).rejects.toSatisfy((e) => isSelloError(e, 'cms.key-mismatch'));
  });

  it('refuses Ed25519 and garbage with typed errors', () => {
    const ed = pkcs8Of(openssl(['genpkey', '-algorithm', 'ED25519']));
    expect(() => describePrivateKey(ed)).toThrowError(
      expect.objectContaining({ code: 'cms.key-unsupported' }),
    );
    expect(() => describePrivateKey(new Uint8Array([0x30, 0x00]))).toThrowError(
      expect.objectContaining({ code: 'cms.key-malformed' }),
    );
  });
});
