/**
 * Downgrade: content encrypted with RC2 at 40 effective key bits (the old export-grade S/MIME
 * default), as OpenSSL 3's legacy provider still writes it. Readable, flagged weak, and not
 * integrity-protected.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { textEntity } from '../lib/message';
import { legacyEncrypted } from '../lib/openssl-legacy';

export default {
  name: 'downgrade-rc2-content',
  class: 'downgrade',
  source: 'RFC 8551 §2.7 (RC2/40 only for reading); RFC 2268',
  build: async (k) => legacyEncrypted(k, 'rc2-40', textEntity('Encrypted at export grade.')),
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
        'Encrypted with RC2',
        'The message was encrypted with a legacy cipher.',
        FRAME.notIntegrity,
      ],
      statusExcludes: [FRAME.integrity],
    },
  },
} satisfies AttackCase;
