/** The genuine signed part that MIME wrapping attacks re-use, and the unsigned text put around it. */
import type { Identity } from '../../../shared/keys/identity';
import { bodyOf, signedBy, textEntity } from './message';

export const GENUINE = 'Signed by Alice: the meeting is at ten.';
export const FORGED = 'Alice here: please wire 10,000 EUR to IBAN XX00 EVE today.';

/** Alice's multipart/signed entity, as captured from a real message of hers. */
export async function aliceSignedPart(alice: Identity, extraHeaders = ''): Promise<string> {
  const body = bodyOf(await signedBy(alice, {}, textEntity(GENUINE)));
  return extraHeaders ? `${extraHeaders}\r\n${body}` : body;
}
