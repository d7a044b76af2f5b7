/**
 * What the verdict and `sello inspect` show about a certificate: names, serial, validity and the email
 * addresses that bind it to a From header (RFC 8550 §3: rfc822Name SANs, and the legacy emailAddress
 * attribute of the subject, which many CAs still use).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../bytes';
import { SelloError } from '../errors';

export interface CertificateSummary {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Lower-cased, each once. */
  emails: string[];
  publicKey: string;
  isCa: boolean;
}

const OID_EMAIL = '1.2.840.113549.1.9.1';
const OID_SAN = '2.5.29.17';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

const SHORT: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  [OID_EMAIL]: 'emailAddress',
};

const CURVES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw new SelloError('cert.malformed', 'The certificate is not well-formed.', { cause: e });
  }
}

function attributeText(value: unknown): string {
  const v = value as { valueBlock?: { value?: unknown } };
  return typeof v.valueBlock?.value === 'string' ? v.valueBlock.value : '?';
}

export function distinguishedName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues.map((t) => `${SHORT[t.type] ?? t.type}=${attributeText(t.value)}`).join(', ');
}

export function certificateEmails(cert: pkijs.Certificate): string[] {
  const found = new Set<string>();
  for (const t of cert.subject.typesAndValues) {
    if (t.type === OID_EMAIL) found.add(attributeText(t.value).toLowerCase());
  }
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID !== OID_SAN) continue;
    const names = ext.parsedValue as pkijs.AltName | undefined;
    for (const n of names?.altNames ?? []) {
      if (n.type === 1 && typeof n.value === 'string') found.add(n.value.toLowerCase());
    }
  }
  found.delete('?');
  return [...found];
}

function describeKey(cert: pkijs.Certificate): string {
  const spki = cert.subjectPublicKeyInfo;
  const oid = spki.algorithm.algorithmId;
  if (oid === '1.2.840.10045.2.1') {
    const params = spki.algorithm.algorithmParams as asn1js.ObjectIdentifier | undefined;
    const curve = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : '';
    return `EC ${CURVES[curve] ?? curve}`;
  }
  if (oid === '1.2.840.113549.1.1.1' || oid === '1.2.840.113549.1.1.10') {
    const key = spki.parsedKey as pkijs.RSAPublicKey | undefined;
    const modulus = key?.modulus.valueBlock.valueHexView;
    if (modulus) {
      const bytes = modulus[0] === 0 ? modulus.length - 1 : modulus.length;
      return `RSA ${bytes * 8}`;
    }
    return 'RSA';
  }
  return oid;
}

export function summarizeCertificate(der: Uint8Array): CertificateSummary {
  const cert = parseCertificate(der);
  const bc = cert.extensions?.find((e) => e.extnID === OID_BASIC_CONSTRAINTS)?.parsedValue as
    pkijs.BasicConstraints | undefined;
  return {
    subject: distinguishedName(cert.subject),
    issuer: distinguishedName(cert.issuer),
    serialNumber: toHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView)),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    emails: certificateEmails(cert),
    publicKey: describeKey(cert),
    isCa: bc?.cA === true,
  };
}
