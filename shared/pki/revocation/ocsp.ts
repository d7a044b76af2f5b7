/**
 * Revocation by OCSP (RFC 6960): POST a request with a nonce (RFC 8954) to the AIA responder, and
 * believe the answer only when it is signed by the issuer itself or by a responder the issuer
 * delegated with id-kp-OCSPSigning (§4.2.2.2), echoes our nonce, and is fresh.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes, toArrayBuffer, toHex } from '../../bytes';
import { SelloError, isSelloError } from '../../errors';
import { nameDer } from './certificate-sources';
import type { FetchBudget } from './fetch-budget';
import { issue, reasonName, type SourceResult } from './source-result';
import type { RevocationCache } from './types';

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
const OID_OCSP_NONCE = '1.3.6.1.5.5.7.48.1.2';
const OID_KP_OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const OID_EKU = '2.5.29.37';
const MAX_OCSP_BYTES = 256 * 1024;
const HASH_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
};
// RFC 6960 §4.2.1 OCSPResponseStatus
const RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  '(4)',
  'sigRequired',
  'unauthorized',
];

export interface OcspContext {
  budget: FetchBudget;
  engine: pkijs.ICryptoEngine;
  crypto: Crypto;
  now: Date;
  clockSkewMs: number;
  maxAgeMs: number;
  requireNonce: boolean;
  cache?: RevocationCache;
}

export async function checkByOcsp(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  urls: string[],
  ctx: OcspContext,
): Promise<SourceResult> {
  const issues: SourceResult['issues'] = [];
  const issuerKey = issuer.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
  const issuerKeyHash = toHex(
    new Uint8Array(await ctx.crypto.subtle.digest('SHA-256', toArrayBuffer(issuerKey))),
  );
  const cacheKey = `ocsp:${issuerKeyHash}:${toHex(cert.serialNumber.valueBlock.valueHexView)}`;
  const cached = await ctx.cache?.get(cacheKey);
  if (cached && cached.expiresAt > ctx.now.getTime()) {
    try {
      const verified = await acceptResponse(cached.der, cert, issuer, undefined, 'cache', ctx);
      return { ...verified.result, issues };
    } catch (e) {
      if (!isSelloError(e)) throw e;
      issues.push(issue(e.code, `cached OCSP response no longer usable: ${e.message}`, 'info'));
    }
  }

  let sawAnswer = false;
  for (const url of urls) {
    const nonce = ctx.crypto.getRandomValues(new Uint8Array(16));
    try {
      const request = await buildRequest(cert, issuer, nonce, ctx.engine);
      const der = await ctx.budget.fetchBytes(url, {
        method: 'POST',
        body: request,
        contentType: 'application/ocsp-request',
        accept: 'application/ocsp-response',
        maxBytes: MAX_OCSP_BYTES,
      });
      sawAnswer = true;
      const { result, nextUpdate } = await acceptResponse(der, cert, issuer, nonce, url, ctx);
      if (ctx.cache && nextUpdate && result.status !== 'unknown')
        await ctx.cache.set(cacheKey, { der, expiresAt: nextUpdate.getTime() });
      return { ...result, issues: [...issues, ...result.issues] };
    } catch (e) {
      if (!isSelloError(e)) throw e;
      if (e.code === 'revocation.unreachable') issues.push(issue('revocation.fetch-failed', e.message));
      else {
        sawAnswer = true;
        issues.push(issue(e.code, e.message));
      }
    }
  }
  return { status: sawAnswer ? 'unknown' : 'unreachable', issues };
}

async function buildRequest(
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  nonce: Uint8Array,
  engine: pkijs.ICryptoEngine,
): Promise<Uint8Array> {
  const request = new pkijs.OCSPRequest();
  // SHA-1 CertIDs are what every responder understands (RFC 5019 §2.1.1); the hash only names the cert.
  await request.createForCertificate(cert, { hashAlgorithm: 'SHA-1', issuerCertificate: issuer }, engine);
  request.tbsRequest.requestExtensions = [
    new pkijs.Extension({
      extnID: OID_OCSP_NONCE,
      extnValue: new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false),
    }),
  ];
  return new Uint8Array(request.toSchema(true).toBER(false));
}

async function acceptResponse(
  der: Uint8Array,
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  nonce: Uint8Array | undefined,
  where: string,
  ctx: OcspContext,
): Promise<{ result: SourceResult; nextUpdate?: Date }> {
  const basic = parseBasicResponse(der, where);
  await verifyResponder(basic, issuer, where, ctx);

  const nonceExt = basic.tbsResponseData.responseExtensions?.find((e) => e.extnID === OID_OCSP_NONCE);
  if (nonce) {
    const expected = new Uint8Array(new asn1js.OctetString({ valueHex: toArrayBuffer(nonce) }).toBER(false));
    if (nonceExt && !equalBytes(nonceExt.extnValue.valueBlock.valueHexView, expected)) {
      throw new SelloError(
        'revocation.ocsp-nonce-mismatch',
        `the OCSP response from ${where} answers another request (nonce mismatch): possibly a replay`,
      );
    }
    if (!nonceExt && ctx.requireNonce) {
      throw new SelloError('revocation.ocsp-no-nonce', `the OCSP response from ${where} carries no nonce`);
    }
  }

  const single = await findSingleResponse(basic, cert, issuer, ctx.engine);
  if (!single)
    throw new SelloError(
      'revocation.ocsp-wrong-certificate',
      `the OCSP response from ${where} does not cover this certificate`,
    );
  const now = ctx.now.getTime();
  if (single.thisUpdate.getTime() > now + ctx.clockSkewMs) {
    throw new SelloError(
      'revocation.ocsp-not-yet-valid',
      `the OCSP response from ${where} is dated in the future`,
    );
  }
  const nextUpdate = single.nextUpdate;
  if (
    nextUpdate
      ? nextUpdate.getTime() < now - ctx.clockSkewMs
      : single.thisUpdate.getTime() < now - ctx.maxAgeMs
  ) {
    throw new SelloError(
      'revocation.ocsp-stale',
      `the OCSP response from ${where} is out of date (thisUpdate ${single.thisUpdate.toISOString()})`,
    );
  }
  return { result: certStatus(single.certStatus), ...(nextUpdate ? { nextUpdate } : {}) };
}

function parseBasicResponse(der: Uint8Array, where: string): pkijs.BasicOCSPResponse {
  let response: pkijs.OCSPResponse;
  try {
    response = pkijs.OCSPResponse.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw new SelloError('revocation.ocsp-malformed', `the OCSP response from ${where} cannot be parsed`, {
      cause: e,
    });
  }
  const status = response.responseStatus.valueBlock.valueDec;
  if (status !== 0) {
    throw new SelloError(
      'revocation.ocsp-error',
      `the OCSP responder at ${where} answered '${RESPONSE_STATUS[status] ?? status}'`,
    );
  }
  if (!response.responseBytes || response.responseBytes.responseType !== OID_OCSP_BASIC) {
    throw new SelloError(
      'revocation.ocsp-malformed',
      `the OCSP response from ${where} is not a basic OCSP response`,
    );
  }
  try {
    return pkijs.BasicOCSPResponse.fromBER(
      toArrayBuffer(response.responseBytes.response.valueBlock.valueHexView),
    );
  } catch (e) {
    throw new SelloError('revocation.ocsp-malformed', `the OCSP response from ${where} cannot be parsed`, {
      cause: e,
    });
  }
}

/** RFC 6960 §4.2.2.2: the CA itself, or a certificate it issued for OCSP signing; nothing else. */
async function verifyResponder(
  basic: pkijs.BasicOCSPResponse,
  issuer: pkijs.Certificate,
  where: string,
  ctx: OcspContext,
): Promise<void> {
  const candidates = [issuer, ...(basic.certs ?? [])];
  const named: pkijs.Certificate[] = [];
  for (const c of candidates)
    if (await matchesResponderId(c, basic.tbsResponseData.responderID, ctx.crypto)) named.push(c);
  if (named.length === 0) {
    throw new SelloError(
      'revocation.ocsp-unauthorised-responder',
      `the OCSP response from ${where} is signed by a responder whose certificate it does not include`,
    );
  }
  for (const signer of named) {
    const authorised = isSameCertificate(signer, issuer) || (await isDelegatedResponder(signer, issuer, ctx));
    if (!authorised) continue;
    const ok = await ctx.engine.verifyWithPublicKey(
      toArrayBuffer(basic.tbsResponseData.tbsView),
      basic.signature,
      signer.subjectPublicKeyInfo,
      basic.signatureAlgorithm,
    );
    if (ok) return;
    throw new SelloError(
      'revocation.ocsp-bad-signature',
      `the signature of the OCSP response from ${where} does not verify`,
    );
  }
  throw new SelloError(
    'revocation.ocsp-unauthorised-responder',
    `the OCSP response from ${where} is signed by a responder the certificate's issuer did not authorise`,
  );
}

async function matchesResponderId(
  cert: pkijs.Certificate,
  responderId: unknown,
  crypto: Crypto,
): Promise<boolean> {
  if (responderId instanceof pkijs.RelativeDistinguishedNames)
    return equalBytes(nameDer(cert.subject), nameDer(responderId));
  if (responderId instanceof asn1js.OctetString) {
    // byKey: SHA-1 of the subjectPublicKey BIT STRING value (RFC 6960 §4.2.1).
    const key = cert.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView;
    const hash = new Uint8Array(await crypto.subtle.digest('SHA-1', toArrayBuffer(key)));
    return equalBytes(hash, responderId.valueBlock.valueHexView);
  }
  return false;
}

function isSameCertificate(a: pkijs.Certificate, b: pkijs.Certificate): boolean {
  return (
    equalBytes(nameDer(a.subject), nameDer(b.subject)) &&
    equalBytes(
      a.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
      b.subjectPublicKeyInfo.subjectPublicKey.valueBlock.valueHexView,
    )
  );
}

async function isDelegatedResponder(
  responder: pkijs.Certificate,
  issuer: pkijs.Certificate,
  ctx: OcspContext,
): Promise<boolean> {
  if (!equalBytes(nameDer(responder.issuer), nameDer(issuer.subject))) return false;
  const eku = responder.extensions?.find((e) => e.extnID === OID_EKU)?.parsedValue as
    pkijs.ExtKeyUsage | undefined;
  if (!eku?.keyPurposes.includes(OID_KP_OCSP_SIGNING)) return false;
  const now = ctx.now.getTime();
  if (
    responder.notBefore.value.getTime() > now + ctx.clockSkewMs ||
    responder.notAfter.value.getTime() < now - ctx.clockSkewMs
  )
    return false;
  try {
    return await responder.verify(issuer, ctx.engine);
  } catch (e) {
    // A signature that cannot even be checked (unknown algorithm) does not authorise anyone.
    void e;
    return false;
  }
}

async function findSingleResponse(
  basic: pkijs.BasicOCSPResponse,
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  engine: pkijs.ICryptoEngine,
): Promise<pkijs.SingleResponse | undefined> {
  for (const single of basic.tbsResponseData.responses) {
    const hashName = HASH_BY_OID[single.certID.hashAlgorithm.algorithmId];
    if (!hashName) continue;
    const id = new pkijs.CertID();
    await id.createForCertificate(cert, { hashAlgorithm: hashName, issuerCertificate: issuer }, engine);
    if (id.isEqual(single.certID)) return single;
  }
  return undefined;
}

function certStatus(status: asn1js.AsnType): SourceResult {
  const block = status as asn1js.BaseBlock;
  const tag = block.idBlock.tagNumber;
  if (tag === 0) return { status: 'good', issues: [] };
  if (tag === 2)
    return {
      status: 'unknown',
      issues: [
        issue('revocation.ocsp-unknown-certificate', 'the OCSP responder does not know this certificate'),
      ],
    };
  // RevokedInfo ::= SEQUENCE { revocationTime GeneralizedTime, revocationReason [0] EXPLICIT CRLReason OPTIONAL }
  const parts = (block as asn1js.Constructed).valueBlock.value ?? [];
  const time = parts[0] instanceof asn1js.GeneralizedTime ? parts[0].toDate() : undefined;
  const reasonHolder = parts[1] as asn1js.Constructed | undefined;
  const reasonValue = reasonHolder?.valueBlock.value?.[0];
  const reason = reasonName(
    reasonValue instanceof asn1js.Enumerated ? reasonValue.valueBlock.valueDec : undefined,
  );
  return {
    status: 'revoked',
    issues: [],
    ...(time ? { revocationTime: time } : {}),
    ...(reason ? { revocationReason: reason } : {}),
  };
}
