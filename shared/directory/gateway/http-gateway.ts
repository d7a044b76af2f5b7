/**
 * `GET /certificates?email=ADDR` over HTTP for the extension, answering from a CertificateLookup
 * (LDAP) with a TTL cache, a deadline (504), strict input validation (400) and CORS for the configured
 * extension origins only: a web page in the user's browser must not be able to query the directory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pemEncode } from '../../bytes';
import { SelloError } from '../../errors';
import { certificateFacts } from '../../pki/lint-certificate-facts';
import type { CertificateLookup, DirectorySourceAttribute } from './ldap-certificate-source';

export interface GatewayCertificate {
  pem: string;
  subject: string;
  notAfter: string;
  source: DirectorySourceAttribute;
}

export interface GatewayAnswer {
  email: string;
  certificates: GatewayCertificate[];
}

export interface DirectoryGatewayOptions {
  lookup: CertificateLookup;
  /** Exact origins allowed by CORS, e.g. 'chrome-extension://abcdefghijklmnopabcdefghijklmnop'. */
  origins: string[];
  /** How long an answer (also "nothing found") is reused. Default 300000. */
  cacheTtlMs?: number;
  /** Deadline for one lookup before answering 504. Default 10000. */
  timeoutMs?: number;
  crypto?: Crypto;
  /** Clock for the cache (tests). */
  now?: () => number;
}

export interface DirectoryGateway {
  server: Server;
  listen(port: number, host: string): Promise<number>;
  close(): Promise<void>;
}

const MAX_CACHE_ENTRIES = 5000;
// RFC 5321 §4.5.3.1: 64 octets local part, 254 in a path. No spaces, quotes or controls: addresses
// that need quoting are not looked up (no directory stores them that way).
const EMAIL = /^[^\s@"(),:;<>[\]\\\p{Cc}]{1,64}@[^\s@"(),:;<>[\]\\\p{Cc}]{1,189}$/u;
const ORIGIN = /^(chrome-extension|moz-extension|extension|https?):\/\/[^\s/]+$/;

export function createDirectoryGateway(options: DirectoryGatewayOptions): DirectoryGateway {
  for (const origin of options.origins) {
    if (!ORIGIN.test(origin))
      throw new SelloError(
        'usage.bad-origin',
        `'${origin}' is not an origin (scheme://host, e.g. chrome-extension://ID)`,
      );
  }
  const origins = new Set(options.origins);
  const ttl = options.cacheTtlMs ?? 300_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => Date.now());
  const crypto = options.crypto ?? globalThis.crypto;
  const cache = new Map<string, { expires: number; answer: GatewayAnswer }>();
  const inFlight = new Map<string, Promise<GatewayAnswer>>();

  async function answerFor(email: string): Promise<GatewayAnswer> {
    const hit = cache.get(email);
    if (hit && hit.expires > now()) return hit.answer;
    let pending = inFlight.get(email);
    if (!pending) {
      pending = withDeadline(lookupAndDescribe(email), timeoutMs).finally(() => inFlight.delete(email));
      inFlight.set(email, pending);
    }
    const answer = await pending;
    cache.delete(email);
    cache.set(email, { expires: now() + ttl, answer });
    if (cache.size > MAX_CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
    return answer;
  }

  async function lookupAndDescribe(email: string): Promise<GatewayAnswer> {
    const found = await options.lookup(email);
    const seen = new Set<string>();
    const certificates: GatewayCertificate[] = [];
    for (const value of found) {
      const facts = await certificateFacts(value.der, crypto);
      if (seen.has(facts.sha256)) continue;
      seen.add(facts.sha256);
      certificates.push({
        pem: pemEncode('CERTIFICATE', value.der),
        subject: facts.subject,
        notAfter: facts.notAfter.toISOString(),
        source: value.source,
      });
    }
    return { email, certificates };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const origin = req.headers.origin;
    const corsHeaders: Record<string, string> = { vary: 'Origin' };
    if (origin !== undefined) {
      if (!origins.has(origin))
        return send(
          res,
          403,
          {
            error: {
              code: 'directory.origin-not-allowed',
              message: 'this origin may not use the directory gateway',
            },
          },
          corsHeaders,
        );
      corsHeaders['access-control-allow-origin'] = origin;
    }
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    if (url.pathname !== '/certificates')
      return send(
        res,
        404,
        { error: { code: 'directory.not-found', message: 'only /certificates is served' } },
        corsHeaders,
      );
    if (req.method === 'OPTIONS') {
      res
        .writeHead(204, {
          ...corsHeaders,
          'access-control-allow-methods': 'GET',
          'access-control-max-age': '600',
        })
        .end();
      return;
    }
    if (req.method !== 'GET')
      return send(
        res,
        405,
        { error: { code: 'directory.method-not-allowed', message: 'use GET' } },
        { ...corsHeaders, allow: 'GET, OPTIONS' },
      );
    const emails = url.searchParams.getAll('email');
    const extra = [...url.searchParams.keys()].filter((k) => k !== 'email');
    const email = emails[0]?.trim().toLowerCase() ?? '';
    if (emails.length !== 1 || extra.length > 0 || !EMAIL.test(email)) {
      return send(
        res,
        400,
        {
          error: {
            code: 'directory.bad-request',
            message: 'give exactly one parameter email=ADDRESS with a plain mail address',
          },
        },
        corsHeaders,
      );
    }
    try {
      const answer = await answerFor(email);
      send(res, 200, answer, {
        ...corsHeaders,
        'cache-control': `private, max-age=${Math.floor(ttl / 1000)}`,
      });
    } catch (e) {
      const err =
        e instanceof SelloError
          ? e
          : new SelloError('directory.search-failed', 'the directory lookup failed', { cause: e });
      const status = err.code === 'directory.timeout' ? 504 : 502;
      // Logged for the admin without the address: the log may be read by others.
      process.stderr.write(`sello directory: lookup failed [${err.code}] ${err.message}\n`);
      send(res, status, { error: err.toJSON() }, corsHeaders);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      process.stderr.write(
        `sello directory: unexpected failure: ${e instanceof Error ? e.message : String(e)}\n`,
      );
      if (!res.headersSent)
        send(res, 500, { error: { code: 'directory.internal', message: 'internal error' } }, {});
    });
  });
  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  res
    .writeHead(status, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'x-content-type-options': 'nosniff',
    })
    .end(JSON.stringify(body));
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new SelloError('directory.timeout', `the directory did not answer within ${ms} ms`)),
      ms,
    );
    work.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
