/**
 * "Johnny, you are fired" (2019), identity: a From holding two addresses, the signer's and another.
 * From must hold exactly one address, the signer's.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { signedBy, textEntity } from '../lib/message';

export default {
  name: 'identity-multiple-from-addresses',
  class: 'identity',
  source: 'Müller et al., "Johnny, you are fired!" (2019), multiple From',
  build: (k) =>
    signedBy(
      k.eve,
      { from: 'Alice Example <alice@example.org>, Eve Example <eve@evil.example>' },
      textEntity('New bank details follow.'),
    ),
  expect: {
    valid: true,
    coverage: { kind: 'whole', signedPaths: [''] },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: [],
    frame: { statusIncludes: [FRAME.fromMismatch], statusExcludes: [FRAME.fromMatches] },
  },
} satisfies AttackCase;
