/**
 * "Johnny, you are fired" (2019), identity: From is Alice, Sender is Eve, Eve signs. A client that
 * binds the signer to Sender shows Alice's name with a valid signature.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { signedBy, textEntity } from '../lib/message';

export default {
  name: 'identity-from-vs-sender',
  class: 'identity',
  source: 'Müller et al., "Johnny, you are fired!" (2019), From vs Sender',
  build: (k) =>
    signedBy(
      k.eve,
      { from: 'Alice Example <alice@example.org>', extra: ['Sender: Eve Example <eve@evil.example>'] },
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
