import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/bytes';
import { isSelloError } from '../../../shared/errors';
import {
  legacyCbcDecrypt,
  rc2EffectiveBitsFromVersion,
  removePkcs7Padding,
  type LegacyCbcAlgorithm,
} from '../../../shared/crypto/legacy-ciphers';

/** `openssl enc` with the legacy provider, which OpenSSL 3 needs for DES and RC2. */
function opensslEncrypt(cipher: string, key: Uint8Array, iv: Uint8Array, plain: Uint8Array): Uint8Array {
  return new Uint8Array(
    execFileSync(
      'openssl',
      [
        'enc',
        `-${cipher}`,
        '-K',
        toHex(key),
        '-iv',
        toHex(iv),
        '-provider',
        'legacy',
        '-provider',
        'default',
      ],
      { input: plain },
    ),
  );
}

const random = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

const cases: { openssl: string; alg: LegacyCbcAlgorithm; keyLength: number; bits?: number }[] = [
  { openssl: 'des-ede3-cbc', alg: 'des-ede3-cbc', keyLength: 24 },
  { openssl: 'des-cbc', alg: 'des-cbc', keyLength: 8 },
  { openssl: 'rc2-40-cbc', alg: 'rc2-cbc', keyLength: 5, bits: 40 },
  { openssl: 'rc2-64-cbc', alg: 'rc2-cbc', keyLength: 8, bits: 64 },
  { openssl: 'rc2-cbc', alg: 'rc2-cbc', keyLength: 16, bits: 128 },
];

describe('legacy CBC decryption', () => {
  describe.each(cases)('$openssl', ({ openssl, alg, keyLength, bits }) => {
    it.each([0, 1, 7, 8, 9, 16, 100, 1000])('decrypts %i bytes encrypted by openssl enc', (length) => {
      const key = random(keyLength);
      const iv = random(8);
      const plain = random(length);
      const ct = opensslEncrypt(openssl, key, iv, plain);
      expect(legacyCbcDecrypt(alg, key, iv, ct, bits)).toEqual(plain);
    });

    it('fails with cms.decrypt-failed, never another error, for wrong keys and truncated data', () => {
      const key = random(keyLength);
      const iv = random(8);
      const ct = opensslEncrypt(openssl, key, iv, random(40));
      const attempts: (() => Uint8Array)[] = [
        () => legacyCbcDecrypt(alg, ct.subarray(0, 0), iv, ct, bits),
        () => legacyCbcDecrypt(alg, key, iv.subarray(0, 7), ct, bits),
        () => legacyCbcDecrypt(alg, key, iv, ct.subarray(0, ct.length - 1), bits),
        () => legacyCbcDecrypt(alg, key, iv, new Uint8Array(0), bits),
      ];
      for (let i = 0; i < 20; i++) {
        const wrong = random(keyLength);
        attempts.push(() => legacyCbcDecrypt(alg, wrong, iv, ct, bits));
      }
      let failures = 0;
      for (const attempt of attempts) {
        try {
          attempt();
        } catch (e) {
          expect(isSelloError(e, 'cms.decrypt-failed')).toBe(true);
          expect((e as Error).message).toBe('The data could not be decrypted.');
          failures++;
        }
      }
      // A wrong key yields valid-looking padding about 1 time in 256; the first four always fail.
      expect(failures).toBeGreaterThanOrEqual(20);
    });
  });

  it('treats RC2 effective key bits as part of the key: 40 bits do not decrypt a 128-bit ciphertext', () => {
    const key = random(16);
    const iv = random(8);
    const plain = random(64);
    const ct = opensslEncrypt('rc2-cbc', key, iv, plain);
    let out: Uint8Array | undefined;
    try {
      out = legacyCbcDecrypt('rc2-cbc', key, iv, ct, 40);
    } catch (e) {
      expect(isSelloError(e, 'cms.decrypt-failed')).toBe(true);
    }
    expect(out).not.toEqual(plain);
  });

  it('refuses RC2 effective key sizes node-forge would compute wrongly', () => {
    expect(() => legacyCbcDecrypt('rc2-cbc', random(16), random(8), random(16), 63)).toThrowError(
      expect.objectContaining({ code: 'cms.unsupported' }),
    );
  });

  it('maps RC2CBCParameter versions to effective key bits (RFC 8018 B.2.3)', () => {
    expect(rc2EffectiveBitsFromVersion(160)).toBe(40);
    expect(rc2EffectiveBitsFromVersion(120)).toBe(64);
    expect(rc2EffectiveBitsFromVersion(58)).toBe(128);
    expect(rc2EffectiveBitsFromVersion(256)).toBe(256);
    expect(() => rc2EffectiveBitsFromVersion(7)).toThrowError(
      expect.objectContaining({ code: 'cms.unsupported' }),
    );
  });

  it('removes PKCS#7 padding only when every pad byte agrees', () => {
    expect(removePkcs7Padding(Uint8Array.of(1, 2, 3, 4, 4, 4, 4, 4))).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(removePkcs7Padding(new Uint8Array(8).fill(8))).toEqual(new Uint8Array(0));
    for (const bad of [
      Uint8Array.of(1, 2, 3, 4, 3, 4, 4, 4),
      Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 0),
      Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 9),
      Uint8Array.of(1, 2, 3),
    ]) {
      expect(() => removePkcs7Padding(bad)).toThrowError(
        expect.objectContaining({ code: 'cms.decrypt-failed' }),
      );
    }
  });
});
