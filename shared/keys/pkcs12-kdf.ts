/**
 * The PKCS#12 key derivation of RFC 7292 Appendix B.2, used by the pbeWithSHAAnd... schemes and by the
 * PFX MAC. Hashes are synchronous (@noble/hashes): the KDF iterates a hash over a few dozen bytes
 * thousands of times, and an asynchronous WebCrypto call per iteration costs 30 times more.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha224, sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import type { CHash } from '@noble/hashes/utils.js';

export type Pkcs12Hash = 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export type HashFn = CHash;

export const HASHES: Record<Pkcs12Hash, HashFn> = {
  'SHA-1': sha1,
  'SHA-224': sha224,
  'SHA-256': sha256,
  'SHA-384': sha384,
  'SHA-512': sha512,
};

/** RFC 7292 B.3: diversifier ID. */
export const KDF_KEY = 1;
export const KDF_IV = 2;
export const KDF_MAC = 3;

/**
 * RFC 7292 B.1: the password as a BMPString (UTF-16BE, JavaScript's own code units) with two trailing
 * zero octets. The empty password is [00 00]; some writers instead use no octets at all, which
 * `passwordVariants` offers as a second candidate.
 */
export function bmpPassword(password: string): Uint8Array {
  const out = new Uint8Array(password.length * 2 + 2);
  for (let i = 0; i < password.length; i++) {
    const c = password.charCodeAt(i);
    out[i * 2] = c >> 8;
    out[i * 2 + 1] = c & 0xff;
  }
  return out;
}

function repeatToMultiple(input: Uint8Array, v: number): Uint8Array {
  if (input.length === 0) return input;
  const out = new Uint8Array(v * Math.ceil(input.length / v));
  for (let i = 0; i < out.length; i++) out[i] = input[i % input.length]!;
  return out;
}

/** RFC 7292 B.2 steps 1-7, for `password` already encoded (see bmpPassword). */
export function pkcs12Kdf(
  hashName: Pkcs12Hash,
  id: number,
  password: Uint8Array,
  salt: Uint8Array,
  iterations: number,
  length: number,
): Uint8Array {
  const hash = HASHES[hashName];
  const u = hash.outputLen;
  const v = hash.blockLen;
  const d = new Uint8Array(v).fill(id);
  const s = repeatToMultiple(salt, v);
  const p = repeatToMultiple(password, v);
  const i = new Uint8Array(s.length + p.length);
  i.set(s);
  i.set(p, s.length);
  const out = new Uint8Array(Math.ceil(length / u) * u);
  const dI = new Uint8Array(v + i.length);
  for (let block = 0; block * u < length; block++) {
    dI.set(d);
    dI.set(i, v);
    let a = hash(dI);
    for (let r = 1; r < iterations; r++) a = hash(a);
    out.set(a, block * u);
    if ((block + 1) * u >= length) break;
    // B = A repeated to v octets; each v-octet block Ij of I becomes (Ij + B + 1) mod 2^(8v).
    const b = new Uint8Array(v);
    for (let k = 0; k < v; k++) b[k] = a[k % u]!;
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = i[j + k]! + b[k]! + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return out.slice(0, length);
}
