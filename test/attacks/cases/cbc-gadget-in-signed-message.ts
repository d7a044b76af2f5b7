/**
 * EFAIL CBC gadgets against sign-then-encrypt: the gadget changes the signed content, so the inner
 * signature breaks and the message is shown as neither signed nor integrity-protected.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { KNOWN_FIRST_BLOCK } from '../lib/cbc-message';
import { cmsOf, plantCbcGadget, withCms } from '../lib/cms-surgery';
import { CBC, SIGN, env, message } from '../lib/message';
import { secretHtml } from '../lib/secret';
import { signAndEncrypt } from '../../../shared/smime/encrypt';

export default {
  name: 'cbc-gadget-in-signed-message',
  class: 'cbc-malleability',
  source: 'Poddebniak et al., "Efail" (2018), CBC gadgets vs signed content',
  async build(k) {
    const filler = '<p>Quarterly figures attached.</p>'.repeat(40);
    const victim = await signAndEncrypt(
      message({}, `Content-Type: text/html; charset=utf-8\r\n\r\n${secretHtml}${filler}\r\n`),
      k.alice,
      SIGN,
      [k.bob.certificate],
      CBC,
      env,
    );
    // The signed entity starts with "Content-Type: multipart/signed": the first block is known too.
    // Block 30 onward is inside the signed HTML.
    return withCms(victim, plantCbcGadget(cmsOf(victim).der, KNOWN_FIRST_BLOCK, '<img src=//10.1>', 30));
  },
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: false,
    errors: ['cms.bad-signature'],
    frame: {
      statusIncludes: [FRAME.invalid],
      statusExcludes: [FRAME.whole, FRAME.integrity, FRAME.fromMatches],
    },
  },
} satisfies AttackCase;
