import { describe, expect, it } from 'vitest';
import { toHex } from '../../../shared/bytes';
import { bmpPassword, pkcs12Kdf, type Pkcs12Hash } from '../../../shared/keys/pkcs12-kdf';
import { openssl } from './openssl-pki';

/** OpenSSL's own PKCS12KDF (`openssl kdf`), given the already BMP-encoded password. */
function opensslKdf(
  hash: string,
  id: number,
  password: Uint8Array,
  salt: Uint8Array,
  iter: number,
  len: number,
): string {
  const args = [
    'kdf',
    '-keylen',
    String(len),
    '-kdfopt',
    `digest:${hash}`,
    '-kdfopt',
    `hexsalt:${toHex(salt)}`,
  ];
  args.push('-kdfopt', `iter:${iter}`, '-kdfopt', `id:${id}`);
  args.push('-kdfopt', password.length ? `hexpass:${toHex(password)}` : 'pass:', 'PKCS12KDF');
  return Buffer.from(openssl(args)).toString('utf8').trim().replace(/:/g, '').toLowerCase();
}

describe('PKCS#12 key derivation (RFC 7292 Appendix B)', () => {
  const hashes: [Pkcs12Hash, string][] = [
    ['SHA-1', 'SHA1'],
    ['SHA-256', 'SHA2-256'],
    ['SHA-384', 'SHA2-384'],
    ['SHA-512', 'SHA2-512'],
  ];

  it.each(hashes)('agrees with OpenSSL for %s across IDs, lengths, salts and passwords', (ours, theirs) => {
    const salt8 = Uint8Array.from([0x0a, 0x58, 0xcf, 0x64, 0x53, 0x0d, 0x82, 0x3f]);
    const salt70 = new Uint8Array(70).map((_, i) => i * 3);
    for (const [password, salt, iter, len, id] of [
      ['smeg', salt8, 1, 24, 1],
      ['smeg', salt8, 1000, 8, 2],
      ['queeg', salt70, 3, 100, 3],
      ['', salt8, 2048, 20, 3],
      ['a much longer password than one hash block: ' + 'x'.repeat(80), salt8, 5, 70, 1],
      ['ünïcödé ✓', salt70, 2, 40, 2],
    ] as const) {
      const pw = bmpPassword(password);
      expect(toHex(pkcs12Kdf(ours, id, pw, salt, iter, len))).toBe(
        opensslKdf(theirs, id, pw, salt, iter, len),
      );
    }
  });

  it('encodes the password as a BMPString with a trailing NUL (RFC 7292 B.1)', () => {
    expect(bmpPassword('ab')).toEqual(Uint8Array.of(0, 0x61, 0, 0x62, 0, 0));
    expect(bmpPassword('')).toEqual(Uint8Array.of(0, 0));
    expect(bmpPassword('€')).toEqual(Uint8Array.of(0x20, 0xac, 0, 0));
  });
});
