/**
 * KeyAgreeRecipientInfo (RFC 5652 §6.2.2) for elliptic-curve recipients, RFC 5753: ephemeral-static
 * ECDH, the ANSI X9.63 KDF over ECC-CMS-SharedInfo, and AES key wrap (RFC 3394) of the content key.
 * Written: dhSinglePass-stdDH-sha256kdf-scheme; read: the sha1/224/256/384/512 KDF variants, standard
 * and cofactor (the same computation on the NIST curves, whose cofactor is 1).
 */
import * as asn1js from 'asn1js';
import { concatBytes } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { describePrivateKey } from '../keys/private-key';
import { algorithmIdentifier, explicit, isContext, octets, oid, parseDer, sequence } from '../keys/der';
import type { Identity } from '../keys/identity';
import { CURVES, OID, type DigestName } from './algorithms';
import { decryptFailed } from './decrypt-failure';
import { digest } from './digest';
import { derAlgorithm, derExplicit, derInteger, derOctetString, derSequence, retag, tlv } from './der-writer';
import { issuerAndSerialNumber, subjectKeyIdentifierChoice, type CertificateId } from './recipient-id';

const KDF_SCHEMES: Record<string, { hash: DigestName; name: string }> = {
  [OID.dhSinglePassStdDhSha1Kdf]: { hash: 'SHA-1', name: 'sha1kdf' },
  [OID.dhSinglePassStdDhSha224Kdf]: { hash: 'SHA-224', name: 'sha224kdf' },
  [OID.dhSinglePassStdDhSha256Kdf]: { hash: 'SHA-256', name: 'sha256kdf' },
  [OID.dhSinglePassStdDhSha384Kdf]: { hash: 'SHA-384', name: 'sha384kdf' },
  [OID.dhSinglePassStdDhSha512Kdf]: { hash: 'SHA-512', name: 'sha512kdf' },
  '1.3.133.16.840.63.0.3': { hash: 'SHA-1', name: 'cofactor-sha1kdf' },
  '1.3.132.1.14.0': { hash: 'SHA-224', name: 'cofactor-sha224kdf' },
  '1.3.132.1.14.1': { hash: 'SHA-256', name: 'cofactor-sha256kdf' },
  '1.3.132.1.14.2': { hash: 'SHA-384', name: 'cofactor-sha384kdf' },
  '1.3.132.1.14.3': { hash: 'SHA-512', name: 'cofactor-sha512kdf' },
};

const WRAPS: Record<string, { bytes: number; name: string }> = {
  [OID.aes128Wrap]: { bytes: 16, name: 'aes128-wrap' },
  [OID.aes192Wrap]: { bytes: 24, name: 'aes192-wrap' },
  [OID.aes256Wrap]: { bytes: 32, name: 'aes256-wrap' },
};

const CURVE_BITS = { 'P-256': 256, 'P-384': 384, 'P-521': 528 } as const;

const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => b.slice() as Uint8Array<ArrayBuffer>;

/**
 * RFC 5753 §7.2: ECC-CMS-SharedInfo ::= SEQUENCE { keyInfo AlgorithmIdentifier (the wrap algorithm,
 * parameters absent), entityUInfo [0] EXPLICIT OCTET STRING OPTIONAL (the ukm), suppPubInfo [2]
 * EXPLICIT OCTET STRING (the KEK length in bits, 32-bit big-endian) }.
 */
function sharedInfo(wrapOid: string, kekBytes: number, ukm: Uint8Array | undefined): Uint8Array {
  const bits = kekBytes * 8;
  const supp = Uint8Array.of(bits >>> 24, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff, bits & 0xff);
  return derSequence(
    derAlgorithm(wrapOid),
    ...(ukm ? [derExplicit(0, derOctetString(ukm))] : []),
    derExplicit(2, derOctetString(supp)),
  );
}

/** ANSI X9.63 KDF (SEC 1 §3.6.1): Hash(Z || counter32 || SharedInfo), counter from 1. */
async function x963Kdf(hash: DigestName, z: Uint8Array, info: Uint8Array, length: number, env: CoreEnv) {
  const parts: Uint8Array[] = [];
  let have = 0;
  for (let counter = 1; have < length; counter++) {
    const c = Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff);
    const block = await digest(hash, concatBytes(z, c, info), env);
    parts.push(block);
    have += block.length;
  }
  return concatBytes(...parts).slice(0, length);
}

async function wrapKey(kek: Uint8Array, cek: Uint8Array, env: CoreEnv): Promise<Uint8Array> {
  const subtle = env.crypto.subtle;
  const wrapping = await subtle.importKey('raw', buf(kek), 'AES-KW', false, ['wrapKey']);
  // Any byte string can be an HMAC key, which lets WebCrypto wrap a raw content key of any length.
  const key = await subtle.importKey('raw', buf(cek), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign']);
  return new Uint8Array(await subtle.wrapKey('raw', key, wrapping, 'AES-KW'));
}

async function unwrapKey(kek: Uint8Array, wrapped: Uint8Array, env: CoreEnv): Promise<Uint8Array> {
  const subtle = env.crypto.subtle;
  const unwrapping = await subtle.importKey('raw', buf(kek), 'AES-KW', false, ['unwrapKey']);
  const key = await subtle.unwrapKey(
    'raw',
    buf(wrapped),
    unwrapping,
    'AES-KW',
    { name: 'HMAC', hash: 'SHA-256', length: (wrapped.length - 8) * 8 },
    true,
    ['sign'],
  );
  return new Uint8Array(await subtle.exportKey('raw', key));
}

function curveOfSpki(spki: Uint8Array, who: string): 'P-256' | 'P-384' | 'P-521' {
  const unsupported = () =>
    new SelloError(
      'cms.unsupported-algorithm',
      `The elliptic curve of ${who}'s certificate is not supported.`,
    );
  const items = sequence(parseDer(spki, unsupported), unsupported, 2, 2);
  const alg = algorithmIdentifier(items[0], unsupported);
  const curve = CURVES[oid(alg.params, unsupported)];
  if (alg.oid !== OID.ecPublicKey || !curve) throw unsupported();
  return curve;
}

/** A KARI for one EC recipient, with its own ephemeral key. Returned as the [1] RecipientInfo choice. */
export async function keyAgreeRecipientInfo(
  id: CertificateId,
  who: string,
  cek: Uint8Array,
  recipientId: 'issuer-serial' | 'ski',
  env: CoreEnv,
): Promise<Uint8Array> {
  const namedCurve = curveOfSpki(id.spki, who);
  // RFC 5753 §8: a wrap at least as strong as the content key.
  const wrapOid = cek.length <= 16 ? OID.aes128Wrap : OID.aes256Wrap;
  const kekBytes = WRAPS[wrapOid]!.bytes;
  const rid =
    recipientId === 'ski'
      ? retag(derSequence(subjectKeyIdentifierRaw(id, who)), 0xa0)
      : issuerAndSerialNumber(id);
  let encryptedKey: Uint8Array;
  let ephemeralPoint: Uint8Array;
  try {
    const subtle = env.crypto.subtle;
    const recipientKey = await subtle.importKey(
      'spki',
      buf(id.spki),
      { name: 'ECDH', namedCurve },
      false,
      [],
    );
    const ephemeral = (await subtle.generateKey({ name: 'ECDH', namedCurve }, true, [
      'deriveBits',
    ])) as CryptoKeyPair;
    const z = new Uint8Array(
      await subtle.deriveBits(
        { name: 'ECDH', public: recipientKey },
        ephemeral.privateKey,
        CURVE_BITS[namedCurve],
      ),
    );
    ephemeralPoint = new Uint8Array(await subtle.exportKey('raw', ephemeral.publicKey));
    const kek = await x963Kdf('SHA-256', z, sharedInfo(wrapOid, kekBytes, undefined), kekBytes, env);
    encryptedKey = await wrapKey(kek, cek, env);
  } catch (e) {
    throw new SelloError('cms.recipient-key-missing', `The content key could not be agreed with ${who}.`, {
      cause: e,
    });
  }
  // OriginatorPublicKey ::= SEQUENCE { algorithm (id-ecPublicKey, parameters absent), publicKey BIT STRING }
  const originatorKey = tlv(0xa1, derAlgorithm(OID.ecPublicKey), tlv(0x03, Uint8Array.of(0), ephemeralPoint));
  return tlv(
    0xa1,
    derInteger(3),
    derExplicit(0, originatorKey),
    derAlgorithm(OID.dhSinglePassStdDhSha256Kdf, derAlgorithm(wrapOid)),
    derSequence(derSequence(rid, derOctetString(encryptedKey))),
  );
}

/** RecipientKeyIdentifier's subjectKeyIdentifier as a plain OCTET STRING. */
function subjectKeyIdentifierRaw(id: CertificateId, who: string): Uint8Array {
  return retag(subjectKeyIdentifierChoice(id, who), 0x04);
}

const MONTGOMERY: Record<string, string> = { '1.3.101.110': 'X25519', '1.3.101.111': 'X448' };

export interface ParsedKari {
  originatorPoint: Uint8Array | null;
  /** OID of the originator's key algorithm (id-ecPublicKey, or id-X25519 / id-X448 of RFC 8418). */
  originatorAlgorithm: string | null;
  ukm: Uint8Array | undefined;
  algorithm: asn1js.AsnType | undefined;
  /** RecipientEncryptedKey items: [rid, encryptedKey]. */
  recipientEncryptedKeys: asn1js.AsnType[][];
}

/** The KARI fields; `node` is the [1] RecipientInfo choice. */
export function parseKari(node: asn1js.AsnType): ParsedKari {
  const items = (node as asn1js.Constructed).valueBlock.value ?? [];
  let i = 1; // version
  const originator = explicit(items[i++], 0, decryptFailed);
  let originatorPoint: Uint8Array | null = null;
  let originatorAlgorithm: string | null = null;
  if (isContext(originator, 1)) {
    const parts = (originator as asn1js.Constructed).valueBlock.value ?? [];
    const bits = parts[1];
    if (bits instanceof asn1js.BitString) originatorPoint = new Uint8Array(bits.valueBlock.valueHexView);
    try {
      originatorAlgorithm = algorithmIdentifier(parts[0], decryptFailed).oid;
    } catch {
      originatorAlgorithm = null; // decryption fails on its own
    }
  }
  let ukm: Uint8Array | undefined;
  if (isContext(items[i], 1)) ukm = octets(explicit(items[i++], 1, decryptFailed), decryptFailed);
  const algorithm = items[i++];
  const recipientEncryptedKeys = sequence(items[i], decryptFailed).map((r) =>
    sequence(r, decryptFailed, 2, 2),
  );
  return { originatorPoint, originatorAlgorithm, ukm, algorithm, recipientEncryptedKeys };
}

export function keyAgreementName(algorithm: asn1js.AsnType | undefined): string {
  try {
    const alg = algorithmIdentifier(algorithm, decryptFailed);
    const kdf = KDF_SCHEMES[alg.oid];
    const wrap = WRAPS[algorithmIdentifier(alg.params, decryptFailed).oid];
    return kdf && wrap ? `ecdh-${kdf.name}-${wrap.name}` : alg.oid;
  } catch {
    return 'unknown'; // only a name for reporting; decryption fails on its own
  }
}

/** The content-encryption key from our RecipientEncryptedKey. Any failure: cms.decrypt-failed. */
export async function decryptKeyAgree(
  kari: ParsedKari,
  encryptedKey: Uint8Array,
  identity: Identity,
  env: CoreEnv,
): Promise<Uint8Array> {
  // RFC 8418 (X25519/X448) is not implemented. Said by name, unlike other failures: it follows from
  // the public originator key alone, before our key is used, so it tells an attacker nothing.
  const curve = kari.originatorAlgorithm ? MONTGOMERY[kari.originatorAlgorithm] : undefined;
  if (curve)
    throw new SelloError(
      'cms.unsupported-algorithm',
      `Key agreement with ${curve} (RFC 8418) is not supported.`,
    );
  try {
    const alg = algorithmIdentifier(kari.algorithm, decryptFailed);
    const kdf = KDF_SCHEMES[alg.oid];
    const wrapOid = algorithmIdentifier(alg.params, decryptFailed).oid;
    const wrap = WRAPS[wrapOid];
    const key = describePrivateKey(identity.privateKey);
    if (!kdf || !wrap || !kari.originatorPoint || key.kind !== 'EC') throw decryptFailed();
    const subtle = env.crypto.subtle;
    const namedCurve = key.namedCurve;
    const priv = await subtle.importKey(
      'pkcs8',
      buf(identity.privateKey),
      { name: 'ECDH', namedCurve },
      false,
      ['deriveBits'],
    );
    const pub = await subtle.importKey(
      'raw',
      buf(kari.originatorPoint),
      { name: 'ECDH', namedCurve },
      false,
      [],
    );
    const z = new Uint8Array(
      await subtle.deriveBits({ name: 'ECDH', public: pub }, priv, CURVE_BITS[namedCurve]),
    );
    const kek = await x963Kdf(kdf.hash, z, sharedInfo(wrapOid, wrap.bytes, kari.ukm), wrap.bytes, env);
    return await unwrapKey(kek, encryptedKey, env);
  } catch (e) {
    throw decryptFailed(e);
  }
}
