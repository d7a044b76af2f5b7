/**
 * "Johnny, you are fired" (2019), MIME wrapping: the signed part sits in a multipart/related and the
 * attacker's HTML only references it by cid:, so a client shows the forgery with a "signed" badge.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { htmlEntity, message, multipart } from '../lib/message';
import { FORGED, aliceSignedPart } from '../lib/wrapping';

export default {
  name: 'mime-wrapping-cid-reference',
  class: 'mime-wrapping',
  source: 'Müller et al., "Johnny, you are fired!" (2019), MIME wrapping: cid: reference',
  build: async (k) =>
    message(
      {},
      multipart(
        'related',
        'wrap',
        [
          htmlEntity(
            `<p>${FORGED}</p><iframe src="cid:signed@attack"></iframe><img src="cid:signed@attack">`,
          ),
          await aliceSignedPart(k.alice, 'Content-ID: <signed@attack>'),
        ],
        '; type="text/html"',
      ),
    ),
  expect: {
    valid: false,
    coverage: { kind: 'partial', signedPaths: ['2'], unsignedPaths: ['1'] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
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
