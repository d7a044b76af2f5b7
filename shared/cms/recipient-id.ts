/**
 * How CMS names a certificate: IssuerAndSerialNumber or SubjectKeyIdentifier (RFC 5652 §5.3 sid,
 * §6.2.1 rid, §6.2.2 rKeyId). Issuer and serial are copied byte for byte from the certificate and
 * compared byte for byte, so a re-encoding can neither break nor fake a match.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes } from '../bytes';
import { SelloError } from '../errors';
import { readCertificateFields } from '../keys/certificate-fields';
import { contentBytes, encodingOf, isContext, parseDer, sequence } from '../keys/der';
import { derImplicitPrimitive, derSequence } from './der-writer';

export interface CertificateId {
  /** Issuer Name, exact DER. */
  issuer: Uint8Array;
  /** serialNumber INTEGER, exact DER (tag and length included). */
  serial: Uint8Array;
  subjectKeyId?: Uint8Array;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
}

const badCertificate = (): SelloError =>
  new SelloError('cert.malformed', 'The certificate is not well-formed.');

export function certificateId(certificate: Uint8Array): CertificateId {
  const fields = readCertificateFields(certificate);
  const tbs = sequence(sequence(parseDer(certificate, badCertificate), badCertificate)[0], badCertificate);
  const serial = tbs[isContext(tbs[0], 0) ? 1 : 0];
  if (!(serial instanceof asn1js.Integer)) throw badCertificate();
  return {
    issuer: fields.issuer,
    serial: encodingOf(serial),
    subjectKeyId: fields.subjectKeyId,
    spki: fields.spki,
  };
}

/** IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber CertificateSerialNumber } */
export function issuerAndSerialNumber(id: CertificateId): Uint8Array {
  return derSequence(id.issuer, id.serial);
}

/** SubjectKeyIdentifier as [0] IMPLICIT (sid, KTRI rid); throws when the certificate carries none. */
export function subjectKeyIdentifierChoice(id: CertificateId, who: string): Uint8Array {
  if (!id.subjectKeyId) {
    throw new SelloError(
      'cms.no-subject-key-identifier',
      `The certificate of ${who} has no subjectKeyIdentifier extension, so it cannot be named by one.`,
    );
  }
  return derImplicitPrimitive(0, id.subjectKeyId);
}

/**
 * Whether a sid/rid names the certificate: an IssuerAndSerialNumber SEQUENCE, or a [0] SKI (primitive
 * OCTET STRING contents in KTRI/sid, or the RecipientKeyIdentifier SEQUENCE in KARI when `kari`).
 */
export function namesCertificate(node: asn1js.AsnType | undefined, id: CertificateId, kari = false): boolean {
  if (node instanceof asn1js.Sequence) {
    const items = node.valueBlock.value;
    if (items.length !== 2 || !items[0] || !items[1]) return false;
    return equalBytes(encodingOf(items[0]), id.issuer) && equalBytes(encodingOf(items[1]), id.serial);
  }
  if (isContext(node, 0) && id.subjectKeyId) {
    const fail = (): SelloError =>
      new SelloError('cms.malformed', 'A recipient identifier is not well-formed.');
    if (kari) {
      // RecipientKeyIdentifier ::= SEQUENCE { subjectKeyIdentifier, date OPTIONAL, other OPTIONAL }
      const first = (node as asn1js.Constructed).valueBlock.value?.[0];
      return first instanceof asn1js.OctetString && equalBytes(contentBytes(first, fail), id.subjectKeyId);
    }
    return equalBytes(contentBytes(node, fail), id.subjectKeyId);
  }
  return false;
}

/** A human label for errors: the first email in the subject or SAN, else the subject CN. */
export function certificateLabel(certificate: Uint8Array, fallback: string): string {
  try {
    const cert = pkijs.Certificate.fromBER(certificate as Uint8Array<ArrayBuffer>);
    const san = cert.extensions?.find((e) => e.extnID === '2.5.29.17')?.parsedValue as
      pkijs.AltName | undefined;
    const rfc822 = (san as unknown as { altNames?: pkijs.GeneralName[] })?.altNames?.find(
      (n) => n.type === 1,
    );
    if (rfc822 && typeof rfc822.value === 'string') return rfc822.value;
    const cn = cert.subject.typesAndValues.find(
      (t) => t.type === '2.5.4.3' || t.type === '1.2.840.113549.1.9.1',
    );
    const v = cn?.value.valueBlock.value;
    return typeof v === 'string' && v ? v : fallback;
  } catch {
    return fallback; // a label only: the caller's own error says what went wrong
  }
}
