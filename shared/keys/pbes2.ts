/**
 * PBES2 (RFC 8018 §6.2) with PBKDF2: what OpenSSL 3 writes by default (AES-256-CBC, HMAC-SHA256) and
 * what Sello writes. Decryption also accepts the older ciphers some PBES2 writers pick (3DES, DES, RC2).
 * The password is its UTF-8 octets, as OpenSSL and RFC 9579 §B use for PBES2 inside PKCS#12.
 */
import * as asn1js from 'asn1js';
import {
  legacyCbcDecrypt,
  rc2EffectiveBitsFromVersion,
  type LegacyCbcAlgorithm,
} from '../crypto/legacy-ciphers';
import type { CoreEnv } from '../env';
import { isSelloError } from '../errors';
import { algorithmIdentifier, octets, sequence, smallInt } from './der';
import {
  checkIterations,
  malformed,
  nameOf,
  unsupported,
  wrongPassword,
  type PbeDecryption,
  type Pkcs12Limits,
} from './pbe-common';

export const OID_PBES2 = '1.2.840.113549.1.5.13';
export const OID_PBKDF2 = '1.2.840.113549.1.5.12';
const OID_HMAC_SHA256 = '1.2.840.113549.2.9';
const OID_AES256_CBC = '2.16.840.1.101.3.4.1.42';

type WebCryptoHash = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';

const PRFS: Record<string, WebCryptoHash> = {
  '1.2.840.113549.2.7': 'SHA-1',
  [OID_HMAC_SHA256]: 'SHA-256',
  '1.2.840.113549.2.10': 'SHA-384',
  '1.2.840.113549.2.11': 'SHA-512',
};

type Cipher =
  { kind: 'aes'; keyLength: number } | { kind: 'legacy'; alg: LegacyCbcAlgorithm; keyLength?: number };

const CIPHERS: Record<string, Cipher> = {
  '2.16.840.1.101.3.4.1.2': { kind: 'aes', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { kind: 'aes', keyLength: 24 },
  [OID_AES256_CBC]: { kind: 'aes', keyLength: 32 },
  '1.2.840.113549.3.7': { kind: 'legacy', alg: 'des-ede3-cbc', keyLength: 24 },
  '1.3.14.3.2.7': { kind: 'legacy', alg: 'des-cbc', keyLength: 8 },
  '1.2.840.113549.3.2': { kind: 'legacy', alg: 'rc2-cbc' }, // key length from PBKDF2's keyLength
};

interface Pbkdf2Params {
  salt: Uint8Array;
  iterations: number;
  keyLength: number | undefined;
  hash: WebCryptoHash;
}

/** PBKDF2-params ::= SEQUENCE { salt, iterationCount, keyLength OPTIONAL, prf DEFAULT hmacWithSHA1 } */
export function parsePbkdf2Params(node: asn1js.AsnType | undefined, limits: Pkcs12Limits): Pbkdf2Params {
  const items = sequence(node, malformed, 2, 4);
  if (!(items[0] instanceof asn1js.OctetString)) {
    throw unsupported('a PBKDF2 salt from another source', OID_PBKDF2);
  }
  const salt = octets(items[0], malformed);
  const iterations = smallInt(items[1], malformed);
  checkIterations(iterations, limits);
  let keyLength: number | undefined;
  let hash: WebCryptoHash = 'SHA-1';
  for (const item of items.slice(2)) {
    if (item instanceof asn1js.Integer && keyLength === undefined) {
      keyLength = smallInt(item, malformed);
      if (keyLength < 1 || keyLength > 64) throw malformed();
    } else {
      const prf = algorithmIdentifier(item, malformed);
      const h = PRFS[prf.oid];
      if (!h) throw unsupported(`the PBKDF2 function ${nameOf(prf.oid, 'PRF')}`, prf.oid);
      hash = h;
    }
  }
  return { salt, iterations, keyLength, hash };
}

export async function pbkdf2(
  password: Uint8Array,
  p: Pbkdf2Params,
  length: number,
  env: CoreEnv,
): Promise<Uint8Array> {
  const base = await env.crypto.subtle.importKey(
    'raw',
    password as Uint8Array<ArrayBuffer>,
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await env.crypto.subtle.deriveBits(
    { name: 'PBKDF2', salt: p.salt as Uint8Array<ArrayBuffer>, iterations: p.iterations, hash: p.hash },
    base,
    length * 8,
  );
  return new Uint8Array(bits);
}

export async function decryptPbes2(
  params: asn1js.AsnType | undefined,
  data: Uint8Array,
  password: string,
  limits: Pkcs12Limits,
  env: CoreEnv,
): Promise<PbeDecryption> {
  const items = sequence(params, malformed, 2, 2);
  const kdf = algorithmIdentifier(items[0], malformed);
  if (kdf.oid !== OID_PBKDF2) throw unsupported(`the key derivation ${nameOf(kdf.oid, 'function')}`, kdf.oid);
  const kdfParams = parsePbkdf2Params(kdf.params, limits);
  const enc = algorithmIdentifier(items[1], malformed);
  const cipher = CIPHERS[enc.oid];
  if (!cipher) throw unsupported(`the cipher ${nameOf(enc.oid, 'algorithm')}`, enc.oid);
  const pw = new TextEncoder().encode(password);

  if (cipher.kind === 'aes') {
    const iv = octets(enc.params, malformed);
    if (iv.length !== 16) throw malformed();
    if (kdfParams.keyLength !== undefined && kdfParams.keyLength !== cipher.keyLength) throw malformed();
    if (data.length === 0 || data.length % 16 !== 0) throw malformed();
    const keyBytes = await pbkdf2(pw, kdfParams, cipher.keyLength, env);
    const key = await env.crypto.subtle.importKey(
      'raw',
      keyBytes as Uint8Array<ArrayBuffer>,
      'AES-CBC',
      false,
      ['decrypt'],
    );
    try {
      const plain = await env.crypto.subtle.decrypt(
        { name: 'AES-CBC', iv: iv as Uint8Array<ArrayBuffer> },
        key,
        data as Uint8Array<ArrayBuffer>,
      );
      return { plaintext: new Uint8Array(plain), legacy: false };
    } catch {
      // WebCrypto reports bad padding as OperationError: with a well-formed input, the wrong key.
      throw wrongPassword();
    }
  }

  let iv: Uint8Array;
  let rc2Bits: number | undefined;
  let keyLength = cipher.keyLength;
  if (cipher.alg === 'rc2-cbc') {
    // RC2-CBCParameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING }
    const rc2 = sequence(enc.params, malformed, 1, 2);
    iv = octets(rc2[rc2.length - 1], malformed);
    rc2Bits = rc2.length === 2 ? rc2EffectiveBitsFromVersion(smallInt(rc2[0], malformed)) : 32;
    keyLength = kdfParams.keyLength ?? 16;
  } else {
    iv = octets(enc.params, malformed);
  }
  if (keyLength === undefined || (kdfParams.keyLength !== undefined && kdfParams.keyLength !== keyLength))
    throw malformed();
  const key = await pbkdf2(pw, kdfParams, keyLength, env);
  try {
    return { plaintext: legacyCbcDecrypt(cipher.alg, key, iv, data, rc2Bits), legacy: true };
  } catch (e) {
    if (isSelloError(e, 'cms.decrypt-failed')) throw wrongPassword();
    throw e;
  }
}

export interface Pbes2EncryptOptions {
  iterations: number;
}

/**
 * PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC; returns the AlgorithmIdentifier (as asn1js) and the
 * ciphertext. Salt 16 octets (RFC 8018 §4.1 asks for at least 8), fresh IV.
 */
export async function encryptPbes2(
  plaintext: Uint8Array,
  password: string,
  opts: Pbes2EncryptOptions,
  env: CoreEnv,
): Promise<{ algorithm: asn1js.Sequence; ciphertext: Uint8Array }> {
  const salt = env.crypto.getRandomValues(new Uint8Array(16));
  const iv = env.crypto.getRandomValues(new Uint8Array(16));
  const params: Pbkdf2Params = { salt, iterations: opts.iterations, keyLength: undefined, hash: 'SHA-256' };
  const keyBytes = await pbkdf2(new TextEncoder().encode(password), params, 32, env);
  const key = await env.crypto.subtle.importKey(
    'raw',
    keyBytes as Uint8Array<ArrayBuffer>,
    'AES-CBC',
    false,
    ['encrypt'],
  );
  const ciphertext = new Uint8Array(
    await env.crypto.subtle.encrypt({ name: 'AES-CBC', iv }, key, plaintext as Uint8Array<ArrayBuffer>),
  );
  const algorithm = new asn1js.Sequence({
    value: [
      new asn1js.ObjectIdentifier({ value: OID_PBES2 }),
      new asn1js.Sequence({
        value: [
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: OID_PBKDF2 }),
              new asn1js.Sequence({
                value: [
                  new asn1js.OctetString({ valueHex: salt }),
                  new asn1js.Integer({ value: opts.iterations }),
                  new asn1js.Sequence({
                    value: [new asn1js.ObjectIdentifier({ value: OID_HMAC_SHA256 }), new asn1js.Null()],
                  }),
                ],
              }),
            ],
          }),
          new asn1js.Sequence({
            value: [
              new asn1js.ObjectIdentifier({ value: OID_AES256_CBC }),
              new asn1js.OctetString({ valueHex: iv }),
            ],
          }),
        ],
      }),
    ],
  });
  return { algorithm, ciphertext };
}
