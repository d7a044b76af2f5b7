/**
 * What a revocation check returns, and the options that shape it. The result is data (like the
 * Verdict): path validation copies `status` into `TrustResult.revocation` and appends `issues`.
 */
import type { ErrorCode } from '../../errors';

export type RevocationStatusName = 'good' | 'revoked' | 'unknown' | 'unreachable' | 'unchecked';
export type IssueSeverity = 'error' | 'warning' | 'info';

/** `{code, message}` like a VerdictIssue, plus how much it matters under the configured mode. */
export interface RevocationIssue {
  code: ErrorCode;
  message: string;
  severity: IssueSeverity;
}

export interface RevocationStatus {
  status: RevocationStatusName;
  issues: RevocationIssue[];
  /** Which source gave the definitive answer ('good' or 'revoked'). */
  source?: 'ocsp' | 'crl';
  revocationTime?: Date;
  /** RFC 5280 §5.3.1 reason name, e.g. 'keyCompromise'; absent when the CA gave none. */
  revocationReason?: string;
}

export type RevocationMode = 'off' | 'soft-fail' | 'hard-fail';

/**
 * Where fetched CRLs and OCSP responses are kept until they expire. `createMemoryRevocationCache()`
 * serves Node, tests and (for now) the extension, whose service worker keeps one for its lifetime:
 * Chrome ends an idle worker, so the cache is lost then and the next validation fetches again. A
 * persistent (IndexedDB) implementation only needs these two methods; docs/revocation.md.
 */
export interface RevocationCache {
  get(key: string): Promise<CachedRevocationData | undefined>;
  set(key: string, value: CachedRevocationData): Promise<void>;
}

export interface CachedRevocationData {
  /** The DER as fetched; it is verified again on every use, so a tampered store cannot forge 'good'. */
  der: Uint8Array;
  /** ms since epoch (the env clock): nextUpdate of the CRL or OCSP response. */
  expiresAt: number;
}

export interface RevocationCheckerOptions {
  mode: RevocationMode;
  /** Which source to ask first; the other one is the fallback. Default 'ocsp'. */
  prefer?: 'ocsp' | 'crl';
  /** Longest wait for one CRL or OCSP exchange (OWACRLConnectionTimeout). Default 60000. */
  connectionTimeoutMs?: number;
  /**
   * Longest wait for all fetches of one validation together, AIA caIssuers included
   * (OWACRLRetrievalTimeout). Default 10000.
   */
  retrievalTimeoutMs?: number;
  cache?: RevocationCache;
  /**
   * OCSP responses without nextUpdate are accepted while thisUpdate is younger than this.
   * Default 7 days (the usual lifetime of pre-produced responses).
   */
  ocspMaxAgeMs?: number;
  /** Reject OCSP responses that carry no nonce (RFC 8954 leaves it to the client). Default false. */
  requireOcspNonce?: boolean;
  /** Tolerated clock difference for thisUpdate/nextUpdate. Default 5 minutes. */
  clockSkewMs?: number;
}
