/**
 * Revocation from CRLs the caller already has (a message's CRLs, a test corpus, an offline bundle),
 * with no network: RFC 5280 §6.3. A CRL counts when it is current at the validation time, has no
 * unknown critical extension, its issuingDistributionPoint scope covers the certificate (user/CA
 * only, distribution point names, onlySomeReasons partitions), and its signature verifies with the
 * issuer's key or with another key of that CA or of the indirect CRL issuer named in the
 * certificate's cRLIssuer, whose own path must validate to the same anchors with cRLSign. Delta CRLs
 * are applied over their base when enabled.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { EXT, basicConstraints, extensionValue, keyUsage, parseCertificate, subjectOf } from './certificate';
import {
  ALL_REASONS,
  crlDistributionPoints,
  directoryNamesIn,
  issuingDistributionPoint,
} from './distribution-points';
import { verifyWithIssuerKey, weakSignatureAlgorithm } from './certificate-signature';
import { nameRdns, namesMatch, rdnsMatch, type Rdn } from './names';
import { validatePath, type RevocationAnswer, type RevocationHook } from './validate-path';

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
const KNOWN_ENTRY_EXTENSIONS = new Set([OID_REASON_CODE, OID_INVALIDITY_DATE, OID_CERTIFICATE_ISSUER]);
const REMOVE_FROM_CRL = 8;

export interface CrlStatusOptions {
  crls: Uint8Array[];
  /** Apply delta CRLs (RFC 5280 §5.2.4) over their base. Default false. */
  useDeltas?: boolean;
  /** Accept MD5/SHA-1 signed CRLs. Default false. */
  allowWeakSignatures?: boolean;
  /** Certificates that may hold a CRL-signing key other than the issuer's (e.g. the message's). */
  certificates?: Uint8Array[];
  /** Anchors the path of such a CRL signer must validate to; without them only the issuer's key counts. */
  anchors?: Uint8Array[];
}

// A CRL signer's own revocation is checked by CRL too; its CRL signer's is not looked into further.
const MAX_SIGNER_DEPTH = 2;

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

/**
 * The reasons (bit mask) for which this CRL speaks about the certificate, or 0 when its
 * issuingDistributionPoint scope does not cover it (§6.3.3 (b)(2), (d)).
 */
function coveredReasons(crl: pkijs.CertificateRevocationList, cert: pkijs.Certificate): number {
  const ext = crlExtension(crl, OID_ISSUING_DP);
  const certPoints = crlDistributionPoints(cert);
  const direct = namesMatch(crl.issuer, cert.issuer);
  const crlIssuer = nameRdns(crl.issuer);
  // The distribution points this CRL may serve: those naming its issuer as cRLIssuer, or (direct CRLs)
  // those without one.
  const points = certPoints.filter((p) =>
    p.crlIssuers.length > 0 ? p.crlIssuers.some((dn) => rdnsMatch(dn, crlIssuer)) : direct,
  );
  const indirectPoint = points.some((p) => p.crlIssuers.length > 0);
  if (!direct && !indirectPoint) return 0;
  if (!ext) return direct && !indirectPoint ? ALL_REASONS : 0;
  const idp = issuingDistributionPoint(ext, crl.issuer);
  // §5.2.5: only a CRL that declares itself indirect may speak for another issuer's certificates.
  if ((!direct || indirectPoint) && !idp.indirectCRL) return 0;
  if (idp.onlyContainsAttributeCerts) return 0;
  const ca = basicConstraints(cert)?.cA === true;
  if (idp.onlyContainsUserCerts && ca) return 0;
  if (idp.onlyContainsCACerts && !ca) return 0;
  if (idp.names) {
    const certNames = (certPoints.length > 0 ? points : []).flatMap((p) => p.names ?? []);
    if (!certNames.some((n) => idp.names!.includes(n))) return 0;
  }
  return idp.onlySomeReasons ?? ALL_REASONS;
}

export function createCrlStatusChecker(options: CrlStatusOptions): RevocationHook {
  const crls = options.crls.map((der) => parseCrl(der));
  const check =
    (depth: number): RevocationHook =>
    async (certDer, issuerDer, env): Promise<RevocationAnswer> => {
      const cert = parseCertificate(certDer);
      const issuer = parseCertificate(issuerDer, 'issuer certificate');
      const now = env.now().getTime();
      const rejected: string[] = [];
      const usable: { crl: pkijs.CertificateRevocationList; reasons: number }[] = [];
      for (const crl of crls) {
        const reasons = coveredReasons(crl, cert);
        if (reasons === 0) {
          // Other CAs' CRLs in the same message are not worth mentioning.
          if (namesMatch(crl.issuer, cert.issuer)) rejected.push('its scope does not cover the certificate');
          continue;
        }
        const why = await unusable(crl, issuer, now, options, env, depth, check);
        if (why) rejected.push(why);
        else usable.push({ crl, reasons });
      }
      const certIssuer = nameRdns(cert.issuer);
      const serial = toHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView));
      const complete = usable
        .filter((u) => !crlExtension(u.crl, OID_DELTA_CRL_INDICATOR))
        .sort((a, b) => b.crl.thisUpdate.value.getTime() - a.crl.thisUpdate.value.getTime());
      // §6.3.3: consult CRLs until every reason is covered (onlySomeReasons partitions, PKITS 4.14.18).
      let covered = 0;
      let entry: pkijs.RevokedCertificate | undefined;
      let fullBase: pkijs.CertificateRevocationList | undefined;
      for (const { crl, reasons } of complete) {
        if ((reasons & ~covered) === 0) continue;
        covered |= reasons;
        if (reasons === ALL_REASONS) fullBase ??= crl;
        const found = findEntry(crl, serial, certIssuer);
        if (found && reasonOf(found) !== REMOVE_FROM_CRL) entry ??= found;
        if (covered === ALL_REASONS && entry) break;
      }
      if (options.useDeltas && fullBase) {
        // §5.2.4: a delta CRL applies to a base whose number is at least its BaseCRLNumber; an entry
        // with reason removeFromCRL takes a certificate off hold again.
        const baseNumber = intOf(crlExtension(fullBase, OID_CRL_NUMBER));
        for (const { crl: delta } of usable.filter((u) => crlExtension(u.crl, OID_DELTA_CRL_INDICATOR))) {
          const deltaBase = intOf(crlExtension(delta, OID_DELTA_CRL_INDICATOR));
          if (baseNumber === undefined || deltaBase === undefined || deltaBase > baseNumber) continue;
          const d = findEntry(delta, serial, certIssuer);
          if (d) entry = reasonOf(d) === REMOVE_FROM_CRL ? undefined : d;
        }
      }
      if (entry)
        return {
          status: 'revoked',
          issues: [
            {
              code: 'revocation.revoked',
              message: `revoked on ${entry.revocationDate.value.toISOString()}`,
              severity: 'error',
            },
          ],
        };
      if (covered !== ALL_REASONS) {
        const message =
          rejected.length > 0
            ? `no usable CRL: ${[...new Set(rejected)].join('; ')}`
            : covered === 0
              ? 'no CRL from its issuer is available'
              : 'the available CRLs do not cover every revocation reason';
        return { status: 'unknown', issues: [{ code: 'revocation.no-crl', message, severity: 'error' }] };
      }
      return { status: 'good', issues: [] };
    };
  return check(0);
}

/**
 * The entry for the certificate: same serial and, in an indirect CRL, the same certificate issuer
 * (§5.3.3: entries belong to the CRL issuer until a certificateIssuer extension says otherwise, and
 * that issuer carries over to the following entries).
 */
function findEntry(
  crl: pkijs.CertificateRevocationList,
  serialHex: string,
  certIssuer: Rdn[],
): pkijs.RevokedCertificate | undefined {
  let current = nameRdns(crl.issuer);
  for (const r of crl.revokedCertificates ?? []) {
    const ci = r.crlEntryExtensions?.extensions.find((e) => e.extnID === OID_CERTIFICATE_ISSUER);
    if (ci) current = directoryNamesIn(extensionValue(ci))[0] ?? [];
    if (
      toHex(new Uint8Array(r.userCertificate.valueBlock.valueHexView)) === serialHex &&
      rdnsMatch(current, certIssuer)
    )
      return r;
  }
  return undefined;
}

function reasonOf(entry: pkijs.RevokedCertificate): number | undefined {
  const ext = entry.crlEntryExtensions?.extensions.find((e) => e.extnID === OID_REASON_CODE);
  const v = ext?.parsedValue as asn1js.Enumerated | undefined;
  return v instanceof asn1js.Enumerated ? v.valueBlock.valueDec : undefined;
}

async function unusable(
  crl: pkijs.CertificateRevocationList,
  issuer: pkijs.Certificate,
  now: number,
  options: CrlStatusOptions,
  env: CoreEnv,
  depth: number,
  check: (depth: number) => RevocationHook,
): Promise<string | undefined> {
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
  if (!options.allowWeakSignatures && weakSignatureAlgorithm(crl.signatureAlgorithm))
    return 'it is signed with a weak algorithm';
  const verify = (key: pkijs.PublicKeyInfo): Promise<string> =>
    verifyWithIssuerKey(crl.tbsView.slice().buffer, crl.signatureValue, crl.signatureAlgorithm, key, env);
  let outcome = 'invalid';
  if (namesMatch(crl.issuer, issuer.subject)) {
    const ku = keyUsage(issuer);
    if (ku && !ku.has('cRLSign')) outcome = 'no-crl-sign';
    else outcome = await verify(issuer.subjectPublicKeyInfo);
    if (outcome === 'valid') return undefined;
  }
  // §6.3.3 (f): another key of the same CA may sign its CRLs (self-issued key rollover, a separate
  // CRL-signing certificate); its own path must validate to the anchors, with cRLSign.
  if (options.anchors?.length && depth < MAX_SIGNER_DEPTH) {
    for (const der of options.certificates ?? []) {
      const candidate = parseCertificate(der, 'CRL signer candidate');
      if (!namesMatch(candidate.subject, crl.issuer)) continue;
      if ((await verify(candidate.subjectPublicKeyInfo)) !== 'valid') continue;
      const path = await validatePath({
        certificate: der,
        intermediates: options.certificates ?? [],
        anchors: options.anchors,
        usage: 'crl',
        policy: { fetchIssuers: false, requireEmailProtection: false },
        checkRevocation: check(depth + 1),
        env,
      });
      if (path.trusted) return undefined;
      return `its signer ${subjectOf(candidate)} is not trusted (${path.issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.message)
        .join('; ')})`;
    }
  }
  if (outcome === 'no-crl-sign') return 'the issuer may not sign CRLs';
  return outcome === 'unsupported'
    ? `its signature algorithm (${crl.signatureAlgorithm.algorithmId}) cannot be checked`
    : 'its signature does not verify with the issuer key';
}
