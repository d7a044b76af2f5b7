/**
 * "Re: What's up Johnny?" (Müller et al., 2019), top-level variant: Eve takes Alice's captured
 * message to Bob (encrypted, not signed) and re-sends its ciphertext unchanged as the whole body of a
 * mail From: Eve. It decrypts with Bob's key, and nothing binds it to Alice. The status bar must not
 * suggest Alice (no "Signed by", no Alice address): it says not signed and not integrity-protected,
 * and the From line shows Eve. A reply goes to Eve and quotes what Bob saw (reply-quote.test.ts).
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { bodyOf, encryptedTo, message } from '../lib/message';
import { secretHtml } from '../lib/secret';

export const EVE_FROM = 'Eve Example <eve@evil.example>';

export default {
  name: 'reply-oracle-resent-ciphertext',
  class: 'reply-oracle',
  source: 'Müller et al., "Re: What\'s up Johnny?" (2019), re-sent ciphertext',
  async build(k) {
    const captured = await encryptedTo(
      k.bob,
      { from: 'Alice Example <alice@example.org>' },
      `Content-Type: text/html; charset=utf-8\r\n\r\n${secretHtml}\r\n`,
    );
    return message({ from: EVE_FROM, subject: 'Can you check this?' }, bodyOf(captured));
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: false,
    errors: [],
    exactErrors: true,
    warnings: ['smime.not-integrity-protected'],
    frame: {
      statusIncludes: [FRAME.notSigned, 'Encrypted with AES-256-CBC', FRAME.notIntegrity],
      statusExcludes: [FRAME.signedBy, 'alice@example.org', 'Alice', FRAME.integrity],
    },
  },
} satisfies AttackCase;
