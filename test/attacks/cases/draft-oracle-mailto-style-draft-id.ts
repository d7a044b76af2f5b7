/**
 * "Mailto: Me Your Secrets" (NDSS 2020), smuggled through an id: the page puts mailto-style
 * parameters into the OWA draft id it reports (`?body=…&attach=…`), hoping they end up in a URL or a
 * Graph path. Ids are Graph/EWS ids (base64 alphabet) and nothing else.
 */
import { HONEST_PREFILL, type DraftOracleCase } from '../lib/draft-oracle-case';

const attack: DraftOracleCase = {
  name: 'draft-oracle-mailto-style-draft-id',
  class: 'draft-oracle',
  source: 'Mailto: Me Your Secrets (NDSS 2020): parameters in a URL the client follows',
  request: {
    type: 'owa.compose',
    prefill: HONEST_PREFILL,
    owaDraftId: 'AAMkAGI2TG93AAA=?body=secret&attach=/etc/passwd',
  },
  refusedWith: 'message.invalid',
  honest: { type: 'owa.compose', prefill: HONEST_PREFILL, owaDraftId: 'AAMkAGI2TG93AAA=' },
};
export default attack;
