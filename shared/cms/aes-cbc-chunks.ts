/**
 * AES-CBC over a large content one chunk at a time, with WebCrypto only (the core has no streaming
 * cipher). WebCrypto copies its whole input and returns a fresh buffer, so one call over a 32 MB message
 * holds three or four copies of it at once; chunk by chunk, only the result is message-sized. The bytes
 * are exactly those of one call: CBC chains through the last ciphertext block, used as the next IV.
 */

/** A multiple of the 16-octet block, large enough that the per-call cost does not matter. */
const CHUNK = 1 << 20;
const BLOCK = 16;

// WebCrypto's typings want ArrayBuffer-backed views; these never sit on a SharedArrayBuffer.
const view = (b: Uint8Array): Uint8Array<ArrayBuffer> => b as Uint8Array<ArrayBuffer>;

/**
 * PKCS#7-padded AES-CBC encryption of `content`, as `subtle.encrypt` would give it in one call, in
 * pieces: each is WebCrypto's own result buffer, so the ciphertext is never copied into a joined one.
 */
export async function encryptCbcChunked(
  subtle: SubtleCrypto,
  key: CryptoKey,
  iv: Uint8Array,
  content: Uint8Array,
): Promise<Uint8Array[]> {
  const pieces: Uint8Array[] = [];
  let chain = iv;
  let i = 0;
  // Every chunk but the last: WebCrypto pads each call, so its extra final block (the encrypted
  // padding) is left out and the chain goes on from the chunk's real last block.
  for (; content.length - i > CHUNK; i += CHUNK) {
    const part = await subtle.encrypt(
      { name: 'AES-CBC', iv: view(chain) },
      key,
      view(content.subarray(i, i + CHUNK)),
    );
    const piece = new Uint8Array(part, 0, CHUNK);
    pieces.push(piece);
    chain = piece.subarray(CHUNK - BLOCK);
  }
  const last = await subtle.encrypt({ name: 'AES-CBC', iv: view(chain) }, key, view(content.subarray(i)));
  pieces.push(new Uint8Array(last));
  return pieces;
}

/**
 * AES-CBC decryption with the PKCS#7 padding checked and removed, as `subtle.decrypt` would in one call.
 * `key` must allow encrypt too: each chunk but the last gets one block appended that decrypts to a
 * full padding block (the encryption of sixteen 0x10 octets chained after the chunk), so WebCrypto's
 * padding check passes there and strips exactly that block. The real padding is checked on the last.
 */
export async function decryptCbcChunked(
  subtle: SubtleCrypto,
  key: CryptoKey,
  iv: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const out = new Uint8Array(ciphertext.length);
  const fullPadding = new Uint8Array(BLOCK).fill(BLOCK);
  const piece = new Uint8Array(CHUNK + BLOCK);
  let chain = iv;
  let i = 0;
  for (; ciphertext.length - i > CHUNK; i += CHUNK) {
    const chunk = ciphertext.subarray(i, i + CHUNK);
    const lastBlock = chunk.subarray(CHUNK - BLOCK);
    const pad = await subtle.encrypt({ name: 'AES-CBC', iv: view(lastBlock) }, key, fullPadding);
    piece.set(chunk, 0);
    piece.set(new Uint8Array(pad, 0, BLOCK), CHUNK);
    const plain = await subtle.decrypt({ name: 'AES-CBC', iv: view(chain) }, key, view(piece));
    if (plain.byteLength !== CHUNK) throw new Error('AES-CBC chunk did not decrypt to its length');
    out.set(new Uint8Array(plain), i);
    chain = lastBlock;
  }
  const last = new Uint8Array(
    await subtle.decrypt({ name: 'AES-CBC', iv: view(chain) }, key, view(ciphertext.subarray(i))),
  );
  out.set(last, i);
  return out.subarray(0, i + last.length);
}
