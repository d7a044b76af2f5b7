/**
 * "Johnny, you are fired" (2019), MIME wrapping: the genuine signed part is demoted to an attachment
 * nobody opens, while the forgery is the body.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { message, multipart, textEntity } from '../lib/message';
import { FORGED, aliceSignedPart } from '../lib/wrapping';

export default {
  name: 'mime-wrapping-hidden-attachment',
  class: 'mime-wrapping',
  source: 'Müller et al., "Johnny, you are fired!" (2019), MIME wrapping: attachment',
  build: async (k) =>
    message(
      {},
      multipart('mixed', 'wrap', [
        textEntity(FORGED),
        await aliceSignedPart(k.alice, 'Content-Disposition: attachment; filename="original.eml"'),
      ]),
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
