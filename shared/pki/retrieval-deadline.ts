/**
 * One time budget for every network fetch of one path validation: AIA caIssuers, CRLs and OCSP.
 * Exchange's OWACRLRetrievalTimeout (default 10000 ms) bounds "all CRLs when validating a
 * certificate", while OWACRLConnectionTimeout (default 60000 ms) bounds each single retrieval; a
 * budget made per certificate would let a path with one intermediate take twice the total.
 * Real time (Date.now), not the env clock, which tests pin to a date.
 */
export const DEFAULT_RETRIEVAL_TIMEOUT_MS = 10_000;
export const DEFAULT_CONNECTION_TIMEOUT_MS = 60_000;

export interface RetrievalDeadline {
  /** Date.now() value after which no fetch of this validation may start or continue. */
  readonly endsAt: number;
  /** The budget it was started with, for messages. */
  readonly totalMs: number;
}

export function startRetrievalDeadline(totalMs: number): RetrievalDeadline {
  return { endsAt: Date.now() + totalMs, totalMs };
}

export function remainingMs(deadline: RetrievalDeadline): number {
  return Math.max(0, deadline.endsAt - Date.now());
}
