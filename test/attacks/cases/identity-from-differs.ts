/**
 * "Johnny, you are fired" (2019), identity: Eve signs with her own valid certificate and puts Alice in
 * From. The signature is real; the binding to From is not.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { signedBy, textEntity } from '../lib/message';

export default {
  name: 'identity-from-differs',
  class: 'identity',
  source: 'Müller et al., "Johnny, you are fired!" (2019), From/signer mismatch',
  build: (k) =>
    signedBy(k.eve, { from: 'Alice Example <alice@example.org>' }, textEntity('New bank details follow.')),
  expect: {
    valid: true,
    trusted: true,
    coverage: { kind: 'whole', signedPaths: [''] },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: [],
    frame: {
      statusIncludes: [
        'Signed by Eve Example <eve@evil.example>',
        "The From address (alice@example.org) does not match the signer's certificate (eve@evil.example).",
      ],
      statusExcludes: [FRAME.fromMatches],
    },
  },
} satisfies AttackCase;
