import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bigIntToBytes,
  bitLength,
  bytesToBigInt,
  modInverse,
  modPowPublic,
  modPowSecret,
  randomBelow,
} from '../../../shared/crypto/bigint';

const big = (bytes: number) => fc.uint8Array({ minLength: 1, maxLength: bytes }).map(bytesToBigInt);

describe('BigInt helpers for RSA', () => {
  it('the fixed-length ladder agrees with square-and-multiply', () => {
    fc.assert(
      fc.property(big(64), big(64), big(64), (b, e, m) => {
        const mod = m | 1n;
        fc.pre(mod > 1n);
        expect(modPowSecret(b, e, mod, Math.max(bitLength(e), 1) + 7)).toBe(modPowPublic(b, e, mod));
      }),
    );
  });

  it('inverts modulo a prime and refuses a shared factor', () => {
    const p = 2n ** 127n - 1n;
    fc.assert(
      fc.property(big(15), (a) => {
        fc.pre(a % p !== 0n);
        expect((a * modInverse(a, p)) % p).toBe(1n);
      }),
    );
    expect(() => modInverse(6n, 9n)).toThrow(RangeError);
  });

  it('converts to and from fixed-length big-endian octets (I2OSP/OS2IP)', () => {
    expect(bigIntToBytes(0x0102n, 4)).toEqual(Uint8Array.of(0, 0, 1, 2));
    expect(bytesToBigInt(Uint8Array.of(0, 0, 1, 2))).toBe(0x0102n);
    expect(() => bigIntToBytes(0x10000n, 2)).toThrow(RangeError);
  });

  it('draws random values in [1, n)', () => {
    for (const n of [2n, 3n, 255n, 256n, 257n, 2n ** 2048n - 159n]) {
      for (let i = 0; i < 20; i++) {
        const r = randomBelow(n, crypto);
        expect(r >= 1n && r < n).toBe(true);
      }
    }
  });
});
