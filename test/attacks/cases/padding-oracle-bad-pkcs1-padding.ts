/**
 * Bleichenbacher (CRYPTO 1998), the Marvin attack (2023): the attacker replaces the RSA encryptedKey
 * with a block whose PKCS#1 v1.5 padding is wrong (type 1 instead of 2) and watches whether the reply
 * differs from other failures. Sello's key transport uses implicit rejection: the padding check yields
 * a synthetic key, the content fails to decrypt, and the user sees the one "could not be decrypted".
 * (A synthetic key that is 32 bytes long and happens to give valid CBC padding is about 1 in 60,000.)
 */
import type { AttackCase } from '../lib/attack-case';
import { blockType1, rawRsa, withEncryptedKey } from '../lib/key-transport-surgery';
import { DECRYPT_FAILED, capturedFor } from '../lib/padding-oracle-case';

export default {
  name: 'padding-oracle-bad-pkcs1-padding',
  class: 'padding-oracle',
  source: 'Bleichenbacher (1998); Kario, "Marvin" (2023): PKCS#1 v1.5 padding oracle',
  build: async (k) => withEncryptedKey(await capturedFor(k.bob), rawRsa(k.bob, blockType1())),
  expect: DECRYPT_FAILED,
} satisfies AttackCase;
