/**
 * The shape of one draft-oracle case ("Mailto: Me Your Secrets", Müller et al., NDSS 2020): a
 * hostile webmail page tries to make Sello prepare, fill, sign, decrypt or send something the user did
 * not write or choose. In Sello the page's only way in is the OWA content script's few `owa.*`
 * messages (and the page can forge none of the sender facts the router checks), so each case is a
 * message the page would like Sello's worker to act on, sent as the content script of an OWA tab.
 */

export interface DraftOracleCase {
  name: string;
  class: 'draft-oracle';
  /** The paper or report the case regenerates, in our own words. */
  source: string;
  /** What the page tries, as the message the content script would carry. */
  request: Record<string, unknown>;
  /** The refusal: the error code the router answers (a prefix), and no handler runs. */
  refusedWith: 'message.invalid' | 'message.sender-refused';
  /**
   * The same request without the injected part, which the router accepts: it shows that the refusal
   * comes from the injection, not from a request that could never pass. Omitted when the type itself
   * is the attack (a frame-only message sent from the page).
   */
  honest?: Record<string, unknown>;
}

/** An OWA compose form as the page shows it: what owa.compose may carry, nothing more. */
export const HONEST_PREFILL = {
  to: ['bob@example.com'],
  cc: [],
  bcc: [],
  subject: 'Lunch',
  text: 'Friday?',
};

export const SECRET_FILE = 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t';
