/**
 * "Johnny, you are fired" (2019), MIME wrapping: attacker text before Alice's genuine signed part in a
 * multipart/mixed. The status must name the signed part and never say the message is signed.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { message, multipart, textEntity } from '../lib/message';
import { FORGED, aliceSignedPart } from '../lib/wrapping';

export default {
  name: 'mime-wrapping-prepended-text',
  class: 'mime-wrapping',
  source: 'Müller et al., "Johnny, you are fired!" (2019), MIME wrapping: prefix',
  build: async (k) =>
    message({}, multipart('mixed', 'wrap', [textEntity(FORGED), await aliceSignedPart(k.alice)])),
  expect: {
    valid: false,
    coverage: { kind: 'partial', signedPaths: ['2'], unsignedPaths: ['1'] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
    warnings: ['smime.partial-signature'],
    frame: {
      statusIncludes: ['The signature covers only part 2; part 1 is not signed.'],
      statusExcludes: [FRAME.whole, 'is not displayed'],
      // One frame per displayed part, each labelled by coverage when the signature is partial.
      sections: [
        { path: '1', label: 'unsigned' },
        { path: '2.1', label: 'signed' },
      ],
    },
  },
} satisfies AttackCase;
