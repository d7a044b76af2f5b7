/**
 * The revocation checker path validation calls for each certificate and its issuer. It asks the
 * preferred source, falls back to the other, and turns the outcome into a status plus issues whose
 * severity follows the mode: in soft-fail an unanswerable check is a warning, in hard-fail an error.
 * Its fetches spend the deadline the validation passes in (one for the whole path, AIA included);
 * called alone it starts its own of `retrievalTimeoutMs`.
 */
import * as pkijs from 'pkijs';
import type { CoreEnv } from '../../env';
import { SelloError } from '../../errors';
import { parseCertificate, revocationSources } from './certificate-sources';
import { checkByCrl } from './crl';
import { createFetchBudget } from './fetch-budget';
import { checkByOcsp } from './ocsp';
import {
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_RETRIEVAL_TIMEOUT_MS,
  startRetrievalDeadline,
  type RetrievalDeadline,
} from '../retrieval-deadline';
import { issue, type SourceResult } from './source-result';
import type { RevocationCheckerOptions, RevocationIssue, RevocationStatus } from './types';

export interface RevocationChecker {
  (
    cert: Uint8Array,
    issuer: Uint8Array,
    env: CoreEnv,
    deadline?: RetrievalDeadline,
  ): Promise<RevocationStatus>;
  /** validatePath starts one deadline of this length for all fetches of a validation. */
  readonly retrievalTimeoutMs: number;
  readonly connectionTimeoutMs: number;
}

const OPTION_KEYS = new Set([
  'mode',
  'prefer',
  'connectionTimeoutMs',
  'retrievalTimeoutMs',
  'cache',
  'ocspMaxAgeMs',
  'requireOcspNonce',
  'clockSkewMs',
]);

export function createRevocationChecker(options: RevocationCheckerOptions): RevocationChecker {
  const o = validateOptions(options);
  const crlFetches = new Map<string, Promise<Uint8Array>>();
  const check = async (
    certDer: Uint8Array,
    issuerDer: Uint8Array,
    env: CoreEnv,
    deadline?: RetrievalDeadline,
  ): Promise<RevocationStatus> => {
    if (o.mode === 'off') return { status: 'unchecked', issues: [] };
    const cert = parseCertificate(certDer, 'checked');
    const issuer = parseCertificate(issuerDer, 'issuer');
    const sources = revocationSources(cert);
    const engine = new pkijs.CryptoEngine({ name: 'sello-revocation', crypto: env.crypto });
    const budget = createFetchBudget(
      env.fetch,
      o.connectionTimeoutMs,
      deadline ?? startRetrievalDeadline(o.retrievalTimeoutMs),
    );
    const now = env.now();

    const ask = {
      ocsp:
        sources.ocspUrls.length === 0
          ? undefined
          : () =>
              checkByOcsp(cert, issuer, sources.ocspUrls, {
                budget,
                engine,
                crypto: env.crypto,
                now,
                clockSkewMs: o.clockSkewMs,
                maxAgeMs: o.ocspMaxAgeMs,
                requireNonce: o.requireOcspNonce,
                cache: o.cache,
              }),
      crl:
        sources.crlUrls.length === 0
          ? undefined
          : () =>
              checkByCrl(cert, issuer, sources.crlUrls, sources.deltaCrlUrls, {
                budget,
                engine,
                now,
                clockSkewMs: o.clockSkewMs,
                cache: o.cache,
                inFlight: crlFetches,
              }),
    };
    const order = o.prefer === 'ocsp' ? (['ocsp', 'crl'] as const) : (['crl', 'ocsp'] as const);
    const tried: { source: 'ocsp' | 'crl'; result: SourceResult }[] = [];
    for (const source of order) {
      const run = ask[source];
      if (!run) continue;
      const result = await run().catch((e: unknown): SourceResult => {
        // A response PKI.js cannot digest must not abort the whole validation: it is an answer we
        // cannot use, reported with its cause like any other.
        const code = e instanceof SelloError ? e.code : 'revocation.failed';
        const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
        return {
          status: 'unknown',
          issues: [issue(code, `${source.toUpperCase()} check failed: ${message}`)],
        };
      });
      tried.push({ source, result });
      if (result.status === 'good' || result.status === 'revoked') break;
    }
    return summarise(tried, o.mode);
  };
  return Object.assign(check, {
    retrievalTimeoutMs: o.retrievalTimeoutMs,
    connectionTimeoutMs: o.connectionTimeoutMs,
  });
}

function summarise(
  tried: { source: 'ocsp' | 'crl'; result: SourceResult }[],
  mode: 'soft-fail' | 'hard-fail',
): RevocationStatus {
  const failure: RevocationIssue['severity'] = mode === 'hard-fail' ? 'error' : 'warning';
  if (tried.length === 0) {
    return {
      status: 'unknown',
      issues: [
        issue(
          'revocation.no-source',
          'the certificate names no HTTP CRL distribution point or OCSP responder',
          failure,
        ),
      ],
    };
  }
  const last = tried[tried.length - 1]!;
  const definitive = last.result.status === 'good' || last.result.status === 'revoked';
  // Problems of a source we recovered from are context, not warnings.
  const details = tried.flatMap((t) =>
    t.result.issues.map((i) => (definitive ? { ...i, severity: 'info' as const } : i)),
  );
  if (definitive) {
    const { status, revocationTime, revocationReason } = last.result;
    const base: RevocationStatus = { status, issues: details, source: last.source };
    if (status === 'good') return base;
    const when = revocationTime ? ` on ${revocationTime.toISOString()}` : '';
    const why = revocationReason ? ` (${revocationReason})` : '';
    return {
      ...base,
      ...(revocationTime ? { revocationTime } : {}),
      ...(revocationReason ? { revocationReason } : {}),
      issues: [
        issue(
          'revocation.revoked',
          `the certificate was revoked${when}${why} (${last.source.toUpperCase()})`,
          'error',
        ),
        ...details,
      ],
    };
  }
  if (tried.every((t) => t.result.status === 'unreachable')) {
    return {
      status: 'unreachable',
      issues: [
        issue(
          'revocation.unreachable',
          'revocation status could not be retrieved: no CRL or OCSP server answered in time',
          failure,
        ),
        ...details,
      ],
    };
  }
  return {
    status: 'unknown',
    issues: [
      issue(
        'revocation.unknown',
        'revocation status could not be established from the answers received',
        failure,
      ),
      ...details,
    ],
  };
}

function validateOptions(
  options: RevocationCheckerOptions,
): Required<Omit<RevocationCheckerOptions, 'cache'>> & Pick<RevocationCheckerOptions, 'cache'> {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new TypeError(`unknown revocation option '${key}'`);
  }
  if (!['off', 'soft-fail', 'hard-fail'].includes(options.mode))
    throw new TypeError(`unknown revocation mode '${String(options.mode)}'`);
  const positive = (name: string, v: number | undefined, dflt: number): number => {
    if (v === undefined) return dflt;
    if (!Number.isFinite(v) || v <= 0)
      throw new TypeError(`${name} must be a positive number of milliseconds`);
    return v;
  };
  return {
    mode: options.mode,
    prefer: oneOf('prefer', options.prefer ?? 'ocsp', ['ocsp', 'crl'] as const),
    connectionTimeoutMs: positive(
      'connectionTimeoutMs',
      options.connectionTimeoutMs,
      DEFAULT_CONNECTION_TIMEOUT_MS,
    ),
    retrievalTimeoutMs: positive(
      'retrievalTimeoutMs',
      options.retrievalTimeoutMs,
      DEFAULT_RETRIEVAL_TIMEOUT_MS,
    ),
    cache: options.cache,
    ocspMaxAgeMs: positive('ocspMaxAgeMs', options.ocspMaxAgeMs, 7 * 24 * 3600_000),
    requireOcspNonce: options.requireOcspNonce ?? false,
    clockSkewMs: options.clockSkewMs ?? 5 * 60_000,
  };
}

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new TypeError(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}
