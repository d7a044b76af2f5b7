/**
 * Downgrade: content encrypted with single DES (56-bit key, brute-forced in hours since 1998), as an
 * old client or a downgrading attacker writes it (OpenSSL 3's legacy provider). Readable, flagged
 * weak, and not integrity-protected.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { textEntity } from '../lib/message';
import { legacyEncrypted } from '../lib/openssl-legacy';

export default {
  name: 'downgrade-des-content',
  class: 'downgrade',
  source: 'RFC 8551 §2.7 (DES is not to be used); EFF DES cracker (1998)',
  build: async (k) => legacyEncrypted(k, 'des', textEntity('Encrypted the very old way.')),
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
        'Encrypted with DES',
        'The message was encrypted with a legacy cipher.',
        FRAME.notIntegrity,
      ],
      statusExcludes: [FRAME.integrity, '3DES'],
    },
  },
} satisfies AttackCase;
