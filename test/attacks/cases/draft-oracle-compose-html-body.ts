/**
 * "Mailto: Me Your Secrets" (NDSS 2020), the body variant, combined with the reply oracle: the page
 * puts its own HTML into the draft (a hidden block with a ciphertext or a CID reference the client
 * fills with decrypted data, or remote images). owa.compose takes the form's text only; the worker
 * turns it into escaped HTML itself (textToHtml), so no markup of the page's choosing reaches the draft.
 */
import { HONEST_PREFILL, type DraftOracleCase } from '../lib/draft-oracle-case';

const attack: DraftOracleCase = {
  name: 'draft-oracle-compose-html-body',
  class: 'draft-oracle',
  source: 'Mailto: Me Your Secrets (NDSS 2020): body= with markup; Re: What’s up Johnny? (2019)',
  request: {
    type: 'owa.compose',
    prefill: {
      ...HONEST_PREFILL,
      html: '<div style="display:none"><img src="cid:decrypted-part"></div>',
    },
    owaDraftId: null,
  },
  refusedWith: 'message.invalid',
  honest: { type: 'owa.compose', prefill: HONEST_PREFILL, owaDraftId: null },
};
export default attack;
