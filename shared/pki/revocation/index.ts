/** Revocation checking (CRL and OCSP) for path validation and the send gate. See docs/revocation.md. */
export { createRevocationChecker, type RevocationChecker } from './checker';
export { canSendWithRevocation, type SendDecision } from './send-gate';
export { createMemoryRevocationCache } from './memory-cache';
export type {
  CachedRevocationData,
  IssueSeverity,
  RevocationCache,
  RevocationCheckerOptions,
  RevocationIssue,
  RevocationMode,
  RevocationStatus,
  RevocationStatusName,
} from './types';
