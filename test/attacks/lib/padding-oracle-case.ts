/**
 * What every padding-oracle case expects: one error code, no content, and a status bar that says only
 * "could not be decrypted", identical whatever went wrong (read-frame.test.ts compares the texts).
 */
import { FRAME, type ExpectedVerdict } from './attack-case';
import { encryptedTo } from './message';
import type { Identity } from '../../../shared/keys/identity';
import { SECRET, secretHtml } from './secret';

export const DECRYPT_FAILED_STATUS = 'The message could not be decrypted with your keys.';

/** A CBC message to `recipient` holding the secret (AES-256-CBC: the structure Bleichenbacher-style attacks target). */
export function capturedFor(recipient: Identity): Promise<Uint8Array> {
  return encryptedTo(
    recipient,
    { from: 'Alice Example <alice@example.org>' },
    `Content-Type: text/html; charset=utf-8\r\n\r\n${secretHtml}${'<p>Quarterly figures.</p>'.repeat(4)}\r\n`,
  );
}

export const DECRYPT_FAILED: ExpectedVerdict = {
  valid: false,
  coverage: { kind: 'none' },
  fromMatchesSigner: false,
  integrityProtected: false,
  errors: ['cms.decrypt-failed'],
  exactErrors: true,
  contentExcludes: [SECRET],
  frame: {
    statusIncludes: [DECRYPT_FAILED_STATUS, FRAME.notSigned],
    statusExcludes: [FRAME.signedBy, FRAME.integrity, 'AES-256-CBC', 'padding', 'recipient'],
    pageExcludes: [SECRET],
  },
};
