/**
 * "Johnny, you are fired" (2019), identity: two From header fields, Alice's first. Clients disagree on
 * which one they show; Sello counts every address and requires exactly one.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { signedBy, textEntity } from '../lib/message';

export default {
  name: 'identity-two-from-fields',
  class: 'identity',
  source: 'Müller et al., "Johnny, you are fired!" (2019), multiple From fields',
  build: (k) =>
    signedBy(
      k.eve,
      { from: 'Alice Example <alice@example.org>', extra: ['From: Eve Example <eve@evil.example>'] },
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
