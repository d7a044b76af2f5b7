/** What one source (OCSP or CRL) concluded, before the checker combines sources and applies the mode. */
import type { ErrorCode } from '../../errors';
import type { RevocationIssue } from './types';

export interface SourceResult {
  status: 'good' | 'revoked' | 'unknown' | 'unreachable';
  issues: RevocationIssue[];
  revocationTime?: Date;
  revocationReason?: string;
}

export function issue(
  code: ErrorCode,
  message: string,
  severity: RevocationIssue['severity'] = 'warning',
): RevocationIssue {
  return { code, message, severity };
}

// RFC 5280 §5.3.1 CRLReason; 7 is unused.
const REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'unused',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

export function reasonName(code: number | undefined): string | undefined {
  return code === undefined ? undefined : (REASONS[code] ?? `reason-${code}`);
}
