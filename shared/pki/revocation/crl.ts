/**
 * Revocation by CRL (RFC 5280 §5, §6.3): fetch from the certificate's HTTP distribution points,
 * accept only a CRL signed by the certificate's issuer and still current, keep it until nextUpdate,
 * and consult a delta CRL (freshestCRL) on top of the base when the certificate or CRL names one.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes, fromUtf8, looksLikePem, pemDecodeAll, toArrayBuffer, toHex } from '../../bytes';
import { SelloError, isSelloError } from '../../errors';
import { nameDer } from './certificate-sources';
import type { FetchBudget } from './fetch-budget';
import { issue, reasonName, type SourceResult } from './source-result';
import type { RevocationCache } from './types';

const OID_CRL_NUMBER = '2.5.29.20';
const OID_DELTA_CRL_INDICATOR = '2.5.29.27';
const OID_ISSUING_DP = '2.5.29.28';
const OID_FRESHEST_CRL = '2.5.29.46';
const OID_REASON_CODE = '2.5.29.21';
const KNOWN_CRL_EXTENSIONS = new Set([
  OID_CRL_NUMBER,
  OID_DELTA_CRL_INDICATOR,
  OID_ISSUING_DP,
  OID_FRESHEST_CRL,
  '2.5.29.35',
  '2.5.29.18',
]);
const KEY_USAGE_CRL_SIGN = 0x02; // bit 6 of the first keyUsage byte
const MAX_CRL_BYTES = 20 * 1024 * 1024;

export interface CrlContext {
  budget: FetchBudget;
  engine: pkijs.ICryptoEngine;
  now: Date;
  clockSkewMs: number;
  cache?: RevocationCache;
  /** Fetches in progress, shared by concurrent checks of one checker (many certificates, one CRL). */
  inFlight?: Map<string, Promise<Uint8Array>>;
}

interface CurrentCrl {
  crl: pkijs.CertificateRevocationList;
  url: string;
}

export async function checkByCrl(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  urls: string[],
  deltaUrls: string[],
  ctx: CrlContext,
): Promise<SourceResult> {
  const issues: SourceResult['issues'] = [];
  const base = await firstCurrentCrl(urls, urls, cert, issuer, 'base', ctx, issues);
  if (!base)
    return {
      status: issues.every((i) => i.code === 'revocation.fetch-failed') ? 'unreachable' : 'unknown',
      issues,
    };

  const entry = findEntry(base.crl, cert);
  const baseResult: SourceResult = entry ? revokedResult(entry, issues) : { status: 'good', issues };
  const deltas = [...deltaUrls, ...freshestCrlUrls(base.crl)].filter((u, i, all) => all.indexOf(u) === i);
  if (deltas.length === 0) return baseResult;

  const deltaIssues: SourceResult['issues'] = [];
  // A delta CRL's issuing distribution point may name the base's point or its own (RFC 5280 §5.2.4).
  const delta = await firstCurrentCrl(deltas, [...deltas, ...urls], cert, issuer, 'delta', ctx, deltaIssues);
  if (!delta) {
    // The base alone is still a valid (if less fresh) answer: say so instead of failing the check.
    return {
      ...baseResult,
      issues: [
        ...issues,
        ...deltaIssues,
        issue(
          'revocation.delta-crl-missing',
          'the delta CRL could not be used; the base CRL alone was checked',
        ),
      ],
    };
  }
  const baseNumber = crlNumber(base.crl, OID_CRL_NUMBER);
  const deltaBase = crlNumber(delta.crl, OID_DELTA_CRL_INDICATOR);
  if (baseNumber === undefined || deltaBase === undefined || deltaBase > baseNumber) {
    // RFC 5280 §5.2.4: a delta applies only to a base at least as new as the one it names.
    return {
      ...baseResult,
      issues: [
        ...issues,
        issue(
          'revocation.delta-crl-mismatch',
          `the delta CRL at ${delta.url} does not apply to the base CRL at ${base.url}`,
        ),
      ],
    };
  }
  const deltaEntry = findEntry(delta.crl, cert);
  if (!deltaEntry) return baseResult;
  if (entryReason(deltaEntry) === 8) return { status: 'good', issues }; // removeFromCRL: a hold was lifted
  return revokedResult(deltaEntry, issues);
}

async function firstCurrentCrl(
  urls: string[],
  scopeUrls: string[],
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  kind: 'base' | 'delta',
  ctx: CrlContext,
  issues: SourceResult['issues'],
): Promise<CurrentCrl | undefined> {
  for (const url of urls) {
    try {
      const crl = await loadCrl(url, scopeUrls, cert, issuer, kind, ctx);
      return { crl, url };
    } catch (e) {
      if (!isSelloError(e)) throw e;
      issues.push(issue(e.code === 'revocation.unreachable' ? 'revocation.fetch-failed' : e.code, e.message));
    }
  }
  return undefined;
}

async function loadCrl(
  url: string,
  scopeUrls: string[],
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  kind: 'base' | 'delta',
  ctx: CrlContext,
): Promise<pkijs.CertificateRevocationList> {
  const key = `crl:${url}`;
  const cached = await ctx.cache?.get(key);
  if (cached && cached.expiresAt > ctx.now.getTime()) {
    const crl = parseCrl(cached.der, url);
    // Verified again: the cache may live in storage a page can write to.
    await verifyCrl(crl, { cert, issuer, kind, url, scopeUrls }, ctx);
    return crl;
  }
  const bytes = await fetchShared(url, ctx);
  const der = looksLikePem(bytes)
    ? (pemDecodeAll(fromUtf8(bytes)).find((b) => b.label === 'X509 CRL')?.der ?? bytes)
    : bytes;
  const crl = parseCrl(der, url);
  await verifyCrl(crl, { cert, issuer, kind, url, scopeUrls }, ctx);
  const nextUpdate = crl.nextUpdate?.value;
  if (ctx.cache && nextUpdate) await ctx.cache.set(key, { der, expiresAt: nextUpdate.getTime() });
  return crl;
}

function parseCrl(der: Uint8Array, url: string): pkijs.CertificateRevocationList {
  try {
    return pkijs.CertificateRevocationList.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw new SelloError('revocation.crl-malformed', `the CRL at ${url} cannot be parsed`, { cause: e });
  }
}

async function verifyCrl(
  crl: pkijs.CertificateRevocationList,
  target: {
    cert: pkijs.Certificate;
    issuer: pkijs.Certificate;
    kind: 'base' | 'delta';
    url: string;
    scopeUrls: string[];
  },
  ctx: CrlContext,
): Promise<void> {
  const { cert, issuer, kind, url } = target;
  if (!equalBytes(nameDer(crl.issuer), nameDer(issuer.subject))) {
    throw new SelloError(
      'revocation.crl-wrong-issuer',
      `the CRL at ${url} was not issued by the certificate's issuer`,
    );
  }
  const keyUsage = issuer.extensions?.find((e) => e.extnID === '2.5.29.15');
  if (keyUsage) {
    const bits = (keyUsage.parsedValue as asn1js.BitString | undefined)?.valueBlock.valueHexView;
    if (!bits || ((bits[0] ?? 0) & KEY_USAGE_CRL_SIGN) === 0) {
      throw new SelloError(
        'revocation.crl-issuer-not-authorised',
        `the issuer's key usage does not allow signing CRLs (${url})`,
      );
    }
  }
  let signatureOk = false;
  try {
    signatureOk = await crl.verify({ issuerCertificate: issuer }, ctx.engine);
  } catch (e) {
    throw new SelloError(
      'revocation.crl-bad-signature',
      `the signature of the CRL at ${url} cannot be verified`,
      { cause: e },
    );
  }
  if (!signatureOk)
    throw new SelloError(
      'revocation.crl-bad-signature',
      `the CRL at ${url} is not signed by the certificate's issuer`,
    );

  for (const ext of crl.crlExtensions?.extensions ?? []) {
    if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.extnID)) {
      throw new SelloError(
        'revocation.crl-unsupported',
        `the CRL at ${url} has an unsupported critical extension ${ext.extnID}`,
      );
    }
  }
  const isDelta = crlNumber(crl, OID_DELTA_CRL_INDICATOR) !== undefined;
  if (isDelta !== (kind === 'delta')) {
    throw new SelloError(
      'revocation.crl-unsupported',
      `the CRL at ${url} is ${isDelta ? 'a delta CRL where a base CRL' : 'a base CRL where a delta CRL'} was expected`,
    );
  }
  const idp = crl.crlExtensions?.extensions.find((e) => e.extnID === OID_ISSUING_DP)?.parsedValue as
    pkijs.IssuingDistributionPoint | undefined;
  if (idp) checkScope(idp, cert, target.scopeUrls, url);

  const now = ctx.now.getTime();
  if (crl.thisUpdate.value.getTime() > now + ctx.clockSkewMs) {
    throw new SelloError(
      'revocation.crl-not-yet-valid',
      `the CRL at ${url} is dated in the future (${crl.thisUpdate.value.toISOString()})`,
    );
  }
  const nextUpdate = crl.nextUpdate?.value;
  if (nextUpdate && nextUpdate.getTime() < now - ctx.clockSkewMs) {
    throw new SelloError(
      'revocation.crl-expired',
      `the CRL at ${url} expired on ${nextUpdate.toISOString()} and no newer one is published`,
    );
  }
}

function findEntry(
  crl: pkijs.CertificateRevocationList,
  cert: pkijs.Certificate,
): pkijs.RevokedCertificate | undefined {
  const serial = toHex(cert.serialNumber.valueBlock.valueHexView);
  return crl.revokedCertificates?.find((r) => toHex(r.userCertificate.valueBlock.valueHexView) === serial);
}

function entryReason(entry: pkijs.RevokedCertificate): number | undefined {
  const ext = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === OID_REASON_CODE);
  const parsed = ext ? asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result : undefined;
  return parsed instanceof asn1js.Enumerated ? parsed.valueBlock.valueDec : undefined;
}

function revokedResult(entry: pkijs.RevokedCertificate, issues: SourceResult['issues']): SourceResult {
  const reason = reasonName(entryReason(entry));
  return {
    status: 'revoked',
    issues,
    revocationTime: entry.revocationDate.value,
    ...(reason ? { revocationReason: reason } : {}),
  };
}

function crlNumber(crl: pkijs.CertificateRevocationList, oid: string): bigint | undefined {
  const ext = crl.crlExtensions?.extensions.find((e) => e.extnID === oid);
  if (!ext) return undefined;
  const parsed = asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result;
  if (!(parsed instanceof asn1js.Integer)) return undefined;
  const hex = toHex(parsed.valueBlock.valueHexView);
  return hex ? BigInt(`0x${hex}`) : 0n;
}

function freshestCrlUrls(crl: pkijs.CertificateRevocationList): string[] {
  const ext = crl.crlExtensions?.extensions.find((e) => e.extnID === OID_FRESHEST_CRL);
  if (!ext) return [];
  const dps = (ext.parsedValue as pkijs.CRLDistributionPoints | undefined)?.distributionPoints ?? [];
  const urls: string[] = [];
  for (const dp of dps) {
    if (Array.isArray(dp.distributionPoint)) {
      for (const gn of dp.distributionPoint)
        if (gn.type === 6 && /^https?:\/\//i.test(String(gn.value))) urls.push(String(gn.value));
    }
  }
  return urls;
}

/**
 * RFC 5280 §6.3.3 (b): a CRL with an issuing distribution point only speaks for the certificates in its
 * scope. Without this check a CRL for another partition (or for CA certificates only) could be
 * served to "prove" a revoked certificate good.
 */
function checkScope(
  idp: pkijs.IssuingDistributionPoint,
  cert: pkijs.Certificate,
  scopeUrls: string[],
  url: string,
): void {
  const refuse = (why: string): never => {
    throw new SelloError('revocation.crl-scope', `the CRL at ${url} ${why}`);
  };
  if (idp.indirectCRL) refuse('is an indirect CRL, which Sello does not use');
  if (idp.onlySomeReasons !== undefined) refuse('covers only some revocation reasons');
  if (idp.onlyContainsAttributeCerts) refuse('covers only attribute certificates');
  const isCA =
    (
      cert.extensions?.find((e) => e.extnID === '2.5.29.19')?.parsedValue as
        pkijs.BasicConstraints | undefined
    )?.cA === true;
  if (idp.onlyContainsUserCerts && isCA) refuse('covers only end-entity certificates');
  if (idp.onlyContainsCACerts && !isCA) refuse('covers only CA certificates');
  const point = idp.distributionPoint;
  if (point === undefined) return;
  if (!Array.isArray(point)) refuse('names its scope relative to the issuer, which Sello does not support');
  const names = (point as pkijs.GeneralName[]).filter((gn) => gn.type === 6).map((gn) => String(gn.value));
  if (!names.some((n) => scopeUrls.includes(n)))
    refuse('belongs to another distribution point than the certificate names');
}

async function fetchShared(url: string, ctx: CrlContext): Promise<Uint8Array> {
  const pending = ctx.inFlight?.get(url);
  if (pending) return pending;
  const fetching = ctx.budget.fetchBytes(url, {
    method: 'GET',
    accept: 'application/pkix-crl, application/x-pkcs7-crl, */*',
    maxBytes: MAX_CRL_BYTES,
  });
  if (!ctx.inFlight) return fetching;
  ctx.inFlight.set(url, fetching);
  try {
    return await fetching;
  } finally {
    ctx.inFlight.delete(url);
  }
}
