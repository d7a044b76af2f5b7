/**
 * Chrome derives an extension's id from the SHA-256 of its public key (SubjectPublicKeyInfo DER): the
 * first 128 bits, each hex digit mapped to a-p. Admins need the id for ExtensionInstallForcelist and
 * the 3rdparty policy key before the browser ever sees the CRX.
 */
import { createHash, createPublicKey } from 'node:crypto';

export function extensionIdFromSpki(spkiDer: Uint8Array): string {
  const digest = createHash('sha256').update(spkiDer).digest();
  let id = '';
  for (const byte of digest.subarray(0, 16)) {
    id += String.fromCharCode(97 + (byte >> 4), 97 + (byte & 15));
  }
  return id;
}

export function extensionIdFromPrivateKeyPem(pem: string): string {
  const spki = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return extensionIdFromSpki(new Uint8Array(spki));
}
