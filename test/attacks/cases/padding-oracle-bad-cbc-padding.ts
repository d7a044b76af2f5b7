/**
 * Vaudenay (EUROCRYPT 2002), CBC padding oracle: the key transport is untouched (the content key is
 * right) but the last block's PKCS#7 padding is broken by a flipped ciphertext bit. That failure must
 * look exactly like a key-transport failure, or it becomes a byte-at-a-time decryption oracle.
 */
import type { AttackCase } from '../lib/attack-case';
import { withBadCbcPadding } from '../lib/key-transport-surgery';
import { DECRYPT_FAILED, capturedFor } from '../lib/padding-oracle-case';

export default {
  name: 'padding-oracle-bad-cbc-padding',
  class: 'padding-oracle',
  source: 'Vaudenay, "Security flaws induced by CBC padding" (2002)',
  build: async (k) => withBadCbcPadding(await capturedFor(k.bob)),
  expect: DECRYPT_FAILED,
} satisfies AttackCase;
