/**
 * Keys at rest in the add-in: every PKCS#8 private key is sealed with AES-GCM under a device key that is
 * a non-extractable CryptoKey stored in IndexedDB at the add-in origin. Script in that origin can use it
 * but nobody can read its bytes, so a copied browser profile alone does not hand over usable key files.
 * The additional data binds each sealed key to its record id, so records cannot be swapped.
 */
import { toArrayBuffer, utf8 } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';

export interface Sealed {
  iv: Uint8Array;
  data: Uint8Array;
}

export interface DeviceKeyStore {
  load(): Promise<CryptoKey | undefined>;
  /** Adds the key unless one exists; resolves with the stored one (a second pane may race us). */
  addIfAbsent(key: CryptoKey): Promise<CryptoKey>;
}

export async function deviceKey(store: DeviceKeyStore, crypto: Crypto): Promise<CryptoKey> {
  const existing = await store.load();
  if (existing) return existing;
  const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  return store.addIfAbsent(key);
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
    throw new SelloError('keystore.unseal-failed', 'A stored key could not be decrypted.', { cause: e });
  }
}
