/**
 * "Johnny, you are fired" (2019), MIME wrapping: attacker HTML opens a display:none element before the
 * signed part and closes it after, so a client that concatenates parts hides the signed text and shows
 * only the forgery. Sello renders each part in its own frame: no part's markup reaches another.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { htmlEntity, message, multipart } from '../lib/message';
import { FORGED, aliceSignedPart } from '../lib/wrapping';

export default {
  name: 'mime-wrapping-hidden-by-css',
  class: 'mime-wrapping',
  source: 'Müller et al., "Johnny, you are fired!" (2019), MIME wrapping: hidden by CSS',
  build: async (k) =>
    message(
      {},
      multipart('mixed', 'wrap', [
        htmlEntity(`<p>${FORGED}</p><div style="display:none">`),
        await aliceSignedPart(k.alice),
        htmlEntity('</div>'),
      ]),
    ),
  expect: {
    valid: false,
    coverage: { kind: 'partial', signedPaths: ['2'], unsignedPaths: ['1', '3'] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
    frame: {
      statusIncludes: ['The signature covers only part 2; part 1, 3 is not signed.'],
      statusExcludes: [FRAME.whole, 'is not displayed'],
      // One frame per displayed part, each labelled by coverage when the signature is partial.
      sections: [
        { path: '1', label: 'unsigned' },
        { path: '2.1', label: 'signed' },
        { path: '3', label: 'unsigned' },
      ],
    },
  },
} satisfies AttackCase;
