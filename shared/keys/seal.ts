/**
 * AES-GCM sealing of what Sello keeps at rest (PKCS#8 private keys, compose drafts), shared by the
 * extension's service worker and the add-in's task pane. The additional data binds each sealed value
 * to its record (a context string), so sealed records cannot be swapped between entries.
 */
import { toArrayBuffer, utf8 } from '../bytes';
import { SelloError } from '../errors';

export interface Sealed {
  iv: Uint8Array;
  data: Uint8Array;
}

export async function seal(
  key: CryptoKey,
  plain: Uint8Array,
  context: string,
  crypto: Crypto,
): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: toArrayBuffer(utf8(context)) },
    key,
    toArrayBuffer(plain),
  );
  return { iv, data: new Uint8Array(data) };
}

/** Any failure (wrong key, altered record, swapped context) is one typed error, without detail. */
export async function unseal(
  key: CryptoKey,
  sealed: Sealed,
  context: string,
  crypto: Crypto,
): Promise<Uint8Array> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: toArrayBuffer(sealed.iv), additionalData: toArrayBuffer(utf8(context)) },
      key,
      toArrayBuffer(sealed.data),
    );
    return new Uint8Array(plain);
  } catch (e) {
    throw new SelloError('keystore.unseal-failed', 'Stored data could not be decrypted.', { cause: e });
  }
}
