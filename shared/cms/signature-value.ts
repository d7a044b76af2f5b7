/**
 * Producing and checking the signature value of a SignerInfo with WebCrypto: RSASSA-PKCS1-v1_5,
 * RSASSA-PSS (RFC 4055 parameters) and ECDSA (DER Ecdsa-Sig-Value, RFC 5753 §2.1.1 / RFC 5480).
 * RSA PKCS#1 v1.5 with MD5 or SHA-224, which WebCrypto lacks, is checked with the raw RSA public
 * operation so that old mail still verifies (and is flagged weak by the caller).
 */
import * as asn1js from 'asn1js';
import { concatBytes, equalBytes } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { rsaPublicOp } from '../crypto/rsa-pkcs1v15';
import {
  algorithmIdentifier,
  contentBytes,
  encodingOf,
  explicit,
  isContext,
  oid,
  parseDer,
  sequence,
  smallInt,
} from '../keys/der';
import { CURVES, DIGESTS, DIGEST_OID, ECDSA_OID, OID, SIGNATURES, type DigestName } from './algorithms';
import { digest } from './digest';
import {
  derAlgorithm,
  derExplicit,
  derInteger,
  derNull,
  derOctetString,
  derSequence,
  derUnsignedInteger,
} from './der-writer';

export const unsupported = (what: string): SelloError =>
  new SelloError('cms.unsupported-algorithm', `${what} is not supported.`);

const malformed = (): SelloError =>
  new SelloError('cms.malformed', 'A signature algorithm is not well-formed.');

const HASH_LENGTH = { 'SHA-256': 32, 'SHA-384': 48, 'SHA-512': 64 } as const;

/** RFC 4055 §3.1 RSASSA-PSS-params with MGF1 over the same hash and salt = hash length (RFC 8702 style). */
export function pssAlgorithm(hash: 'SHA-256' | 'SHA-384' | 'SHA-512'): Uint8Array {
  const h = derAlgorithm(DIGEST_OID[hash], derNull());
  return derAlgorithm(
    OID.rsassaPss,
    derSequence(
      derExplicit(0, h),
      derExplicit(1, derAlgorithm(OID.mgf1, h)),
      derExplicit(2, derInteger(HASH_LENGTH[hash])),
    ),
  );
}

export interface SignatureChoice {
  /** SignerInfo.signatureAlgorithm, DER. */
  algorithm: Uint8Array;
  params: RsaPssParams | EcdsaParams | AlgorithmIdentifier;
  ecdsa: boolean;
}

export function signatureChoice(
  kind: 'RSA' | 'EC',
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512',
  pss: boolean,
): SignatureChoice {
  if (kind === 'EC')
    return { algorithm: derAlgorithm(ECDSA_OID[hash]), params: { name: 'ECDSA', hash }, ecdsa: true };
  if (pss) {
    return {
      algorithm: pssAlgorithm(hash),
      params: { name: 'RSA-PSS', saltLength: HASH_LENGTH[hash] },
      ecdsa: false,
    };
  }
  // rsaEncryption with the digest algorithm naming the hash, as OpenSSL and Outlook write it (RFC 5754 §3.2).
  return {
    algorithm: derAlgorithm(OID.rsaEncryption, derNull()),
    params: { name: 'RSASSA-PKCS1-v1_5' },
    ecdsa: false,
  };
}

/** WebCrypto ECDSA gives r || s; CMS carries Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }. */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return derSequence(derUnsignedInteger(raw.subarray(0, half)), derUnsignedInteger(raw.subarray(half)));
}

function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  try {
    const items = sequence(parseDer(der, malformed), malformed, 2, 2);
    const out = new Uint8Array(size * 2);
    for (let i = 0; i < 2; i++) {
      const n = items[i];
      if (!(n instanceof asn1js.Integer)) return null;
      let v = n.valueBlock.valueHexView;
      while (v.length > 1 && v[0] === 0) v = v.subarray(1);
      if (v.length > size) return null;
      out.set(v, (i + 1) * size - v.length);
    }
    return out;
  } catch {
    return null; // a signature value that is not an Ecdsa-Sig-Value simply does not verify
  }
}

/** The SPKI as WebCrypto imports it (an RSASSA-PSS-labelled RSA key becomes rsaEncryption). */
function importableSpki(spki: Uint8Array): { der: Uint8Array; kind: 'RSA' | 'EC'; curve?: string } {
  const items = sequence(parseDer(spki, malformed), malformed, 2, 2);
  const alg = algorithmIdentifier(items[0], malformed);
  if (alg.oid === OID.rsaEncryption) return { der: spki, kind: 'RSA' };
  if (alg.oid === OID.rsassaPss) {
    return {
      der: derSequence(derAlgorithm(OID.rsaEncryption, derNull()), encodingOf(items[1]!)),
      kind: 'RSA',
    };
  }
  if (alg.oid === OID.ecPublicKey) {
    const curve = CURVES[oid(alg.params, () => unsupported('An elliptic curve with explicit parameters'))];
    if (!curve) throw unsupported('This elliptic curve');
    return { der: spki, kind: 'EC', curve };
  }
  throw unsupported(`The public key algorithm ${alg.oid}`);
}

interface PssParams {
  hash: DigestName;
  saltLength: number;
}

/** RFC 4055 §3.1: every field has a default (SHA-1, MGF1-SHA-1, 20); WebCrypto needs MGF1 = hash. */
function readPssParams(params: asn1js.AsnType | undefined): PssParams {
  let hash: DigestName = 'SHA-1';
  let mgfHash: DigestName = 'SHA-1';
  let saltLength = 20;
  const hashOf = (n: asn1js.AsnType): DigestName => {
    const d = DIGESTS[algorithmIdentifier(n, malformed).oid];
    if (!d) throw unsupported('The RSASSA-PSS hash');
    return d.name;
  };
  for (const item of params instanceof asn1js.Sequence ? params.valueBlock.value : []) {
    if (isContext(item, 0)) hash = hashOf(explicit(item, 0, malformed));
    else if (isContext(item, 1)) {
      const mgf = algorithmIdentifier(explicit(item, 1, malformed), malformed);
      if (mgf.oid !== OID.mgf1 || !mgf.params)
        throw unsupported('An RSASSA-PSS mask generation function other than MGF1');
      mgfHash = hashOf(mgf.params);
    } else if (isContext(item, 2)) saltLength = smallInt(explicit(item, 2, malformed), malformed);
    else if (isContext(item, 3) && smallInt(explicit(item, 3, malformed), malformed) !== 1)
      throw unsupported('An RSASSA-PSS trailer field other than 1');
  }
  if (mgfHash !== hash) throw unsupported('RSASSA-PSS with a different MGF1 hash');
  return { hash, saltLength };
}

export interface VerifiedAlgorithm {
  /** The hash the signature algorithm used (may differ from the digest algorithm for *WithRSA OIDs). */
  hash: DigestName;
  name: string;
}

/** Names the signature algorithm and the hash it signs with, without touching keys. */
export function describeSignatureAlgorithm(
  node: asn1js.AsnType | undefined,
  digestAlg: DigestName,
): VerifiedAlgorithm {
  const alg = algorithmIdentifier(node, malformed);
  const known = SIGNATURES[alg.oid];
  if (!known) return { name: alg.oid, hash: digestAlg };
  if (known.scheme === 'rsa-pss') {
    try {
      const { hash } = readPssParams(alg.params);
      return { name: `RSASSA-PSS (${hash})`, hash };
    } catch {
      return { name: known.name, hash: digestAlg }; // reported as unsupported when verified
    }
  }
  return { name: known.name, hash: known.hash ?? digestAlg };
}

function emsaPkcs1v15(hash: DigestName, h: Uint8Array, k: number): Uint8Array | null {
  // RFC 8017 §9.2: DigestInfo ::= SEQUENCE { digestAlgorithm (with NULL), digest OCTET STRING }
  const t = derSequence(derAlgorithm(DIGEST_OID[hash], derNull()), derOctetString(h));
  if (k < t.length + 11) return null;
  const ps = new Uint8Array(k - t.length - 3).fill(0xff);
  return concatBytes(Uint8Array.of(0, 1), ps, Uint8Array.of(0), t);
}

/**
 * Whether `signature` is a valid signature over `data` by the key in `spki`. False for a wrong
 * signature; `cms.unsupported-algorithm` when the algorithm or key cannot be checked here.
 */
export async function verifySignatureValue(
  spki: Uint8Array,
  algorithmNode: asn1js.AsnType | undefined,
  digestAlg: DigestName,
  data: Uint8Array,
  signature: Uint8Array,
  env: CoreEnv,
): Promise<boolean> {
  const alg = algorithmIdentifier(algorithmNode, malformed);
  const known = SIGNATURES[alg.oid];
  if (!known) throw unsupported(`The signature algorithm ${alg.oid}`);
  const key = importableSpki(spki);
  const subtle = env.crypto.subtle;
  const sig = signature as Uint8Array<ArrayBuffer>;
  const bytes = data as Uint8Array<ArrayBuffer>;
  if (known.scheme === 'ecdsa') {
    if (key.kind !== 'EC') throw unsupported('An ECDSA signature with a non-EC key');
    const hash = known.hash ?? digestAlg;
    if (hash === 'MD5' || hash === 'SHA-224') throw unsupported(`ECDSA with ${hash}`);
    const size = key.curve === 'P-256' ? 32 : key.curve === 'P-384' ? 48 : 66;
    const raw = ecdsaDerToRaw(signature, size);
    if (!raw) return false;
    const k = await subtle.importKey(
      'spki',
      key.der as Uint8Array<ArrayBuffer>,
      { name: 'ECDSA', namedCurve: key.curve! },
      false,
      ['verify'],
    );
    return subtle.verify({ name: 'ECDSA', hash }, k, raw as Uint8Array<ArrayBuffer>, bytes);
  }
  if (key.kind !== 'RSA') throw unsupported('An RSA signature with a non-RSA key');
  if (known.scheme === 'rsa-pss') {
    const p = readPssParams(alg.params);
    if (p.hash === 'MD5' || p.hash === 'SHA-224') throw unsupported(`RSASSA-PSS with ${p.hash}`);
    const k = await subtle.importKey(
      'spki',
      key.der as Uint8Array<ArrayBuffer>,
      { name: 'RSA-PSS', hash: p.hash },
      false,
      ['verify'],
    );
    return subtle.verify({ name: 'RSA-PSS', saltLength: p.saltLength }, k, sig, bytes);
  }
  const hash = known.hash ?? digestAlg;
  if (hash === 'MD5' || hash === 'SHA-224') {
    const h = await digest(hash, data, env);
    let em: Uint8Array;
    try {
      em = rsaPublicOp(key.der, signature);
    } catch {
      return false; // a signature value out of range for the key is simply not valid
    }
    const expected = emsaPkcs1v15(hash, h, em.length);
    return expected !== null && equalBytes(em, expected);
  }
  const k = await subtle.importKey(
    'spki',
    key.der as Uint8Array<ArrayBuffer>,
    { name: 'RSASSA-PKCS1-v1_5', hash },
    false,
    ['verify'],
  );
  return subtle.verify({ name: 'RSASSA-PKCS1-v1_5' }, k, sig, bytes);
}

/** For callers holding a [n] or OCTET STRING signature node. */
export function signatureBytes(node: asn1js.AsnType | undefined): Uint8Array {
  if (!(node instanceof asn1js.OctetString)) throw malformed();
  return contentBytes(node, malformed);
}
