/**
 * OWACheckCRLOnSend: with it on, a message is not sent to (or signed with) a certificate whose
 * revocation status cannot be established; a revoked certificate is never used, whatever the setting.
 */
import { issue } from './source-result';
import type { RevocationIssue, RevocationStatus } from './types';

export interface SendDecision {
  allowed: boolean;
  /** Why sending is blocked; absent when allowed. */
  issue?: RevocationIssue;
}

export function canSendWithRevocation(
  status: Pick<RevocationStatus, 'status'>,
  options: { checkOnSend: boolean },
): SendDecision {
  switch (status.status) {
    case 'good':
      return { allowed: true };
    case 'revoked':
      return { allowed: false, issue: issue('revocation.revoked', 'the certificate is revoked', 'error') };
    case 'unreachable':
    case 'unknown':
      if (!options.checkOnSend) return { allowed: true };
      return {
        allowed: false,
        issue: issue(
          `revocation.${status.status}`,
          "sending is blocked while the certificate's revocation status cannot be checked (CheckCRLOnSend)",
          'error',
        ),
      };
    case 'unchecked':
      // Checking on send with checking switched off is a contradiction; the safe reading is to block.
      if (!options.checkOnSend) return { allowed: true };
      return {
        allowed: false,
        issue: issue(
          'revocation.unchecked',
          'sending is blocked: CheckCRLOnSend is on but revocation checking is off',
          'error',
        ),
      };
  }
}
