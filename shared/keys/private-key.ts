/**
 * PKCS#8 private keys as Sello stores them (Identity.privateKey): what kind of key it is, a WebCrypto
 * signing key from it, and whether it belongs to a certificate.
 */
import * as asn1js from 'asn1js';
import { equalBytes, fromBase64 } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { algorithmIdentifier, explicit, isContext, octets, oid, parseDer, sequence, smallInt } from './der';
import { readCertificateFields } from './certificate-fields';

export type NamedCurve = 'P-256' | 'P-384' | 'P-521';
export type PrivateKeyDescription = { kind: 'RSA'; bits: number } | { kind: 'EC'; namedCurve: NamedCurve };

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
export const OID_RSASSA_PSS = '1.2.840.113549.1.1.10';
export const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';

const CURVES: Record<string, NamedCurve> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

const malformed = (): SelloError =>
  new SelloError('cms.key-malformed', 'The private key is not well-formed.');

function unsupportedKey(what: string): SelloError {
  return new SelloError('cms.key-unsupported', `${what} keys are not supported.`);
}

interface ParsedKey {
  description: PrivateKeyDescription;
  /** RSA: the RSAPrivateKey items (version, n, e, d, ...). EC: the ECPrivateKey items. */
  inner: asn1js.AsnType[];
  innerDer: Uint8Array;
}

function unsignedBytes(node: unknown): Uint8Array {
  if (!(node instanceof asn1js.Integer)) throw malformed();
  const v = node.valueBlock.valueHexView;
  if (v.length > 0 && (v[0]! & 0x80) !== 0) throw malformed();
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  return v.subarray(i);
}

function bitLengthOf(bytes: Uint8Array): number {
  if (bytes.length === 0 || (bytes.length === 1 && bytes[0] === 0)) return 0;
  return (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0]!));
}

function curveOf(node: unknown): NamedCurve {
  const id = oid(node, () => unsupportedKey('Elliptic-curve keys with explicit parameters or this curve'));
  const curve = CURVES[id];
  if (!curve) throw unsupportedKey(`Elliptic-curve (${id})`);
  return curve;
}

function parseKey(pkcs8: Uint8Array): ParsedKey {
  const items = sequence(parseDer(pkcs8, malformed), malformed, 3, 5);
  const version = smallInt(items[0], malformed);
  if (version > 1) throw malformed();
  const alg = algorithmIdentifier(items[1], malformed);
  const innerDer = octets(items[2], malformed);
  if (alg.oid === OID_RSA_ENCRYPTION || alg.oid === OID_RSASSA_PSS) {
    const inner = sequence(parseDer(innerDer, malformed), malformed, 9, 10);
    const bits = bitLengthOf(unsignedBytes(inner[1]));
    if (bits < 512) throw malformed();
    return { description: { kind: 'RSA', bits }, inner, innerDer };
  }
  if (alg.oid === OID_EC_PUBLIC_KEY) {
    const inner = sequence(parseDer(innerDer, malformed), malformed, 2, 4);
    const params = alg.params ?? inner.find((n) => isContext(n, 0));
    const curveNode = isContext(params, 0) ? explicit(params, 0, malformed) : params;
    return { description: { kind: 'EC', namedCurve: curveOf(curveNode) }, inner, innerDer };
  }
  throw unsupportedKey(`Keys of algorithm ${alg.oid}`);
}

export function describePrivateKey(pkcs8: Uint8Array): PrivateKeyDescription {
  return parseKey(pkcs8).description;
}

/** The same RSAPrivateKey under rsaEncryption: WebCrypto implementations refuse id-RSASSA-PSS PKCS#8. */
function asRsaEncryptionPkcs8(innerDer: Uint8Array): Uint8Array {
  const info = new asn1js.Sequence({
    value: [
      new asn1js.Integer({ value: 0 }),
      new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: OID_RSA_ENCRYPTION }), new asn1js.Null()],
      }),
      new asn1js.OctetString({ valueHex: innerDer }),
    ],
  });
  return new Uint8Array(info.toBER());
}

export interface SigningKeyOptions {
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
  /** RSA only: RSASSA-PSS instead of RSASSA-PKCS1-v1_5. Ignored for EC keys (always ECDSA). */
  pss: boolean;
}

/**
 * A non-extractable WebCrypto key for signing. The `certificate` form also checks that the key belongs
 * to it, so a mismatched pair fails here rather than as a signature nobody can verify.
 */
export async function importSigningKey(
  pkcs8: Uint8Array,
  opts: SigningKeyOptions,
  env: CoreEnv,
): Promise<CryptoKey>;
export async function importSigningKey(
  pkcs8: Uint8Array,
  certificate: Uint8Array,
  opts: SigningKeyOptions,
  env: CoreEnv,
): Promise<CryptoKey>;
export async function importSigningKey(
  pkcs8: Uint8Array,
  a: Uint8Array | SigningKeyOptions,
  b: SigningKeyOptions | CoreEnv,
  c?: CoreEnv,
): Promise<CryptoKey> {
  const [certificate, opts, env] =
    a instanceof Uint8Array ? [a, b as SigningKeyOptions, c!] : [undefined, a, b as CoreEnv];
  if (certificate && !(await keyMatchesCertificate(pkcs8, certificate, env))) {
    throw new SelloError('cms.key-mismatch', 'The private key does not belong to the certificate.');
  }
  const key = parseKey(pkcs8);
  let algorithm: RsaHashedImportParams | EcKeyImportParams;
  let der = pkcs8;
  if (key.description.kind === 'RSA') {
    algorithm = { name: opts.pss ? 'RSA-PSS' : 'RSASSA-PKCS1-v1_5', hash: opts.hash };
    der = asRsaEncryptionPkcs8(key.innerDer);
  } else {
    algorithm = { name: 'ECDSA', namedCurve: key.description.namedCurve };
  }
  try {
    return await env.crypto.subtle.importKey('pkcs8', der as Uint8Array<ArrayBuffer>, algorithm, false, [
      'sign',
    ]);
  } catch (e) {
    throw new SelloError('cms.key-malformed', 'The private key could not be imported.', { cause: e });
  }
}

function fromBase64Url(s: string): Uint8Array {
  return fromBase64(s.replace(/-/g, '+').replace(/_/g, '/'));
}

/** The uncompressed public point 04 || X || Y of an EC private key. */
async function ecPublicPoint(pkcs8: Uint8Array, key: ParsedKey, env: CoreEnv): Promise<Uint8Array> {
  const stored = key.inner.find((n) => isContext(n, 1));
  if (stored) {
    const bits = explicit(stored, 1, malformed);
    if (!(bits instanceof asn1js.BitString)) throw malformed();
    return new Uint8Array(bits.valueBlock.valueHexView);
  }
  // RFC 5915 makes publicKey optional; WebCrypto derives it when importing.
  const namedCurve = (key.description as { namedCurve: NamedCurve }).namedCurve;
  let jwk: JsonWebKey;
  try {
    const k = await env.crypto.subtle.importKey(
      'pkcs8',
      pkcs8 as Uint8Array<ArrayBuffer>,
      { name: 'ECDSA', namedCurve },
      true,
      ['sign'],
    );
    jwk = await env.crypto.subtle.exportKey('jwk', k);
  } catch (e) {
    throw new SelloError('cms.key-malformed', 'The private key could not be imported.', { cause: e });
  }
  const x = fromBase64Url(jwk.x ?? '');
  const y = fromBase64Url(jwk.y ?? '');
  const out = new Uint8Array(1 + x.length + y.length);
  out[0] = 4;
  out.set(x, 1);
  out.set(y, 1 + x.length);
  return out;
}

/** Whether the private key is the one whose public half the certificate carries. */
export async function keyMatchesCertificate(
  pkcs8: Uint8Array,
  certificate: Uint8Array,
  env: CoreEnv,
): Promise<boolean> {
  const key = parseKey(pkcs8);
  const spki = sequence(parseDer(readCertificateFields(certificate).spki, malformed), malformed, 2, 2);
  const alg = algorithmIdentifier(spki[0], malformed);
  const bits = spki[1];
  if (!(bits instanceof asn1js.BitString)) throw malformed();
  const publicKey = bits.valueBlock.valueHexView;

  if (key.description.kind === 'RSA') {
    if (alg.oid !== OID_RSA_ENCRYPTION && alg.oid !== OID_RSASSA_PSS) return false;
    const pub = sequence(parseDer(publicKey, malformed), malformed, 2, 2);
    return (
      equalBytes(unsignedBytes(pub[0]), unsignedBytes(key.inner[1])) &&
      equalBytes(unsignedBytes(pub[1]), unsignedBytes(key.inner[2]))
    );
  }
  if (alg.oid !== OID_EC_PUBLIC_KEY || !alg.params || curveOf(alg.params) !== key.description.namedCurve)
    return false;
  const point = await ecPublicPoint(pkcs8, key, env);
  if (publicKey[0] === 4) return equalBytes(publicKey, point);
  // Compressed point (SEC 1 §2.3.3): 02/03 || X, the prefix giving Y's parity.
  const half = (point.length - 1) / 2;
  if ((publicKey[0] !== 2 && publicKey[0] !== 3) || publicKey.length !== half + 1) return false;
  return (
    equalBytes(publicKey.subarray(1), point.subarray(1, 1 + half)) &&
    (publicKey[0] & 1) === (point[point.length - 1]! & 1)
  );
}

/** The exact SubjectPublicKeyInfo encoding of a certificate (for callers comparing keys). */
export function certificateSpki(certificate: Uint8Array): Uint8Array {
  return readCertificateFields(certificate).spki;
}
