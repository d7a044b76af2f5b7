/**
 * An HTML message encrypted to Bob with AES-CBC, laid out so that the first ciphertext block's
 * plaintext is known (EFAIL's precondition: "Content-Type: te" starts most S/MIME plaintexts).
 */
import { utf8 } from '../../../shared/bytes';
import type { Identity } from '../../../shared/keys/identity';
import { encryptedTo } from './message';
import { secretHtml } from './secret';

export const KNOWN_FIRST_BLOCK = utf8('Content-Type: te');

export function cbcVictim(bob: Identity): Promise<Uint8Array> {
  // Long enough that gadgets land inside the HTML body, well after the header and before the padding.
  const filler = '<p>Quarterly figures attached.</p>'.repeat(8);
  return encryptedTo(
    bob,
    { from: 'Alice Example <alice@example.org>' },
    `Content-Type: text/html; charset=utf-8\r\n\r\n<html><body>${filler}${secretHtml}${filler}</body></html>\r\n`,
  );
}
