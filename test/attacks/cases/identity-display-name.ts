/**
 * "Johnny, you are fired" (2019), identity: a display name that is itself an address
 * ("alice@example.org" <eve@evil.example>). Only the address counts and the status names it.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { signedBy, textEntity } from '../lib/message';

export default {
  name: 'identity-display-name',
  class: 'identity',
  source: 'Müller et al., "Johnny, you are fired!" (2019), display name confusion',
  build: (k) =>
    signedBy(
      k.eve,
      { from: '"alice@example.org" <eve@evil.example>' },
      textEntity('New bank details follow.'),
    ),
  expect: {
    valid: true,
    trusted: true,
    coverage: { kind: 'whole', signedPaths: [''] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
    frame: {
      statusIncludes: [
        'Signed by Eve Example <eve@evil.example>',
        'The From address (eve@evil.example) matches',
      ],
      statusExcludes: ['Signed by Alice', '(alice@example.org) matches', FRAME.fromMismatch],
    },
  },
} satisfies AttackCase;
