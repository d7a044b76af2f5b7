/**
 * Keys at rest in the add-in: every PKCS#8 private key is sealed with AES-GCM under a device key that is
 * a non-extractable CryptoKey stored in IndexedDB at the add-in origin. Script in that origin can use it
 * but nobody can read its bytes, so a copied browser profile alone does not hand over usable key files.
 * The additional data binds each sealed key to its record id, so records cannot be swapped.
 */
export type { Sealed } from '../../shared/keys/seal';

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

export { seal, unseal } from '../../shared/keys/seal';
