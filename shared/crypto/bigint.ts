/**
 * BigInt helpers for RSA. JavaScript BigInt arithmetic is not constant time; what these helpers do is
 * keep secret-dependent *control flow* out of the code (fixed loop counts, masked swaps) and leave the
 * rest to blinding in the callers.
 */

export function bytesToBigInt(b: Uint8Array): bigint {
  let hex = '';
  for (let i = 0; i < b.length; i++) hex += b[i]!.toString(16).padStart(2, '0');
  return hex.length === 0 ? 0n : BigInt('0x' + hex);
}

/** I2OSP: big-endian, left-padded with zeros to exactly `length` bytes. */
export function bigIntToBytes(x: bigint, length: number): Uint8Array<ArrayBuffer> {
  if (x < 0n) throw new RangeError('negative integer');
  const hex = x.toString(16);
  if (hex.length > length * 2) throw new RangeError('integer too large');
  const padded = hex.padStart(length * 2, '0');
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(padded.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

export function byteLength(x: bigint): number {
  return Math.ceil(bitLength(x) / 8);
}

/** Variable-time modular exponentiation, for public exponents only. */
export function modPowPublic(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

/**
 * Montgomery ladder over a fixed number of bits (`bits`, taken from the modulus, not the exponent), with
 * a masked conditional swap instead of a branch on each exponent bit: every step does one multiplication
 * and one squaring whatever the bit is.
 */
export function modPowSecret(base: bigint, exp: bigint, mod: bigint, bits: number): bigint {
  let r0 = 1n;
  let r1 = base % mod;
  for (let i = bits - 1; i >= 0; i--) {
    const mask = -((exp >> BigInt(i)) & 1n); // 0n or -1n (all ones)
    let t = (r0 ^ r1) & mask;
    r0 ^= t;
    r1 ^= t;
    r1 = (r0 * r1) % mod;
    r0 = (r0 * r0) % mod;
    t = (r0 ^ r1) & mask;
    r0 ^= t;
    r1 ^= t;
  }
  return r0;
}

/** Modular inverse by the extended Euclidean algorithm; throws when none exists. */
export function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [((a % m) + m) % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('not invertible');
  return ((oldS % m) + m) % m;
}

/** A uniformly random integer in [1, n) from the host's CSPRNG (rejection sampling). */
export function randomBelow(n: bigint, crypto: Crypto): bigint {
  const len = byteLength(n);
  const topBits = bitLength(n) % 8;
  const buf = new Uint8Array(len);
  for (;;) {
    crypto.getRandomValues(buf);
    if (topBits !== 0) buf[0] = buf[0]! & ((1 << topBits) - 1);
    const x = bytesToBigInt(buf);
    if (x > 0n && x < n) return x;
  }
}
