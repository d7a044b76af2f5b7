/**
 * EFAIL (2018), the precondition: an AES-CBC EnvelopedData with no signature inside has no integrity.
 * It opens, and it is shown as "encrypted, not integrity-protected".
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { cbcVictim } from '../lib/cbc-message';

export default {
  name: 'cbc-unsigned-not-integrity-protected',
  class: 'cbc-malleability',
  source: 'Poddebniak et al., "Efail" (2018), malleability of CBC',
  build: (k) => cbcVictim(k.bob),
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: false,
    errors: [],
    exactErrors: true,
    warnings: ['smime.not-integrity-protected'],
    frame: {
      statusIncludes: ['Encrypted with AES-256-CBC', FRAME.notIntegrity, FRAME.notSigned],
      statusExcludes: [FRAME.integrity],
    },
  },
} satisfies AttackCase;
