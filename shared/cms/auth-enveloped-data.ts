/**
 * AuthEnvelopedData (RFC 5083) with AES-GCM (RFC 5084), in our own ASN.1: PKI.js's AES-GCM output is
 * an EnvelopedData that OpenSSL rejects.
 *
 *   AuthEnvelopedData ::= SEQUENCE { version CMSVersion (0), originatorInfo [0] IMPLICIT OPTIONAL,
 *     recipientInfos, authEncryptedContentInfo EncryptedContentInfo,
 *     authAttrs [1] IMPLICIT AuthAttributes OPTIONAL, mac MessageAuthenticationCode,
 *     unauthAttrs [2] IMPLICIT UnauthAttributes OPTIONAL }
 */
import type * as asn1js from 'asn1js';
import { encodingOf, isContext, octets, sequence, setItems } from '../keys/der';
import { OID } from './algorithms';
import { encodeContentInfo, malformed } from './content-info';
import { derInteger, derOctetString, derSequence, derSetOf, retag } from './der-writer';
import { parseEncryptedContentInfo, type ParsedEnvelope } from './encrypted-content-info';

export function encodeAuthEnvelopedData(
  recipientInfos: Uint8Array[],
  encryptedContentInfo: Uint8Array,
  mac: Uint8Array,
): Uint8Array {
  const aed = derSequence(derInteger(0), derSetOf(recipientInfos), encryptedContentInfo, derOctetString(mac));
  return encodeContentInfo(OID.authEnvelopedData, aed);
}

export function parseAuthEnvelopedData(content: asn1js.AsnType): ParsedEnvelope {
  const items = sequence(content, malformed, 4, 7);
  let i = 1;
  if (isContext(items[i], 0)) i++; // originatorInfo: certificates for KARI originators we do not need
  const recipientInfos = setItems(items[i++], malformed);
  const eci = parseEncryptedContentInfo(items[i++]);
  let aad: Uint8Array | undefined;
  if (isContext(items[i], 1)) {
    // RFC 5083 §2.2: the authenticated attributes are MACed as the DER of their SET OF tag.
    aad = retag(encodingOf(items[i++]!), 0x31);
  }
  const mac = octets(items[i++], malformed);
  if (isContext(items[i], 2)) i++;
  if (i !== items.length) throw malformed();
  return { structure: 'AuthEnvelopedData', recipientInfos, ...eci, mac, ...(aad ? { aad } : {}) };
}
