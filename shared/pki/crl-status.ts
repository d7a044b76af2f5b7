/**
 * Revocation from CRLs the caller already has (a message's CRLs, a test corpus, an offline bundle),
 * with no network: RFC 5280 §6.3 for direct CRLs. A CRL counts when its issuer name is the
 * certificate's issuer, it is signed by the issuer's key (which may sign CRLs), it is current at the
 * validation time, it has no unknown critical extension, and its issuingDistributionPoint scope
 * covers the certificate. Delta CRLs are applied on top of a base when enabled. Indirect CRLs and
 * CRLs signed by a separate key are not supported (docs/pkits.md): such certificates come out 'unknown'.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { EXT, basicConstraints, extension, keyUsage, parseCertificate } from './certificate';
import { verifyWithIssuerKey, weakSignatureAlgorithm } from './certificate-signature';
import { namesMatch } from './names';
import type { RevocationAnswer, RevocationHook } from './validate-path';

const OID_CRL_NUMBER = '2.5.29.20';
const OID_DELTA_CRL_INDICATOR = '2.5.29.27';
const OID_ISSUING_DP = '2.5.29.28';
const OID_REASON_CODE = '2.5.29.21';
const OID_INVALIDITY_DATE = '2.5.29.24';
const OID_CERTIFICATE_ISSUER = '2.5.29.29';
const KNOWN_CRL_EXTENSIONS = new Set([
  OID_CRL_NUMBER,
  OID_DELTA_CRL_INDICATOR,
  OID_ISSUING_DP,
  EXT.authorityKeyIdentifier,
  EXT.issuerAltName,
  EXT.freshestCrl,
]);
const KNOWN_ENTRY_EXTENSIONS = new Set([OID_REASON_CODE, OID_INVALIDITY_DATE]);
const REMOVE_FROM_CRL = 8;

export interface CrlStatusOptions {
  crls: Uint8Array[];
  /** Apply delta CRLs (RFC 5280 §5.2.4) over their base. Default false. */
  useDeltas?: boolean;
  /** Accept MD5/SHA-1 signed CRLs. Default false. */
  allowWeakSignatures?: boolean;
}

function parseCrl(der: Uint8Array): pkijs.CertificateRevocationList {
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(der));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    return new pkijs.CertificateRevocationList({ schema: asn1.result });
  } catch (e) {
    throw new SelloError('revocation.malformed-crl', 'A CRL is not well-formed.', { cause: e });
  }
}

function crlExtension(crl: pkijs.CertificateRevocationList, oid: string): pkijs.Extension | undefined {
  return crl.crlExtensions?.extensions.find((e) => e.extnID === oid);
}

function intOf(ext: pkijs.Extension | undefined): bigint | undefined {
  const v = ext?.parsedValue as asn1js.Integer | undefined;
  return v instanceof asn1js.Integer
    ? BigInt(`0x${toHex(new Uint8Array(v.valueBlock.valueHexView)) || '0'}`)
    : undefined;
}

function dpNames(names: pkijs.GeneralName[] | undefined): string[] {
  return (names ?? []).map((g) =>
    typeof g.value === 'string'
      ? `${g.type}:${g.value}`
      : `${g.type}:${toHex(new Uint8Array(g.value?.toSchema?.().toBER(false) ?? new ArrayBuffer(0)))}`,
  );
}

/** Does the CRL's issuingDistributionPoint scope cover the certificate? */
function scopeCovers(crl: pkijs.CertificateRevocationList, cert: pkijs.Certificate): boolean {
  const ext = crlExtension(crl, OID_ISSUING_DP);
  if (!ext) return true;
  const idp = ext.parsedValue as pkijs.IssuingDistributionPoint | undefined;
  if (!(idp instanceof pkijs.IssuingDistributionPoint)) return false;
  if (idp.indirectCRL) return false;
  if (idp.onlySomeReasons !== undefined) return false; // would need several CRLs to cover all reasons
  const ca = basicConstraints(cert)?.cA === true;
  if (idp.onlyContainsUserCerts && ca) return false;
  if (idp.onlyContainsCACerts && !ca) return false;
  if (idp.onlyContainsAttributeCerts) return false;
  if (idp.distributionPoint !== undefined) {
    if (!Array.isArray(idp.distributionPoint)) return false; // nameRelativeToCRLIssuer: not supported
    const idpNames = dpNames(idp.distributionPoint);
    const cdp = extension(cert, EXT.crlDistributionPoints)?.parsedValue as
      pkijs.CRLDistributionPoints | undefined;
    const certNames = (cdp?.distributionPoints ?? []).flatMap((dp) =>
      Array.isArray(dp.distributionPoint) ? dpNames(dp.distributionPoint) : [],
    );
    if (!certNames.some((n) => idpNames.includes(n))) return false;
  }
  return true;
}

export function createCrlStatusChecker(options: CrlStatusOptions): RevocationHook {
  const crls = options.crls.map((der) => ({ der, crl: parseCrl(der) }));
  return async (certDer, issuerDer, env): Promise<RevocationAnswer> => {
    const cert = parseCertificate(certDer);
    const issuer = parseCertificate(issuerDer, 'issuer certificate');
    const now = env.now().getTime();
    const rejected: string[] = [];
    const usable: pkijs.CertificateRevocationList[] = [];
    for (const { crl } of crls) {
      if (!namesMatch(crl.issuer, cert.issuer)) continue;
      const why = await unusable(crl, cert, issuer, now, options, env);
      if (why) rejected.push(why);
      else usable.push(crl);
    }
    const bases = usable.filter((c) => !crlExtension(c, OID_DELTA_CRL_INDICATOR));
    const base = bases.sort((a, b) => b.thisUpdate.value.getTime() - a.thisUpdate.value.getTime())[0];
    if (!base) {
      const message =
        rejected.length > 0 ? `no usable CRL: ${rejected.join('; ')}` : 'no CRL from its issuer is available';
      return { status: 'unknown', issues: [{ code: 'revocation.no-crl', message, severity: 'error' }] };
    }
    const serial = toHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView));
    const entry = findEntry(base, serial);
    let revoked = entry !== undefined && reasonOf(entry) !== REMOVE_FROM_CRL;
    let revokedEntry = entry;
    if (options.useDeltas) {
      const baseNumber = intOf(crlExtension(base, OID_CRL_NUMBER));
      for (const delta of usable.filter((c) => crlExtension(c, OID_DELTA_CRL_INDICATOR))) {
        const deltaBase = intOf(crlExtension(delta, OID_DELTA_CRL_INDICATOR));
        if (baseNumber === undefined || deltaBase === undefined || deltaBase > baseNumber) continue;
        const d = findEntry(delta, serial);
        if (!d) continue;
        revoked = reasonOf(d) !== REMOVE_FROM_CRL;
        revokedEntry = d;
      }
    }
    if (revoked && revokedEntry)
      return {
        status: 'revoked',
        issues: [
          {
            code: 'revocation.revoked',
            message: `revoked on ${revokedEntry.revocationDate.value.toISOString()}`,
            severity: 'error',
          },
        ],
      };
    return { status: 'good', issues: [] };
  };
}

function findEntry(
  crl: pkijs.CertificateRevocationList,
  serialHex: string,
): pkijs.RevokedCertificate | undefined {
  return crl.revokedCertificates?.find(
    (r) => toHex(new Uint8Array(r.userCertificate.valueBlock.valueHexView)) === serialHex,
  );
}

function reasonOf(entry: pkijs.RevokedCertificate): number | undefined {
  const ext = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === OID_REASON_CODE);
  const v = ext?.parsedValue as asn1js.Enumerated | undefined;
  return v instanceof asn1js.Enumerated ? v.valueBlock.valueDec : undefined;
}

async function unusable(
  crl: pkijs.CertificateRevocationList,
  cert: pkijs.Certificate,
  issuer: pkijs.Certificate,
  now: number,
  options: CrlStatusOptions,
  env: CoreEnv,
): Promise<string | undefined> {
  if (!namesMatch(crl.issuer, issuer.subject)) return 'its issuer is not the certificate issuer';
  const ku = keyUsage(issuer);
  if (ku && !ku.has('cRLSign')) return 'the issuer may not sign CRLs';
  if (crl.thisUpdate.value.getTime() > now) return 'it is not yet valid';
  if (crl.nextUpdate && crl.nextUpdate.value.getTime() < now)
    return `it expired on ${crl.nextUpdate.value.toISOString()}`;
  for (const ext of crl.crlExtensions?.extensions ?? [])
    if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.extnID))
      return `it has an unknown critical extension ${ext.extnID}`;
  for (const entry of crl.revokedCertificates ?? [])
    for (const ext of entry.crlEntryExtensions?.extensions ?? [])
      if (ext.critical && !KNOWN_ENTRY_EXTENSIONS.has(ext.extnID))
        return `an entry has an unknown critical extension ${ext.extnID}`;
  if (
    crl.revokedCertificates?.some((r) =>
      r.crlEntryExtensions?.extensions.some((e) => e.extnID === OID_CERTIFICATE_ISSUER),
    )
  )
    return 'it is an indirect CRL (not supported)';
  if (!options.allowWeakSignatures && weakSignatureAlgorithm(crl.signatureAlgorithm))
    return 'it is signed with a weak algorithm';
  if (!scopeCovers(crl, cert)) return 'its scope does not cover the certificate';
  const outcome = await verifyWithIssuerKey(
    crl.tbsView.slice().buffer,
    crl.signatureValue,
    crl.signatureAlgorithm,
    issuer.subjectPublicKeyInfo,
    env,
  );
  if (outcome !== 'valid') return 'its signature does not verify with the issuer key';
  return undefined;
}
