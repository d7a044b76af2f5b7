/**
 * HTTP for revocation data through `env.fetch` only (the service worker has no sockets), bounded twice:
 * each exchange by the connection timeout (OWACRLConnectionTimeout) and all exchanges of one
 * validation by the deadline it shares with AIA fetches (OWACRLRetrievalTimeout). Timers are real
 * time (setTimeout), not the env clock, which tests pin to a date.
 */
import { toArrayBuffer } from '../../bytes';
import { SelloError } from '../../errors';
import { remainingMs, type RetrievalDeadline } from '../retrieval-deadline';

export interface FetchBudget {
  /** Fetches `url` and returns the body; throws `revocation.unreachable` for network failure/timeout. */
  fetchBytes(
    url: string,
    init: {
      method: 'GET' | 'POST';
      body?: Uint8Array;
      contentType?: string;
      accept: string;
      maxBytes: number;
    },
  ): Promise<Uint8Array>;
}

export function createFetchBudget(
  fetchFn: typeof fetch | undefined,
  connectionTimeoutMs: number,
  deadline: RetrievalDeadline,
): FetchBudget {
  return {
    async fetchBytes(url, init) {
      if (!fetchFn)
        throw new SelloError('revocation.unreachable', 'no network access is available to check revocation');
      const remaining = remainingMs(deadline);
      if (remaining <= 0) {
        throw new SelloError(
          'revocation.unreachable',
          `retrieval time of this validation (${deadline.totalMs} ms) used up before ${url}`,
        );
      }
      const limit = Math.min(connectionTimeoutMs, remaining);
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), limit);
      try {
        const headers: Record<string, string> = { accept: init.accept };
        if (init.contentType) headers['content-type'] = init.contentType;
        const response = await fetchFn(url, {
          method: init.method,
          headers,
          body: init.body ? toArrayBuffer(init.body) : undefined,
          signal: controller.signal,
          redirect: 'follow',
          cache: 'no-store',
        });
        if (!response.ok) {
          throw new SelloError('revocation.unreachable', `${url} answered HTTP ${response.status}`);
        }
        // The body is read under the same timer: a server that sends headers and then stalls is as
        // unreachable as one that never answers.
        return await readLimited(response, init.maxBytes, url);
      } catch (e) {
        if (e instanceof SelloError) throw e;
        const why = controller.signal.aborted ? `no answer within ${limit} ms` : describe(e);
        throw new SelloError('revocation.unreachable', `${url}: ${why}`, { cause: e });
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

async function readLimited(response: Response, maxBytes: number, url: string): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > maxBytes)
    throw new SelloError('revocation.too-large', `${url} sends ${declared} bytes, more than ${maxBytes}`);
  const body = new Uint8Array(await response.arrayBuffer());
  if (body.length > maxBytes)
    throw new SelloError('revocation.too-large', `${url} sent more than ${maxBytes} bytes`);
  return body;
}

function describe(e: unknown): string {
  if (e instanceof Error) {
    const cause = (e as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? `: ${cause.message}` : '';
    return `${e.message}${detail}`;
  }
  return String(e);
}
