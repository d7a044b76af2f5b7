/**
 * Graph throttling and transient failures: retry 429 and 5xx (and network errors) with exponential
 * backoff, honouring Retry-After as Graph documents
 * (https://learn.microsoft.com/graph/throttling). Bounded: a send never retries forever.
 */

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  now: () => Date.now(),
};

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 500 || status === 502 || status === 503 || status === 504;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (!header) return null;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export async function fetchWithRetries(
  attempt: () => Promise<Response>,
  policy: RetryPolicy,
): Promise<Response> {
  let lastError: unknown = null;
  for (let i = 0; i < policy.maxAttempts; i++) {
    let res: Response | null = null;
    try {
      res = await attempt();
    } catch (e) {
      lastError = e;
    }
    if (res && !isRetryableStatus(res.status)) return res;
    if (i === policy.maxAttempts - 1) {
      if (res) return res;
      break;
    }
    const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** i);
    const wait = res ? (retryAfterMs(res.headers.get('retry-after'), policy.now()) ?? backoff) : backoff;
    // Drain the body so the connection can be reused.
    if (res) await res.arrayBuffer().catch(() => undefined);
    await policy.sleep(Math.min(wait, policy.maxDelayMs * 4));
  }
  throw lastError ?? new Error('no attempt made');
}
