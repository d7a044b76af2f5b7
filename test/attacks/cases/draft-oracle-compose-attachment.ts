/**
 * "Mailto: Me Your Secrets" (Müller et al., NDSS 2020), attachment variant: a mailto: link with
 * `attach=` (or a webmail's equivalent) makes the mail client attach a local file, a stored key or a
 * decrypted message to a draft the user then sends. Here the page adds attachments to the prefill it
 * hands Sello. owa.compose carries only the OWA form's recipients, subject and text (strict schema);
 * attachments exist only where the user picks them, inside the compose frame.
 */
import { HONEST_PREFILL, SECRET_FILE, type DraftOracleCase } from '../lib/draft-oracle-case';

const attack: DraftOracleCase = {
  name: 'draft-oracle-compose-attachment',
  class: 'draft-oracle',
  source: 'Mailto: Me Your Secrets (Müller, Ising, Mladenov, Mainka, Schinzel, Schwenk; NDSS 2020): attach=',
  request: {
    type: 'owa.compose',
    prefill: {
      ...HONEST_PREFILL,
      attachments: [{ name: 'id_rsa', type: 'application/octet-stream', data: SECRET_FILE }],
    },
    owaDraftId: null,
  },
  refusedWith: 'message.invalid',
  honest: { type: 'owa.compose', prefill: HONEST_PREFILL, owaDraftId: null },
};
export default attack;
