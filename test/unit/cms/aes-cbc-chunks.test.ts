import { describe, expect, it } from 'vitest';
import { concatBytes, equalBytes } from '../../../shared/bytes';
import { decryptCbcChunked, encryptCbcChunked } from '../../../shared/cms/aes-cbc-chunks';

const subtle = globalThis.crypto.subtle;
const MB = 1 << 20;

async function key(): Promise<CryptoKey> {
  const raw = globalThis.crypto.getRandomValues(new Uint8Array(32));
  return subtle.importKey('raw', raw, 'AES-CBC', false, ['encrypt', 'decrypt']);
}

function content(n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >> 11)) & 0xff;
  return b;
}

describe('AES-CBC in chunks', () => {
  // Around the 1 MiB chunk size: one block short, exact, one more, and several chunks with a tail.
  for (const n of [0, 15, 16, 1000, MB - 1, MB, MB + 1, MB + 16, 3 * MB + 17]) {
    it(`gives the bytes of one WebCrypto call for ${n} octets, both ways`, async () => {
      const k = await key();
      const iv = globalThis.crypto.getRandomValues(new Uint8Array(16));
      const plain = content(n);
      const whole = new Uint8Array(await subtle.encrypt({ name: 'AES-CBC', iv }, k, plain));
      const chunked = concatBytes(...(await encryptCbcChunked(subtle, k, iv, plain)));
      // Boolean checks: a failing toEqual on megabytes would print for minutes.
      expect(equalBytes(chunked, whole)).toBe(true);
      expect(equalBytes(await decryptCbcChunked(subtle, k, iv, whole), plain)).toBe(true);
    });
  }

  it('still refuses a bad final padding when the earlier chunks decrypt', async () => {
    const k = await key();
    const iv = new Uint8Array(16);
    const sealed = concatBytes(...(await encryptCbcChunked(subtle, k, iv, content(2 * MB + 5))));
    // 2 MiB + 5 ends in eleven octets of padding 0x0b; flipping the previous ciphertext block makes the
    // last plaintext octet 0x00, which no PKCS#7 padding is.
    sealed[sealed.length - 17]! ^= 0x0b;
    await expect(decryptCbcChunked(subtle, k, iv, sealed)).rejects.toThrow();
  });
});
