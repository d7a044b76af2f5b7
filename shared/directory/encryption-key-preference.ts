/**
 * SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3): in a signed message, which certificate the sender
 * wants mail encrypted to (often a separate encryption certificate carried next to the signing one).
 *   SMIMEEncryptionKeyPreference ::= CHOICE {
 *     issuerAndSerialNumber   [0] IssuerAndSerialNumber,
 *     receipentKeyId          [1] RecipientKeyIdentifier,
 *     subjectAltKeyIdentifier [2] SubjectKeyIdentifier }
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../bytes';
import { SelloError } from '../errors';

export type EncryptionKeyPreference =
  { issuerDer: string; serialNumber: string } | { subjectKeyIdentifier: string };

export function parseEncryptionKeyPreference(der: Uint8Array): EncryptionKeyPreference {
  const { result, offset } = asn1js.fromBER(toArrayBuffer(der));
  const tag = result.idBlock.tagNumber;
  if (offset === -1 || result.idBlock.tagClass !== 3)
    throw new SelloError('smime.malformed-key-preference', 'SMIMEEncryptionKeyPreference cannot be parsed');
  const inner = result instanceof asn1js.Constructed ? result.valueBlock.value : [];
  if (tag === 0 && inner.length >= 2 && inner[1] instanceof asn1js.Integer) {
    return {
      issuerDer: toHex(new Uint8Array(inner[0]!.toBER(false))),
      serialNumber: toHex(inner[1].valueBlock.valueHexView),
    };
  }
  // [1] RecipientKeyIdentifier starts with the SubjectKeyIdentifier; [2] is one (primitive, implicit).
  if (tag === 1 && inner[0] instanceof asn1js.OctetString)
    return { subjectKeyIdentifier: toHex(inner[0].valueBlock.valueHexView) };
  if (tag === 2) return { subjectKeyIdentifier: toHex((result as asn1js.Primitive).valueBlock.valueHexView) };
  throw new SelloError('smime.malformed-key-preference', 'SMIMEEncryptionKeyPreference has an unknown form');
}

export function preferenceMatches(
  preference: EncryptionKeyPreference,
  certificateDer: Uint8Array,
  subjectKeyIdentifier: string | null,
): boolean {
  if ('subjectKeyIdentifier' in preference) return subjectKeyIdentifier === preference.subjectKeyIdentifier;
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(certificateDer));
  return (
    toHex(new Uint8Array(cert.issuer.toSchema().toBER(false))) === preference.issuerDer &&
    toHex(cert.serialNumber.valueBlock.valueHexView) === preference.serialNumber
  );
}
