/**
 * The password-based encryption schemes Windows, macOS, Java and OpenSSL 1.x (and `openssl pkcs12
 * -legacy`) still write: PKCS#12 PBE (RFC 7292 Appendix C: SHA-1 with 3DES or RC2) and, rarer, PKCS#5
 * PBES1 (RFC 8018 §6.1: PBKDF1 with MD5/SHA-1 and DES or RC2). Decryption only.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { legacyCbcDecrypt, type LegacyCbcAlgorithm } from '../crypto/legacy-ciphers';
import { isSelloError } from '../errors';
import type * as asn1js from 'asn1js';
import { octets, sequence, smallInt } from './der';
import {
  checkIterations,
  malformed,
  wrongPassword,
  type PbeDecryption,
  type Pkcs12Limits,
} from './pbe-common';
import { bmpPassword, KDF_IV, KDF_KEY, pkcs12Kdf } from './pkcs12-kdf';

interface Scheme {
  cipher: LegacyCbcAlgorithm;
  keyLength: number;
  rc2Bits?: number;
}

/** RFC 7292 Appendix C. */
const PKCS12_PBE: Record<string, Scheme> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyLength: 24 }, // pbeWithSHAAnd3-KeyTripleDES-CBC
  '1.2.840.113549.1.12.1.4': { cipher: 'des-ede3-cbc', keyLength: 16 }, // pbeWithSHAAnd2-KeyTripleDES-CBC
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2-cbc', keyLength: 16, rc2Bits: 128 }, // pbeWithSHAAnd128BitRC2-CBC
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2-cbc', keyLength: 5, rc2Bits: 40 }, // pbeWithSHAAnd40BitRC2-CBC
};

/** RFC 8018 §A.3; RC2 in PBES1 has 64 effective key bits (RFC 8018 §6.1.1). */
const PKCS5_PBES1: Record<string, Scheme & { hash: typeof md5 }> = {
  '1.2.840.113549.1.5.3': { hash: md5, cipher: 'des-cbc', keyLength: 8 }, // pbeWithMD5AndDES-CBC
  '1.2.840.113549.1.5.6': { hash: md5, cipher: 'rc2-cbc', keyLength: 8, rc2Bits: 64 }, // pbeWithMD5AndRC2-CBC
  '1.2.840.113549.1.5.10': { hash: sha1, cipher: 'des-cbc', keyLength: 8 }, // pbeWithSHA1AndDES-CBC
  '1.2.840.113549.1.5.11': { hash: sha1, cipher: 'rc2-cbc', keyLength: 8, rc2Bits: 64 }, // pbeWithSHA1AndRC2-CBC
};

export function isPbes1(oid: string): boolean {
  return oid in PKCS12_PBE || oid in PKCS5_PBES1;
}

/** pkcs-12PbeParams and PBEParameter share one shape: SEQUENCE { salt OCTET STRING, iterations INTEGER }. */
function parseParams(
  params: asn1js.AsnType | undefined,
  limits: Pkcs12Limits,
): { salt: Uint8Array; iterations: number } {
  const items = sequence(params, malformed, 2, 2);
  const salt = octets(items[0], malformed);
  const iterations = smallInt(items[1], malformed);
  checkIterations(iterations, limits);
  return { salt, iterations };
}

function decryptOrWrongPassword(s: Scheme, key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  try {
    return legacyCbcDecrypt(s.cipher, key, iv, data, s.rc2Bits);
  } catch (e) {
    if (isSelloError(e, 'cms.decrypt-failed')) throw wrongPassword();
    throw e;
  }
}

/** RFC 7292 C / B: key and IV from the PKCS#12 KDF over the BMPString password, SHA-1. */
function decryptPkcs12Pbe(
  s: Scheme,
  params: asn1js.AsnType | undefined,
  data: Uint8Array,
  passwords: Uint8Array[],
  limits: Pkcs12Limits,
): Uint8Array {
  const { salt, iterations } = parseParams(params, limits);
  let last: unknown = wrongPassword();
  for (const pw of passwords) {
    let key = pkcs12Kdf('SHA-1', KDF_KEY, pw, salt, iterations, s.keyLength);
    if (s.keyLength === 16 && s.cipher === 'des-ede3-cbc') {
      // Two-key 3DES: K1 K2 K1.
      key = Uint8Array.from([...key, ...key.subarray(0, 8)]);
    }
    const iv = pkcs12Kdf('SHA-1', KDF_IV, pw, salt, iterations, 8);
    try {
      return decryptOrWrongPassword(s, key, iv, data);
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

/** RFC 8018 §6.1.2: PBKDF1 (T = H^c(P || S)); DK = key (8 octets) || IV (8 octets). */
function decryptPkcs5Pbes1(
  s: Scheme & { hash: typeof md5 },
  params: asn1js.AsnType | undefined,
  data: Uint8Array,
  password: Uint8Array,
  limits: Pkcs12Limits,
): Uint8Array {
  const { salt, iterations } = parseParams(params, limits);
  if (salt.length !== 8) throw malformed();
  const input = new Uint8Array(password.length + salt.length);
  input.set(password);
  input.set(salt, password.length);
  let t = s.hash(input);
  for (let i = 1; i < iterations; i++) t = s.hash(t);
  return decryptOrWrongPassword(s, t.subarray(0, 8), t.subarray(8, 16), data);
}

export function decryptPbes1(
  oid: string,
  params: asn1js.AsnType | undefined,
  data: Uint8Array,
  password: string,
  limits: Pkcs12Limits,
): PbeDecryption {
  const p12 = PKCS12_PBE[oid];
  if (p12) {
    // RFC 7292 B.1 encodes the empty password as 00 00; some writers pass no octets at all.
    const passwords = password === '' ? [bmpPassword(''), new Uint8Array(0)] : [bmpPassword(password)];
    return { plaintext: decryptPkcs12Pbe(p12, params, data, passwords, limits), legacy: true };
  }
  const p5 = PKCS5_PBES1[oid];
  if (!p5) throw malformed();
  return {
    plaintext: decryptPkcs5Pbes1(p5, params, data, new TextEncoder().encode(password), limits),
    legacy: true,
  };
}
