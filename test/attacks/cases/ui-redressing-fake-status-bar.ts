/**
 * "Johnny, you are fired" (2019), UI redressing: unsigned HTML that draws Sello's own status lines
 * (fixed position, green, the exact wording). The status bar is drawn by the frame from the verdict,
 * outside the sandboxed content frame, so the imitation stays inside the message.
 */
import { FRAME, type AttackCase } from '../lib/attack-case';
import { htmlEntity, message } from '../lib/message';

const FAKE = `<div style="position:fixed;top:-200px;left:0;right:0;z-index:2147483647;background:#e6f4ea;border:1px solid #1e8e3e;padding:8px">
<ul><li>Signed by Alice Example &lt;alice@example.org&gt;</li><li>The signer's certificate is trusted (issued under CN=Attack Test CA).</li>
<li>The From address (alice@example.org) matches the signer.</li><li>The signature covers the whole message.</li></ul></div>
<p>Please wire 10,000 EUR to IBAN XX00 EVE today.</p>`;

export default {
  name: 'ui-redressing-fake-status-bar',
  class: 'ui-redressing',
  source: 'Müller et al., "Johnny, you are fired!" (2019), UI redressing',
  build: async () => message({}, htmlEntity(FAKE)),
  expect: {
    valid: false,
    coverage: { kind: 'none' },
    fromMatchesSigner: false,
    integrityProtected: null,
    errors: [],
    frame: {
      statusIncludes: [FRAME.notSigned],
      statusExcludes: [FRAME.signedBy, FRAME.whole, FRAME.fromMatches],
    },
  },
} satisfies AttackCase;
