/**
 * AES-GCM sealing used for everything the extension keeps at rest: private keys (device key, and the
 * passphrase key inside it), and compose drafts. The device key is a non-extractable CryptoKey kept in
 * IndexedDB: script in our origin can use it but nothing can read its bytes, so a copied profile
 * directory alone does not give the keys away in a form other tools read.
 */
import { toArrayBuffer, utf8 } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';
import { seal as sealWith, unseal as unsealWith } from '../../shared/keys/seal';
import { database, type Sealed } from './database';

// OWASP 2023 guidance for PBKDF2-HMAC-SHA256.
export const PBKDF2_ITERATIONS = 600_000;

let deviceKey: Promise<CryptoKey> | null = null;

export function getDeviceKey(): Promise<CryptoKey> {
  deviceKey ??= (async () => {
    const db = await database();
    const existing = await db.get('meta', 'device-key');
    if (existing instanceof CryptoKey) return existing;
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    // Two workers racing on first start: the first add wins, the loser reads it back.
    try {
      await db.add('meta', key, 'device-key');
      return key;
    } catch (e) {
      const again = await db.get('meta', 'device-key');
      if (again instanceof CryptoKey) return again;
      throw new SelloError('keystore.unavailable', 'The key database cannot be written.', { cause: e });
    }
  })();
  return deviceKey;
}

export function seal(key: CryptoKey, plain: Uint8Array, context: string): Promise<Sealed> {
  return sealWith(key, plain, context, crypto);
}

export function unseal(key: CryptoKey, sealed: Sealed, context: string): Promise<Uint8Array> {
  return unsealWith(key, sealed, context, crypto);
}

export function packSealed(s: Sealed): Uint8Array {
  const out = new Uint8Array(s.iv.length + s.data.length);
  out.set(s.iv);
  out.set(s.data, s.iv.length);
  return out;
}

export function unpackSealed(b: Uint8Array): Sealed {
  return { iv: b.slice(0, 12), data: b.slice(12) };
}

export async function derivePassphraseKey(
  passphrase: string,
  salt: Uint8Array,
  iterations: number,
): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', toArrayBuffer(utf8(passphrase)), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: toArrayBuffer(salt), iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}
