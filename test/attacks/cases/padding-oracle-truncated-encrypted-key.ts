/**
 * Bleichenbacher-style format probing: the RSA encryptedKey cut to half its length. A shorter
 * ciphertext is a number like any other (leading zero octets restored), so it goes through the same
 * implicit-rejection path and ends in the same "could not be decrypted".
 */
import type { AttackCase } from '../lib/attack-case';
import { encryptedKeyOf, withEncryptedKey } from '../lib/key-transport-surgery';
import { DECRYPT_FAILED, capturedFor } from '../lib/padding-oracle-case';

export default {
  name: 'padding-oracle-truncated-encrypted-key',
  class: 'padding-oracle',
  source: 'Bleichenbacher (1998): malformed key-transport ciphertexts as probes',
  async build(k) {
    const m = await capturedFor(k.bob);
    return withEncryptedKey(m, encryptedKeyOf(m).slice(0, 128));
  },
  expect: DECRYPT_FAILED,
} satisfies AttackCase;
