/**
 * RSA key components from PKCS#8 (RFC 5208) and SubjectPublicKeyInfo (RFC 5280) DER, for the RSA
 * operations WebCrypto does not offer. RSAPrivateKey and RSAPublicKey are RFC 8017 Appendix A.1.
 */
import * as asn1js from 'asn1js';
import { SelloError } from '../errors';
import { bitLength, bytesToBigInt } from './bigint';

export const OID_RSA_ENCRYPTION = '1.2.840.113549.1.1.1';

export interface RsaPublicComponents {
  n: bigint;
  e: bigint;
}

export interface RsaPrivateComponents extends RsaPublicComponents {
  d: bigint;
  p: bigint;
  q: bigint;
  dp: bigint;
  dq: bigint;
  qInv: bigint;
}

function malformed(what: string): SelloError {
  return new SelloError('cms.key-malformed', `The ${what} is not a well-formed RSA key.`);
}

function parseDer(der: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1 || parsed.offset !== der.length) throw malformed(what);
  return parsed.result;
}

function seqItems(node: unknown, what: string): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence)) throw malformed(what);
  return node.valueBlock.value;
}

function intValue(node: unknown, what: string): bigint {
  if (!(node instanceof asn1js.Integer)) throw malformed(what);
  const v = node.valueBlock.valueHexView;
  if (v.length > 0 && (v[0]! & 0x80) !== 0) throw malformed(what); // negative
  return bytesToBigInt(v);
}

function algorithmOid(node: unknown, what: string): string {
  const items = seqItems(node, what);
  const oid = items[0];
  if (!(oid instanceof asn1js.ObjectIdentifier)) throw malformed(what);
  return oid.valueBlock.toString();
}

function checkRsaOid(oid: string): void {
  if (oid !== OID_RSA_ENCRYPTION) {
    throw new SelloError('cms.key-unsupported', `The key is not an RSA encryption key (algorithm ${oid}).`);
  }
}

/** RSAPrivateKey ::= SEQUENCE { version, n, e, d, p, q, dP, dQ, qInv, otherPrimeInfos OPTIONAL } */
export function parseRsaPrivateKey(pkcs8: Uint8Array): RsaPrivateComponents {
  const what = 'private key';
  const pki = seqItems(parseDer(pkcs8, what), what);
  checkRsaOid(algorithmOid(pki[1], what));
  const inner = pki[2];
  if (!(inner instanceof asn1js.OctetString)) throw malformed(what);
  const rsa = seqItems(parseDer(inner.valueBlock.valueHexView, what), what);
  if (rsa.length !== 9) {
    // version 1 (multi-prime) keys are legal but unheard of in S/MIME; refuse rather than mis-decrypt.
    throw new SelloError('cms.key-unsupported', 'Multi-prime RSA keys are not supported.');
  }
  const [, n, e, d, p, q, dp, dq, qInv] = rsa.map((x, i) => (i === 0 ? 0n : intValue(x, what)));
  const key = { n: n!, e: e!, d: d!, p: p!, q: q!, dp: dp!, dq: dq!, qInv: qInv! };
  if (key.n < 3n || key.e < 3n || key.d === 0n || bitLength(key.n) < 512) throw malformed(what);
  return key;
}

/** SubjectPublicKeyInfo with rsaEncryption: BIT STRING wrapping RSAPublicKey ::= SEQUENCE { n, e }. */
export function parseRsaPublicKey(spki: Uint8Array): RsaPublicComponents {
  const what = 'public key';
  const items = seqItems(parseDer(spki, what), what);
  checkRsaOid(algorithmOid(items[0], what));
  const bits = items[1];
  if (!(bits instanceof asn1js.BitString) || bits.valueBlock.unusedBits !== 0) throw malformed(what);
  const rsa = seqItems(parseDer(bits.valueBlock.valueHexView, what), what);
  if (rsa.length !== 2) throw malformed(what);
  const n = intValue(rsa[0], what);
  const e = intValue(rsa[1], what);
  if (n < 3n || e < 3n || bitLength(n) < 512) throw malformed(what);
  return { n, e };
}
