/**
 * Downgrade, our side: whatever options a user or policy picks, nothing Sello writes uses MD5, SHA-1
 * signatures, DES, 3DES, RC2 or the PKCS#12 legacy PBEs. Every OID of every structure is checked, so
 * a default that silently falls back (PKI.js signs with SHA-1 unless told otherwise) is caught.
 */
import * as asn1js from 'asn1js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Identity } from '../../shared/keys/identity';
import { exportPkcs12 } from '../../shared/keys/pkcs12-export';
import { createDemoCa, createDemoUser } from '../../shared/smime/demo-pki';
import { DEFAULT_ENCRYPT_OPTIONS, encryptMessage, type EncryptOptions } from '../../shared/smime/encrypt';
import { DEFAULT_SIGN_OPTIONS, signMessage, type SignOptions } from '../../shared/smime/sign';
import { cmsOf } from './lib/cms-surgery';
import { env, message, textEntity } from './lib/message';

const WEAK: Record<string, string> = {
  '1.2.840.113549.2.5': 'md5',
  '1.2.840.113549.2.2': 'md2',
  '1.3.14.3.2.26': 'sha1',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.113549.3.7': 'des-ede3-cbc',
  '1.3.14.3.2.7': 'des-cbc',
  '1.2.840.113549.3.2': 'rc2-cbc',
  '1.2.840.113549.1.12.1.3': 'pbeWithSHAAnd3-KeyTripleDES-CBC',
  '1.2.840.113549.1.12.1.6': 'pbeWithSHAAnd40BitRC2-CBC',
  '1.2.840.113549.2.7': 'hmacWithSHA1',
};

function oids(der: Uint8Array): string[] {
  const out: string[] = [];
  const walk = (n: asn1js.AsnType) => {
    if (n instanceof asn1js.ObjectIdentifier) out.push(n.valueBlock.toString());
    // PKCS#12 and CMS wrap DER inside OCTET STRINGs (authSafe, bags): look inside those too.
    if (n instanceof asn1js.OctetString && !n.idBlock.isConstructed) {
      const bytes = n.valueBlock.valueHexView;
      // Most OCTET STRINGs (digests, signatures, ciphertext) are random bytes, which asn1js can
      // mistake for a malformed time and throw on: those are just bytes, not nested DER.
      let nested: ReturnType<typeof asn1js.fromBER> | null = null;
      try {
        nested = bytes.length > 1 ? asn1js.fromBER(new Uint8Array(bytes)) : null;
      } catch {
        nested = null;
      }
      if (nested && nested.offset === bytes.length) walk(nested.result);
    }
    const inner = (n as { valueBlock?: { value?: unknown } }).valueBlock?.value;
    if (Array.isArray(inner)) for (const c of inner as asn1js.AsnType[]) walk(c);
  };
  const parsed = asn1js.fromBER(new Uint8Array(der));
  if (parsed.offset === -1) throw new Error('not DER');
  walk(parsed.result);
  return out;
}

const HASH_OID: Record<string, string> = {
  'SHA-256': '2.16.840.1.101.3.4.2.1',
  'SHA-384': '2.16.840.1.101.3.4.2.2',
  'SHA-512': '2.16.840.1.101.3.4.2.3',
};

const weakIn = (der: Uint8Array, allow: string[] = []) =>
  oids(der)
    .filter((o) => WEAK[o] && !allow.includes(o))
    .map((o) => WEAK[o]);

let rsa: Identity;
let ec: Identity;
beforeAll(async () => {
  const ca = await createDemoCa(env, { keyType: 'RSA-2048' });
  rsa = await createDemoUser(ca, { name: 'Rsa', email: 'rsa@example.org' }, env);
  const ecCa = await createDemoCa(env, { keyType: 'P-256' });
  ec = await createDemoUser(ecCa, { name: 'Ec', email: 'ec@example.org', keyType: 'P-256' }, env);
}, 60_000);

const SIGNS: SignOptions[] = (['SHA-256', 'SHA-384', 'SHA-512'] as const).flatMap((hash) =>
  [false, true].flatMap((pss) =>
    (['detached', 'opaque'] as const).map((form) => ({ form, hash, pss, chain: 'full' as const })),
  ),
);
const ENCRYPTS: EncryptOptions[] = (
  ['aes-256-cbc', 'aes-128-cbc', 'aes-256-gcm', 'aes-128-gcm'] as const
).flatMap((cipher) =>
  (['rsaes-pkcs1-v1_5', 'rsaes-oaep-sha1', 'rsaes-oaep-sha256'] as const).map((keyTransport) => ({
    cipher,
    keyTransport,
    recipientId: 'issuer-serial' as const,
  })),
);

describe('Sello never writes a weak algorithm', () => {
  it('defaults are SHA-256 signatures and AES content', () => {
    expect(DEFAULT_SIGN_OPTIONS.hash).not.toBe('SHA-1');
    expect(DEFAULT_ENCRYPT_OPTIONS.cipher).toMatch(/^aes-/);
    expect(DEFAULT_ENCRYPT_OPTIONS.keyTransport).not.toBe('rsaes-oaep-sha1');
  });

  it('signatures use no MD5/SHA-1 for any hash, PSS or form, RSA or ECDSA', async () => {
    for (const signer of [rsa, ec]) {
      for (const opts of SIGNS) {
        if (opts.pss && signer === ec) continue;
        const der = cmsOf(await signMessage(message({}, textEntity('x')), signer, opts, env)).der;
        expect(weakIn(der), JSON.stringify(opts)).toEqual([]);
        expect(oids(der), 'the walk sees the digest algorithm').toContain(HASH_OID[opts.hash]);
      }
    }
  });

  it('envelopes use no DES/3DES/RC2 for any cipher or key transport, RSA or ECDH', async () => {
    for (const opts of ENCRYPTS) {
      // OAEP with SHA-1 is an interoperability option (RFC 8017 default parameters), not a signature
      // hash: SHA-1 in OAEP's mask generation is not the collision use that makes it weak.
      const allow = opts.keyTransport === 'rsaes-oaep-sha1' ? ['1.3.14.3.2.26'] : [];
      const der = cmsOf(await encryptMessage(message({}, textEntity('x')), [rsa.certificate], opts, env)).der;
      expect(weakIn(der, allow), JSON.stringify(opts)).toEqual([]);
    }
    const der = cmsOf(
      await encryptMessage(message({}, textEntity('x')), [ec.certificate], DEFAULT_ENCRYPT_OPTIONS, env),
    ).der;
    expect(weakIn(der)).toEqual([]);
  });

  it('PKCS#12 export uses PBES2 with no legacy PBE, 3DES, RC2 or SHA-1 MAC', async () => {
    const p12 = await exportPkcs12(rsa, 'pass-phrase', env, { iterations: 1000 });
    expect(weakIn(p12)).toEqual([]);
    expect(oids(p12), 'the walk reaches the bags (PBES2)').toContain('1.2.840.113549.1.5.13');
  });
});
