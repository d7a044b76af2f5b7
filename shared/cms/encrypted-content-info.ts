/**
 * EncryptedContentInfo (RFC 5652 §6.1), shared by EnvelopedData and AuthEnvelopedData:
 *   SEQUENCE { contentType, contentEncryptionAlgorithm, encryptedContent [0] IMPLICIT OCTET STRING OPTIONAL }
 */
import type * as asn1js from 'asn1js';
import { algorithmIdentifier, contentBytes, isContext, oid, sequence } from '../keys/der';
import { OID } from './algorithms';
import { malformed } from './content-info';
import { derImplicitPrimitive, derOid, derSequence } from './der-writer';

export interface ParsedEnvelope {
  structure: 'EnvelopedData' | 'AuthEnvelopedData';
  recipientInfos: asn1js.AsnType[];
  contentType: string;
  cipherOid: string;
  params: asn1js.AsnType | undefined;
  ciphertext: Uint8Array;
  mac?: Uint8Array;
  aad?: Uint8Array;
}

export function encodeEncryptedContentInfo(algorithm: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  return derSequence(derOid(OID.data), algorithm, derImplicitPrimitive(0, ciphertext));
}

export function parseEncryptedContentInfo(
  node: asn1js.AsnType | undefined,
): Pick<ParsedEnvelope, 'contentType' | 'cipherOid' | 'params' | 'ciphertext'> {
  const items = sequence(node, malformed, 2, 3);
  const alg = algorithmIdentifier(items[1], malformed);
  // Detached encrypted content (absent [0]) is not something S/MIME produces.
  if (!isContext(items[2], 0)) throw malformed('The encrypted content is missing.');
  return {
    contentType: oid(items[0], malformed),
    cipherOid: alg.oid,
    params: alg.params,
    ciphertext: contentBytes(items[2], malformed),
  };
}
