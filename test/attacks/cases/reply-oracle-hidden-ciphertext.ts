/**
 * "Re: What's up Johnny?" (Müller et al., 2019): Bob's captured ciphertext is hidden (display:none)
 * inside an innocent-looking mail from Eve. If the client decrypts it, Bob's reply quotes the hidden
 * plaintext back to Eve. Sello never decrypts an encrypted part inside an unprotected message, so the
 * plaintext exists nowhere to be quoted (the quoting rule itself: reply-quote.test.ts).
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { bodyOf, encryptedTo, htmlEntity, message, multipart } from '../lib/message';
import { SECRET, secretHtml } from '../lib/secret';

export default {
  name: 'reply-oracle-hidden-ciphertext',
  class: 'reply-oracle',
  source: 'Müller et al., "Re: What\'s up Johnny?" (2019), covert content',
  async build(k) {
    const captured = await encryptedTo(
      k.bob,
      {},
      `Content-Type: text/html; charset=utf-8\r\n\r\n${secretHtml}\r\n`,
    );
    return message(
      { from: 'Eve Example <eve@evil.example>', subject: 'Lunch on Friday?' },
      multipart('mixed', 'covert', [
        htmlEntity('<p>Lunch on Friday? Just reply yes or no.</p><div style="display:none">'),
        `Content-Disposition: inline\r\n${bodyOf(captured)}`,
        htmlEntity('</div>'),
      ]),
    );
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: [],
    warnings: ['smime.nested-pkcs7'],
    contentExcludes: [SECRET],
    frame: {
      statusIncludes: [FRAME.notEncrypted],
      statusExcludes: [FRAME.encrypted],
      pageExcludes: [SECRET],
      // One frame per displayed part, each labelled by coverage when the signature is partial.
      sections: [
        { path: '1', label: null },
        { path: '3', label: null },
      ],
    },
  },
} satisfies AttackCase;
