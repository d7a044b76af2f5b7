/**
 * The PFX integrity MAC (RFC 7292 §4 MacData, Appendix B): HMAC over the authSafe content, keyed by the
 * PKCS#12 KDF (ID 3) from the BMPString password. It is what tells a wrong password from a damaged file.
 */
import { hmac } from '@noble/hashes/hmac.js';
import * as asn1js from 'asn1js';
import { equalBytes } from '../bytes';
import { algorithmIdentifier, octets, sequence, smallInt } from './der';
import { checkIterations, malformed, nameOf, unsupported, type Pkcs12Limits } from './pbe-common';
import { bmpPassword, HASHES, KDF_MAC, pkcs12Kdf, type Pkcs12Hash } from './pkcs12-kdf';

const DIGESTS: Record<string, Pkcs12Hash> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
const OID_SHA256 = '2.16.840.1.101.3.4.2.1';

export interface MacCheck {
  hash: Pkcs12Hash;
  /** Which password encoding matched: the BMPString, or (empty password only) no octets at all. */
  passwordOctets: Uint8Array;
}

function computeMac(
  hash: Pkcs12Hash,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  data: Uint8Array,
): Uint8Array {
  const fn = HASHES[hash];
  const key = pkcs12Kdf(hash, KDF_MAC, password, salt, iterations, fn.outputLen);
  return hmac(fn, key, data);
}

/**
 * MacData ::= SEQUENCE { mac DigestInfo, macSalt OCTET STRING, iterations INTEGER DEFAULT 1 }.
 * Returns undefined when no candidate password verifies.
 */
export function verifyMac(
  macData: asn1js.AsnType,
  content: Uint8Array,
  password: string,
  limits: Pkcs12Limits,
): MacCheck | undefined {
  const items = sequence(macData, malformed, 2, 3);
  const digestInfo = sequence(items[0], malformed, 2, 2);
  const alg = algorithmIdentifier(digestInfo[0], malformed);
  const hash = DIGESTS[alg.oid];
  if (!hash) throw unsupported(`the integrity MAC ${nameOf(alg.oid, 'algorithm')}`, alg.oid);
  const expected = octets(digestInfo[1], malformed);
  const salt = octets(items[1], malformed);
  const iterations = items[2] ? smallInt(items[2], malformed) : 1;
  checkIterations(iterations, limits);
  if (expected.length !== HASHES[hash].outputLen) throw malformed();
  // RFC 7292 B.1 makes the empty password 00 00; some writers (and OpenSSL given no password) use none.
  const candidates = password === '' ? [bmpPassword(''), new Uint8Array(0)] : [bmpPassword(password)];
  for (const pw of candidates) {
    if (equalBytes(computeMac(hash, pw, salt, iterations, content), expected))
      return { hash, passwordOctets: pw };
  }
  return undefined;
}

/** MacData with HMAC-SHA256 for a PFX Sello writes. */
export function createMacData(
  content: Uint8Array,
  password: string,
  iterations: number,
  salt: Uint8Array,
): asn1js.Sequence {
  const mac = computeMac('SHA-256', bmpPassword(password), salt, iterations, content);
  return new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [new asn1js.ObjectIdentifier({ value: OID_SHA256 }), new asn1js.Null()],
          }),
          new asn1js.OctetString({ valueHex: mac }),
        ],
      }),
      new asn1js.OctetString({ valueHex: salt }),
      new asn1js.Integer({ value: iterations }),
    ],
  });
}
