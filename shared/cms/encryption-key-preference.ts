/**
 * SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3), a signed attribute: which certificate the sender
 * wants mail encrypted to (often a separate encryption certificate carried next to the signing one).
 *   SMIMEEncryptionKeyPreference ::= CHOICE {
 *     issuerAndSerialNumber   [0] IssuerAndSerialNumber,
 *     receipentKeyId          [1] RecipientKeyIdentifier,
 *     subjectAltKeyIdentifier [2] SubjectKeyIdentifier }
 * Read into hex strings so the result is plain data (it travels in the Verdict and its JSON).
 */
import * as asn1js from 'asn1js';
import { toArrayBuffer, toHex } from '../bytes';
import { SelloError } from '../errors';

export type EncryptionKeyPreference =
  | {
      /** Hex DER of the issuer Name, as it appears in the certificate. */
      issuerDer: string;
      /** Hex of the serial number's content octets. */
      serialNumber: string;
    }
  | { subjectKeyIdentifier: string };

const malformed = (why: string): SelloError =>
  new SelloError('smime.malformed-key-preference', `SMIMEEncryptionKeyPreference ${why}`);

export function parseEncryptionKeyPreference(der: Uint8Array): EncryptionKeyPreference {
  const { result, offset } = asn1js.fromBER(toArrayBuffer(der));
  if (offset === -1 || offset !== der.length || result.idBlock.tagClass !== 3)
    throw malformed('cannot be parsed');
  return preferenceFrom(result);
}

/** The same, from an attribute value already decoded by asn1js (signed attributes). */
export function preferenceFrom(node: asn1js.AsnType): EncryptionKeyPreference {
  const tag = node.idBlock.tagNumber;
  if (node.idBlock.tagClass !== 3) throw malformed('is not a context-tagged choice');
  const inner = node instanceof asn1js.Constructed ? node.valueBlock.value : [];
  if (
    tag === 0 &&
    inner.length === 2 &&
    inner[0] instanceof asn1js.Sequence &&
    inner[1] instanceof asn1js.Integer
  ) {
    return {
      issuerDer: toHex(new Uint8Array(inner[0].toBER(false))),
      serialNumber: toHex(inner[1].valueBlock.valueHexView),
    };
  }
  // [1] RecipientKeyIdentifier starts with the SubjectKeyIdentifier; [2] is one (implicit, primitive).
  if (tag === 1 && inner[0] instanceof asn1js.OctetString)
    return { subjectKeyIdentifier: toHex(inner[0].valueBlock.valueHexView) };
  if (tag === 2 && !node.idBlock.isConstructed) {
    const keyId = (node as asn1js.Primitive).valueBlock.valueHexView;
    if (keyId.length > 0) return { subjectKeyIdentifier: toHex(keyId) };
  }
  throw malformed('has an unknown form');
}
