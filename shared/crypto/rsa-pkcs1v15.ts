/**
 * RSAES-PKCS1-v1_5 (RFC 8017 §7.2), which WebCrypto lacks and Node 20 refuses to decrypt, yet most
 * S/MIME mail uses for key transport.
 *
 * Decryption uses implicit rejection (draft-irtf-cfrg-rsa-guidance, the Marvin mitigation): a
 * ciphertext whose padding is wrong, or that was made for another key, decrypts to a synthetic message
 * derived from the private key and the ciphertext. The caller sees no error and no difference in
 * control flow, only a key that will later fail to unwrap content, exactly as a wrong key would.
 */
import { SelloError } from '../errors';
import type { CoreEnv } from '../env';
import {
  bigIntToBytes,
  bitLength,
  byteLength,
  bytesToBigInt,
  modInverse,
  modPowPublic,
  modPowSecret,
  randomBelow,
} from './bigint';
import {
  parseRsaPrivateKey,
  parseRsaPublicKey,
  type RsaPrivateComponents,
  type RsaPublicComponents,
} from './rsa-key';

/** RFC 8017 §7.2.1: the padding string is at least 8 bytes, so messages are at most k - 11 bytes. */
const MIN_PADDING = 8;

/** The raw public operation c = m^e mod n, output left-padded to the modulus length. */
export function rsaPublicOp(spki: Uint8Array, input: Uint8Array): Uint8Array {
  return publicOp(parseRsaPublicKey(spki), input);
}

function publicOp(key: RsaPublicComponents, input: Uint8Array): Uint8Array {
  const k = byteLength(key.n);
  const x = bytesToBigInt(input);
  if (input.length > k || x >= key.n) {
    throw new SelloError('cms.bad-input', 'The input is out of range for this RSA key.');
  }
  return bigIntToBytes(modPowPublic(x, key.e, key.n), k);
}

export async function rsaPkcs1v15Encrypt(
  spki: Uint8Array,
  message: Uint8Array,
  env: CoreEnv,
): Promise<Uint8Array> {
  const key = parseRsaPublicKey(spki);
  const k = byteLength(key.n);
  if (message.length > k - 3 - MIN_PADDING) {
    throw new SelloError(
      'cms.message-too-long',
      'The message is too long for RSA PKCS#1 v1.5 with this key.',
    );
  }
  // EM = 0x00 || 0x02 || PS (non-zero random) || 0x00 || M
  const em = new Uint8Array(k);
  em[1] = 2;
  const psEnd = k - message.length - 1;
  const ps = em.subarray(2, psEnd);
  env.crypto.getRandomValues(ps);
  const one = new Uint8Array(1);
  for (let i = 0; i < ps.length; i++) {
    while (ps[i] === 0) {
      env.crypto.getRandomValues(one);
      ps[i] = one[0]!;
    }
  }
  em.set(message, psEnd + 1);
  return publicOp(key, em);
}

/**
 * RSA private operation with CRT and base blinding: m = (c·r^e)^d · r^-1 mod n for a fresh random r,
 * so the operands of the secret exponentiations are unrelated to the attacker's ciphertext.
 */
function privateOp(key: RsaPrivateComponents, c: bigint, env: CoreEnv): bigint {
  const { n, e, d, p, q, dp, dq, qInv } = key;
  let r: bigint;
  let rInv: bigint;
  for (;;) {
    r = randomBelow(n, env.crypto);
    try {
      rInv = modInverse(r, n);
      break;
    } catch {
      // r shares a factor with n: astronomically unlikely with a real key; draw again.
      continue;
    }
  }
  const blinded = (c * modPowPublic(r, e, n)) % n;
  let m: bigint;
  if (p > 1n && q > 1n && p * q === n) {
    const m1 = modPowSecret(blinded % p, dp, p, bitLength(p));
    const m2 = modPowSecret(blinded % q, dq, q, bitLength(q));
    const h = (qInv * (((m1 - m2) % p) + p)) % p;
    m = m2 + h * q;
  } else {
    m = modPowSecret(blinded, d, n, bitLength(n));
  }
  return (m * rInv) % n;
}

/** SHA-256 of I2OSP(d, k): the HMAC key from which the per-ciphertext KDK is derived. */
async function keyHash(key: RsaPrivateComponents, k: number, env: CoreEnv): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await env.crypto.subtle.digest('SHA-256', bigIntToBytes(key.d, k)));
}

/**
 * The PRF of draft-irtf-cfrg-rsa-guidance: HMAC-SHA256(KDK, I2OSP(i, 2) || label || I2OSP(bits, 2))
 * for i = 0, 1, ... concatenated and cut to `bits` bits (always a multiple of 8 here).
 */
async function prf(kdk: CryptoKey, label: string, bytes: number, env: CoreEnv): Promise<Uint8Array> {
  const bits = (bytes * 8) & 0xffff; // two octets, as the reference implementations encode it
  const labelBytes = new TextEncoder().encode(label);
  const out = new Uint8Array(Math.ceil(bytes / 32) * 32);
  for (let i = 0, off = 0; off < bytes; i++, off += 32) {
    const input = new Uint8Array(2 + labelBytes.length + 2);
    input[0] = (i >> 8) & 0xff;
    input[1] = i & 0xff;
    input.set(labelBytes, 2);
    input[input.length - 2] = (bits >> 8) & 0xff;
    input[input.length - 1] = bits & 0xff;
    out.set(new Uint8Array(await env.crypto.subtle.sign('HMAC', kdk, input)), off);
  }
  return out.subarray(0, bytes);
}

/** 0xffffffff when a === b, else 0, without a branch. */
function eqMask(a: number, b: number): number {
  const x = (a ^ b) >>> 0;
  return (((x | -x) >> 31) ^ -1) | 0;
}

/** 0xffffffff when a < b (both non-negative and < 2^31), else 0. */
function ltMask(a: number, b: number): number {
  return (a - b) >> 31;
}

/**
 * Implicit-rejection decryption. Only public facts may throw here: a ciphertext longer than the
 * modulus or numerically not below it (RFC 8017 §7.2.2 step 1), or an unusable key. Everything that
 * depends on the private key ends in one output, real or synthetic.
 */
export async function rsaPkcs1v15DecryptImplicit(
  pkcs8: Uint8Array,
  ciphertext: Uint8Array,
  env: CoreEnv,
): Promise<Uint8Array> {
  const key = parseRsaPrivateKey(pkcs8);
  const k = byteLength(key.n);
  // The PRF encodes its output length in bits as two octets: 16384-bit keys are far inside that.
  if (k < 11 + MIN_PADDING || k > 2048) {
    throw new SelloError('cms.key-unsupported', 'This RSA key size is not supported for decryption.');
  }
  // Some encoders drop leading zero octets of the ciphertext; restore the k-octet form the KDK hashes.
  if (ciphertext.length > k)
    throw new SelloError('cms.decrypt-failed', 'The message could not be decrypted.');
  const c = new Uint8Array(k);
  c.set(ciphertext, k - ciphertext.length);
  const cInt = bytesToBigInt(c);
  if (cInt >= key.n) throw new SelloError('cms.decrypt-failed', 'The message could not be decrypted.');

  // Synthetic message first, so that its cost is paid whether or not the padding turns out good.
  const dHash = await keyHash(key, k, env);
  const dHashKey = await env.crypto.subtle.importKey('raw', dHash, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const kdkBytes = new Uint8Array(await env.crypto.subtle.sign('HMAC', dHashKey, c));
  const kdk = await env.crypto.subtle.importKey('raw', kdkBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  kdkBytes.fill(0);
  const synthetic = await prf(kdk, 'message', k, env);
  const lengths = await prf(kdk, 'length', 256, env);

  const maxSepOffset = k - 2 - MIN_PADDING;
  let lenMask = maxSepOffset;
  lenMask |= lenMask >> 1;
  lenMask |= lenMask >> 2;
  lenMask |= lenMask >> 4;
  lenMask |= lenMask >> 8;
  let syntheticLength = 0;
  for (let i = 0; i < 256; i += 2) {
    const candidate = ((lengths[i]! << 8) | lengths[i + 1]!) & lenMask;
    const take = ltMask(candidate, maxSepOffset);
    syntheticLength = (candidate & take) | (syntheticLength & ~take);
  }

  const em = bigIntToBytes(privateOp(key, cInt, env), k);

  // EM = 0x00 || 0x02 || PS (>= 8 non-zero) || 0x00 || M, checked over every byte with masks.
  let good = eqMask(em[0]!, 0) & eqMask(em[1]!, 2);
  let lookingForZero = -1;
  let zeroIndex = 0;
  for (let i = 2; i < k; i++) {
    const isZero = eqMask(em[i]!, 0);
    zeroIndex = (i & lookingForZero & isZero) | (zeroIndex & ~(lookingForZero & isZero));
    lookingForZero &= ~isZero;
  }
  good &= ~lookingForZero; // a separator was found
  good &= ~ltMask(zeroIndex, 2 + MIN_PADDING); // PS is at least 8 octets
  const realLength = k - zeroIndex - 1;

  // Both messages are suffixes of k-octet buffers: select byte by byte over the whole buffer.
  const outLength = (realLength & good) | (syntheticLength & ~good);
  const selected = new Uint8Array(k);
  for (let i = 0; i < k; i++) selected[i] = (em[i]! & good) | (synthetic[i]! & ~good);
  em.fill(0);
  return selected.slice(k - outLength);
}
