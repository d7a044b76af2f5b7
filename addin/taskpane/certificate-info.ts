/**
 * What the pane shows and looks up about a certificate: a fingerprint, a name, its e-mail addresses
 * (rfc822Name SANs and the emailAddress attribute) and whether it is a CA. Display and address-book
 * lookup only; trust decisions are shared/pki's.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';

export interface CertificateInfo {
  fingerprint: string;
  commonName: string;
  emails: string[];
  isCA: boolean;
}

const OID_CN = '2.5.4.3';
const OID_EMAIL = '1.2.840.113549.1.9.1';
const OID_SAN = '2.5.29.17';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

export async function certificateInfo(der: Uint8Array, crypto: Crypto): Promise<CertificateInfo> {
  let cert: pkijs.Certificate;
  try {
    cert = pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw new SelloError('cert.malformed', 'The certificate is not well-formed.', { cause: e });
  }
  const emails = new Set<string>();
  let commonName = '';
  for (const tv of cert.subject.typesAndValues) {
    const value = String((tv.value as asn1js.Utf8String).valueBlock.value ?? '');
    if (tv.type === OID_CN && !commonName) commonName = value;
    if (tv.type === OID_EMAIL) emails.add(value.toLowerCase());
  }
  let isCA = false;
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID === OID_SAN && ext.parsedValue instanceof pkijs.AltName) {
      // GeneralName type 1 is rfc822Name.
      for (const n of ext.parsedValue.altNames) if (n.type === 1) emails.add(String(n.value).toLowerCase());
    }
    if (ext.extnID === OID_BASIC_CONSTRAINTS && ext.parsedValue instanceof pkijs.BasicConstraints) {
      isCA = Boolean(ext.parsedValue.cA);
    }
  }
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(der)));
  return {
    fingerprint: toHex(digest),
    commonName: commonName || [...emails][0] || '?',
    emails: [...emails],
    isCA,
  };
}
