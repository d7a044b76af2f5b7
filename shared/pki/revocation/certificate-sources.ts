/**
 * Where a certificate says its revocation status can be found: CRL distribution points (RFC 5280
 * §4.2.1.13), freshest CRL for deltas (§4.2.1.15) and the OCSP responder in Authority Information
 * Access (§4.2.2.1). Only http(s) URLs are used: ldap:// points cannot be reached from a browser.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../../bytes';
import { SelloError } from '../../errors';

const OID_CRL_DP = '2.5.29.31';
const OID_FRESHEST_CRL = '2.5.29.46';
const OID_AIA = '1.3.6.1.5.5.7.1.1';
const OID_AD_OCSP = '1.3.6.1.5.5.7.48.1';
const GENERAL_NAME_URI = 6;

export interface RevocationSources {
  crlUrls: string[];
  deltaCrlUrls: string[];
  ocspUrls: string[];
}

export function parseCertificate(der: Uint8Array, what: string): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw new SelloError('cert.malformed', `the ${what} certificate cannot be parsed`, { cause: e });
  }
}

export function revocationSources(cert: pkijs.Certificate): RevocationSources {
  const sources: RevocationSources = { crlUrls: [], deltaCrlUrls: [], ocspUrls: [] };
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID === OID_CRL_DP) sources.crlUrls.push(...distributionPointUrls(ext));
    else if (ext.extnID === OID_FRESHEST_CRL) sources.deltaCrlUrls.push(...distributionPointUrls(ext));
    else if (ext.extnID === OID_AIA) {
      const aia = ext.parsedValue as pkijs.InfoAccess | undefined;
      for (const ad of aia?.accessDescriptions ?? []) {
        if (ad.accessMethod === OID_AD_OCSP) pushHttp(sources.ocspUrls, ad.accessLocation);
      }
    }
  }
  return sources;
}

function distributionPointUrls(ext: pkijs.Extension): string[] {
  const urls: string[] = [];
  let dps: pkijs.DistributionPoint[] = [];
  try {
    const parsed =
      (ext.parsedValue as pkijs.CRLDistributionPoints | undefined) ??
      new pkijs.CRLDistributionPoints({
        schema: asn1js.fromBER(ext.extnValue.valueBlock.valueHexView).result,
      });
    dps = parsed.distributionPoints;
  } catch (e) {
    throw new SelloError('cert.malformed', 'the CRL distribution points extension cannot be parsed', {
      cause: e,
    });
  }
  for (const dp of dps) {
    // A point with cRLIssuer names an indirect CRL, which we do not support: skip rather than
    // accept a CRL signed by someone other than the issuer.
    if (dp.cRLIssuer) continue;
    const name = dp.distributionPoint;
    if (Array.isArray(name)) for (const gn of name) pushHttp(urls, gn);
  }
  return urls;
}

function pushHttp(into: string[], gn: pkijs.GeneralName): void {
  if (gn.type !== GENERAL_NAME_URI || typeof gn.value !== 'string') return;
  if (/^https?:\/\//i.test(gn.value) && !into.includes(gn.value)) into.push(gn.value);
}

/** The DER of a Name, for comparing issuer and subject names exactly (RFC 5280 §7.1 binary match). */
export function nameDer(name: pkijs.RelativeDistinguishedNames): Uint8Array {
  return new Uint8Array(name.toSchema().toBER(false));
}
