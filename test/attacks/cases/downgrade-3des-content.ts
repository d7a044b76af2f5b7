/**
 * Downgrade: content encrypted with 3DES (64-bit blocks, Sweet32). Readable, flagged weak, and by
 * construction not integrity-protected.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { textEntity } from '../lib/message';
import { legacyEncrypted } from '../lib/openssl-legacy';

export default {
  name: 'downgrade-3des-content',
  class: 'downgrade',
  source: 'CCS 2020 mitigation study; RFC 8551 §2.7: 3DES only for reading',
  build: async (k) => legacyEncrypted(k, 'des3', textEntity('Encrypted the old way.')),
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: false,
    errors: [],
    warnings: ['smime.weak-cipher', 'smime.not-integrity-protected'],
    weakCipher: true,
    frame: {
      statusIncludes: [
        'Encrypted with 3DES',
        'The message was encrypted with a legacy cipher.',
        FRAME.notIntegrity,
      ],
      statusExcludes: [FRAME.integrity],
    },
  },
} satisfies AttackCase;
