/**
 * "Mailto: Me Your Secrets" (NDSS 2020), the settings variant: a crafted link or page state turns
 * encryption off (or signing on, to get a signature oracle) for a draft the user believes protected.
 * owa.compose has no sign or encrypt field: a Sello draft started from OWA is signed and encrypted, and
 * only the user changes that, in the compose frame.
 */
import { HONEST_PREFILL, type DraftOracleCase } from '../lib/draft-oracle-case';

const attack: DraftOracleCase = {
  name: 'draft-oracle-compose-security-off',
  class: 'draft-oracle',
  source: 'Mailto: Me Your Secrets (NDSS 2020): draft parameters chosen by the link, not the user',
  request: {
    type: 'owa.compose',
    prefill: HONEST_PREFILL,
    owaDraftId: null,
    sign: true,
    encrypt: false,
  },
  refusedWith: 'message.invalid',
  honest: { type: 'owa.compose', prefill: HONEST_PREFILL, owaDraftId: null },
};
export default attack;
