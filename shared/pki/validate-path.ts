/**
 * Path validation for S/MIME (RFC 5280 §6): build candidate paths from the signer's certificate
 * through the message's certificates, known intermediates and AIA caIssuers to a trust anchor, check
 * each (path-check.ts) until one passes, then ask the revocation hook about every certificate on it.
 * Validity is decided at the signing time when the message gives one (and it is not in the future),
 * else now; both are reported. All network fetches of one validation (AIA caIssuers, CRL, OCSP)
 * share one retrieval deadline (OWACRLRetrievalTimeout), however long the path.
 */
import type * as pkijs from 'pkijs';
import { toBase64 } from '../bytes';
import type { CoreEnv } from '../env';
import type { ErrorCode } from '../errors';
import type { TrustResult } from '../smime/verdict';
import { EXT, extension, parseCertificate, subjectOf } from './certificate';
import { caIssuersUrls, createAiaCache, fetchCaIssuers, type AiaCache } from './aia-fetch';
import { namesMatch } from './names';
import {
  checkEndEntityUsage,
  checkPath,
  isValidAt,
  validityIssue,
  type KeyPurpose,
  type PathIssue,
} from './path-check';
import { resolvePathPolicy, type PathPolicy } from './path-policy';
import {
  DEFAULT_RETRIEVAL_TIMEOUT_MS,
  startRetrievalDeadline,
  type RetrievalDeadline,
} from './retrieval-deadline';

export type RevocationStatusName = 'good' | 'revoked' | 'unknown' | 'unreachable' | 'unchecked';

/** What a revocation checker (shared/pki/revocation or crl-status.ts) answers for one certificate. */
export interface RevocationAnswer {
  status: RevocationStatusName;
  issues: { code: ErrorCode; message: string; severity?: 'error' | 'warning' | 'info' }[];
}
export interface RevocationHook {
  (
    cert: Uint8Array,
    issuer: Uint8Array,
    env: CoreEnv,
    deadline?: RetrievalDeadline,
  ): Promise<RevocationAnswer>;
  /** Length of the deadline a validation starts for all its fetches; default 10000 ms. */
  readonly retrievalTimeoutMs?: number;
}

export interface ValidatePathOptions {
  certificate: Uint8Array;
  /** Certificates the message carried (any order; unrelated ones are ignored). */
  intermediates?: Uint8Array[];
  /** Intermediates known to the installation (policy, imported stores). */
  knownIntermediates?: Uint8Array[];
  anchors: Uint8Array[];
  usage?: KeyPurpose;
  signingTime?: Date | null;
  policy?: Partial<PathPolicy>;
  checkRevocation?: RevocationHook;
  aiaCache?: AiaCache;
  /** A deadline already running (a nested validation); else one starts here. */
  deadline?: RetrievalDeadline;
  env: CoreEnv;
}

export interface PathValidationResult extends TrustResult {
  issues: PathIssue[];
  /** The validated (or best failed) path, end entity first, anchor last, DER. */
  path: Uint8Array[];
  anchor: string | null;
}

interface Node {
  cert: pkijs.Certificate;
  der: Uint8Array;
  id: string;
}

// Bounds on path building: a hostile message can carry many certificates with the same names.
const MAX_COMPLETE_PATHS = 8;
const MAX_EXPANSIONS = 200;

function node(der: Uint8Array): Node {
  return { cert: parseCertificate(der), der, id: toBase64(der) };
}

function keyIdentifierMismatch(child: pkijs.Certificate, issuer: pkijs.Certificate): boolean {
  const aki = extension(child, EXT.authorityKeyIdentifier)?.parsedValue as
    pkijs.AuthorityKeyIdentifier | undefined;
  const ski = extension(issuer, EXT.subjectKeyIdentifier)?.parsedValue as
    { valueBlock: { valueHexView: Uint8Array } } | undefined;
  const keyId = aki?.keyIdentifier?.valueBlock.valueHexView;
  const skiBytes = ski?.valueBlock?.valueHexView;
  if (!keyId || !skiBytes) return false;
  return toBase64(keyId) !== toBase64(skiBytes);
}

export async function validatePath(opts: ValidatePathOptions): Promise<PathValidationResult> {
  const { env } = opts;
  const policy = resolvePathPolicy(opts.policy);
  const usage = opts.usage ?? 'sign';
  const now = env.now();
  const signingTime = opts.signingTime ?? null;
  const at = signingTime && signingTime.getTime() <= now.getTime() ? signingTime : now;
  const ee = node(opts.certificate);
  const anchors = opts.anchors.map(node);
  const pool = new Map<string, Node>();
  for (const der of [...(opts.intermediates ?? []), ...(opts.knownIntermediates ?? [])]) {
    const n = node(der);
    // A message often carries the root too: as an anchor it ends paths, it is not an intermediate.
    if (n.id !== ee.id && !anchors.some((a) => a.id === n.id)) pool.set(n.id, n);
  }
  const aiaCache = opts.aiaCache ?? createAiaCache();
  const deadline =
    opts.deadline ??
    startRetrievalDeadline(opts.checkRevocation?.retrievalTimeoutMs ?? DEFAULT_RETRIEVAL_TIMEOUT_MS);
  const aiaIssues: PathIssue[] = [];
  let fetches = 0;

  const candidatesFor = (child: Node, among: Iterable<Node>): Node[] =>
    [...among]
      .filter(
        (c) => namesMatch(child.cert.issuer, c.cert.subject) && !keyIdentifierMismatch(child.cert, c.cert),
      )
      // Prefer issuers valid at the decisive time (key rollover leaves several with one name).
      .sort((a, b) => Number(isValidAt(b.cert, at)) - Number(isValidAt(a.cert, at)));

  const fetchIssuers = async (child: Node): Promise<void> => {
    if (!policy.fetchIssuers) return;
    for (const url of caIssuersUrls(child.cert)) {
      if (fetches >= policy.maxIssuerFetches) return;
      fetches++;
      const ders = await fetchCaIssuers(
        url,
        env,
        aiaCache,
        policy.aiaTimeoutMs,
        (why) =>
          aiaIssues.push({
            code: 'path.issuer-fetch-failed',
            message: `Fetching an issuer failed: ${why}`,
            severity: 'warning',
          }),
        deadline,
      );
      for (const der of ders) {
        try {
          const n = node(der);
          if (!pool.has(n.id)) pool.set(n.id, n);
        } catch {
          aiaIssues.push({
            code: 'path.issuer-fetch-failed',
            message: `${url} did not return a certificate.`,
            severity: 'warning',
          });
        }
      }
    }
  };

  let best: { path: Node[]; anchor: Node; issues: PathIssue[] } | undefined;
  let complete = 0;
  let expansions = 0;

  const tryPath = async (path: Node[], anchor: Node): Promise<boolean> => {
    complete++;
    const certs = [...path].reverse().map((n) => n.cert);
    const issues = await checkPath({ anchor: anchor.cert, certs, usage, at, policy, env });
    if (
      !best ||
      (best.issues.some((i) => i.severity === 'error') && !issues.some((i) => i.severity === 'error'))
    )
      best = { path, anchor, issues };
    return !issues.some((i) => i.severity === 'error');
  };

  // Depth-first from the end entity; `path` is end entity first.
  const extend = async (path: Node[]): Promise<boolean> => {
    if (++expansions > MAX_EXPANSIONS || complete >= MAX_COMPLETE_PATHS) return false;
    const last = path[path.length - 1]!;
    for (const anchor of candidatesFor(last, anchors)) if (await tryPath(path, anchor)) return true;
    if (path.length > policy.maxIntermediates) return false;
    let next = candidatesFor(last, pool.values()).filter((c) => !path.some((p) => p.id === c.id));
    if (next.length === 0 && candidatesFor(last, anchors).length === 0) {
      await fetchIssuers(last);
      next = candidatesFor(last, pool.values()).filter((c) => !path.some((p) => p.id === c.id));
      for (const anchor of candidatesFor(last, anchors)) if (await tryPath(path, anchor)) return true;
    }
    for (const c of next) if (await extend([...path, c])) return true;
    return false;
  };

  // A certificate that is itself a trust anchor needs no path (directly trusted).
  const direct = anchors.find((a) => a.id === ee.id);
  let found = false;
  if (direct) {
    // Directly trusted: no path to check, but the certificate must still be current and fit the use.
    const issues: PathIssue[] = [];
    const validity = validityIssue(direct.cert, at);
    if (validity) issues.push(validity);
    checkEndEntityUsage(direct.cert, usage, policy, issues);
    found = !issues.some((i) => i.severity === 'error');
    best = { path: [], anchor: direct, issues };
  } else found = await extend([ee]);

  const chainNodes = best ? [...best.path, best.anchor] : [ee];
  // Validity is reported for the certificates below the anchor (the anchor itself when it is the signer).
  const dated = best ? (best.path.length > 0 ? best.path : [best.anchor]) : [ee];
  const result: PathValidationResult = {
    trusted: false,
    chain: chainNodes.map((n) => subjectOf(n.cert)),
    issues: [...(best?.issues ?? []), ...aiaIssues],
    revocation: 'unchecked',
    validAtSigningTime: signingTime ? dated.every((n) => isValidAt(n.cert, signingTime)) : null,
    validNow: dated.every((n) => isValidAt(n.cert, now)),
    path: chainNodes.map((n) => n.der),
    anchor: best ? subjectOf(best.anchor.cert) : null,
  };
  if (!best) {
    result.issues.unshift({
      code: 'path.no-anchor',
      message: `No chain from ${subjectOf(ee.cert)} to a trusted certificate authority was found.`,
      severity: 'error',
    });
    return result;
  }
  if (!found) return result;
  if (at !== now && !result.validNow)
    result.issues.push({
      code: 'path.expired-now',
      message: 'The certificates were valid when the message was signed but are not valid now.',
      severity: 'warning',
    });
  if (opts.checkRevocation && !direct)
    await foldRevocation(result, best.path, best.anchor, opts.checkRevocation, env, deadline);
  result.trusted = !result.issues.some((i) => i.severity === 'error') && result.revocation !== 'revoked';
  return result;
}

async function foldRevocation(
  result: PathValidationResult,
  path: Node[],
  anchor: Node,
  check: RevocationHook,
  env: CoreEnv,
  deadline: RetrievalDeadline,
): Promise<void> {
  const statuses: RevocationStatusName[] = [];
  for (let i = 0; i < path.length; i++) {
    const cert = path[i]!;
    const issuer = path[i + 1] ?? anchor;
    const answer = await check(cert.der, issuer.der, env, deadline);
    statuses.push(answer.status);
    for (const issue of answer.issues)
      result.issues.push({
        code: issue.code,
        message: `${subjectOf(cert.cert)}: ${issue.message}`,
        severity:
          issue.severity === 'error' || (answer.status === 'revoked' && issue.severity !== 'info')
            ? 'error'
            : 'warning',
      });
    if (answer.status === 'revoked' && !answer.issues.some((i) => i.severity === 'error'))
      result.issues.push({
        code: 'revocation.revoked',
        message: `${subjectOf(cert.cert)} has been revoked.`,
        severity: 'error',
      });
  }
  const order: RevocationStatusName[] = ['revoked', 'unreachable', 'unknown', 'unchecked', 'good'];
  result.revocation =
    statuses.length === 0 ? 'unchecked' : (order.find((s) => statuses.includes(s)) ?? 'good');
}
