/**
 * Downgrade: a MD5 signature (collisions make it forgeable). Shown as weak and not counted as valid.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { textEntity } from '../lib/message';
import { legacySigned } from '../lib/openssl-legacy';

export default {
  name: 'downgrade-md5-signature',
  class: 'downgrade',
  source: 'CCS 2020 mitigation study and RFC 8551 §2.1: MD5 is not to be accepted',
  build: async (k) => legacySigned(k, 'md5', textEntity('Signed the old way.')),
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: ['smime.weak-signature'],
    weakSignature: true,
    frame: { statusIncludes: [FRAME.weakSig], statusExcludes: [FRAME.whole, FRAME.fromMatches] },
  },
} satisfies AttackCase;
