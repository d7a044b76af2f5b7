/**
 * "Re: What's up Johnny?" (Müller et al., 2019), stylesheet variant: unsigned encrypted content
 * (attacker-written, or shaped with CBC gadgets) hides text with a <style> class rule instead of an
 * inline style, so that a quote-visible check looking at inline styles only would quote it. Sello's
 * read frame drops <style> from parts no intact signature covers, so the text is shown, not hidden;
 * and the quote treats class-hidden text as hidden, so it is not quoted either (reply-quote.test.ts).
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { encryptedTo } from '../lib/message';

export const CLASS_HIDDEN = 'CLASS-HIDDEN-payload-5521';
export const LURE = 'Lunch on Friday? Just reply yes or no.';
export const CLASS_HIDDEN_HTML =
  `<p>${LURE}</p><style>.x{color:#333}@media all{.h{display:none}}</style>` +
  `<div class="h">${CLASS_HIDDEN}</div><p>Eve</p>`;

export default {
  name: 'reply-oracle-style-class-hidden',
  class: 'reply-oracle',
  source: 'Müller et al., "Re: What\'s up Johnny?" (2019), covert content by CSS',
  build: (k) =>
    encryptedTo(
      k.bob,
      { from: 'Eve Example <eve@evil.example>', subject: 'Lunch on Friday?' },
      `Content-Type: text/html; charset=utf-8\r\n\r\n${CLASS_HIDDEN_HTML}\r\n`,
    ),
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: false,
    errors: [],
    exactErrors: true,
    warnings: ['smime.not-integrity-protected'],
    frame: {
      statusIncludes: [FRAME.notSigned, FRAME.notIntegrity],
      statusExcludes: [FRAME.signedBy, FRAME.integrity],
      // No stylesheet in unsigned content: what a class rule would hide is on screen.
      visibleIncludes: [LURE, CLASS_HIDDEN],
    },
  },
} satisfies AttackCase;
