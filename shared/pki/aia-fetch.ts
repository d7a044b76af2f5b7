/**
 * Fetching missing issuers from a certificate's Authority Information Access caIssuers URLs
 * (RFC 5280 §4.2.2.1: HTTP, a DER certificate or a certs-only PKCS#7 "p7c"), through the injected
 * fetch. Bounded: only http(s), a time limit per request, the validation's retrieval deadline
 * (shared with its revocation fetches), a size limit, a number of fetches per validation; results
 * are cached per URL for the life of the cache (failures are not).
 */
import * as pkijs from 'pkijs';
import { concatBytes, fromUtf8, looksLikePem, pemDecodeAll } from '../bytes';
import type { CoreEnv } from '../env';
import { EXT, extension } from './certificate';
import { looksLikeP7b, parseP7b } from './p7b';
import { remainingMs, type RetrievalDeadline } from './retrieval-deadline';

const OID_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';
const URI = 6;
// A CA certificate is a few kB; a p7c with a handful of them stays far below 1 MB.
const MAX_RESPONSE_BYTES = 1024 * 1024;

export type AiaCache = Map<string, Promise<Uint8Array[]>>;

export function createAiaCache(): AiaCache {
  return new Map();
}

export function caIssuersUrls(cert: pkijs.Certificate): string[] {
  const ext = extension(cert, EXT.authorityInfoAccess);
  const aia = ext?.parsedValue as pkijs.InfoAccess | undefined;
  if (!(aia instanceof pkijs.InfoAccess)) return [];
  return aia.accessDescriptions
    .filter((d) => d.accessMethod === OID_CA_ISSUERS && d.accessLocation.type === URI)
    .map((d) => String(d.accessLocation.value))
    .filter((u) => /^https?:\/\//i.test(u));
}

async function readBounded(response: Response): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_RESPONSE_BYTES) throw new Error('response too large');
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  // Read in chunks so a server that lies about (or omits) its length cannot make us buffer without end.
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > MAX_RESPONSE_BYTES) {
      await reader.cancel();
      throw new Error('response too large');
    }
    chunks.push(value);
  }
  return concatBytes(...chunks);
}

function certificatesIn(body: Uint8Array): Uint8Array[] {
  if (looksLikePem(body))
    return pemDecodeAll(fromUtf8(body))
      .filter((b) => b.label === 'CERTIFICATE')
      .map((b) => b.der);
  if (looksLikeP7b(body)) return parseP7b(body);
  return [body];
}

/**
 * Certificates at one caIssuers URL; [] with the failure given to `onFailure` when it cannot be had.
 */
export function fetchCaIssuers(
  url: string,
  env: CoreEnv,
  cache: AiaCache,
  timeoutMs: number,
  onFailure: (why: string) => void,
  deadline?: RetrievalDeadline,
): Promise<Uint8Array[]> {
  const cached = cache.get(url);
  if (cached) return cached;
  const limit = deadline ? Math.min(timeoutMs, remainingMs(deadline)) : timeoutMs;
  if (limit <= 0) {
    onFailure(`retrieval time of this validation (${deadline?.totalMs ?? 0} ms) used up before ${url}`);
    return Promise.resolve([]);
  }
  const work = (async (): Promise<Uint8Array[]> => {
    if (!env.fetch) {
      onFailure(`offline: ${url} was not fetched`);
      cache.delete(url);
      return [];
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limit);
    try {
      const response = await env.fetch(url, { signal: controller.signal, redirect: 'follow' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return certificatesIn(await readBounded(response));
    } catch (e) {
      const why = controller.signal.aborted
        ? `no answer within ${limit} ms`
        : e instanceof Error
          ? e.message
          : String(e);
      onFailure(`${url}: ${why}`);
      // A failure is not cached: the next validation may find the server back.
      cache.delete(url);
      return [];
    } finally {
      clearTimeout(timer);
    }
  })();
  cache.set(url, work);
  return work;
}
