/**
 * "Johnny, you are fired" (2019), MIME wrapping: multipart/alternative with the signed part first and
 * an unsigned HTML alternative last, which clients prefer and show.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { htmlEntity, message, multipart } from '../lib/message';
import { FORGED, aliceSignedPart } from '../lib/wrapping';

export default {
  name: 'mime-wrapping-alternative-override',
  class: 'mime-wrapping',
  source: 'Müller et al., "Johnny, you are fired!" (2019), MIME wrapping: alternative',
  build: async (k) =>
    message(
      {},
      multipart('alternative', 'wrap', [await aliceSignedPart(k.alice), htmlEntity(`<p>${FORGED}</p>`)]),
    ),
  expect: {
    valid: false,
    coverage: { kind: 'partial', signedPaths: ['1'], unsignedPaths: ['2'] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
    frame: {
      statusIncludes: [
        'The signature covers only part 1; part 2 is not signed.',
        'The signed part (1) is not displayed',
      ],
      statusExcludes: [FRAME.whole],
      // One frame per displayed part, each labelled by coverage when the signature is partial.
      sections: [{ path: '2', label: 'unsigned' }],
    },
  },
} satisfies AttackCase;
