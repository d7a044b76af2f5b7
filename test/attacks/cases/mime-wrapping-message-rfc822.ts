/**
 * "Johnny, you are fired" (2019), MIME wrapping: Alice's whole signed mail forwarded inside a
 * message/rfc822 part under attacker text. What is inside an attached message does not sign the
 * message that carries it.
 */
import { fromUtf8 } from '../../../shared/bytes';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { message, multipart, signedBy, textEntity } from '../lib/message';
import { FORGED, GENUINE } from '../lib/wrapping';

export default {
  name: 'mime-wrapping-message-rfc822',
  class: 'mime-wrapping',
  source: 'Müller et al., "Johnny, you are fired!" (2019), MIME wrapping: message/rfc822',
  async build(k) {
    const captured = fromUtf8(await signedBy(k.alice, {}, textEntity(GENUINE)));
    return message(
      {},
      multipart('mixed', 'wrap', [textEntity(FORGED), `Content-Type: message/rfc822\r\n\r\n${captured}`]),
    );
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: [],
    frame: {
      statusIncludes: [FRAME.notSigned],
      statusExcludes: [FRAME.whole, FRAME.signedBy],
      // One frame per displayed part, each labelled by coverage when the signature is partial.
      sections: [{ path: '1', label: null }],
    },
  },
} satisfies AttackCase;
