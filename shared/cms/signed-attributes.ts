/**
 * SignedAttributes (RFC 5652 §5.3, §11) as Sello writes them, and the few it reads back. Written as a
 * DER SET OF, sorted, because the signature is computed over exactly that encoding (§5.4).
 */
import * as asn1js from 'asn1js';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { contentBytes, oid, sequence, setItems } from '../keys/der';
import { OID } from './algorithms';
import {
  derAlgorithm,
  derOctetString,
  derOid,
  derSequence,
  derSetOf,
  derUtcOrGeneralizedTime,
  retag,
  tlv,
} from './der-writer';
import { preferenceFrom, type EncryptionKeyPreference } from './encryption-key-preference';
import { certificateId, issuerAndSerialNumber } from './recipient-id';

const malformed = (): SelloError =>
  new SelloError('cms.malformed', 'The signed attributes are not well-formed.');

/** Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue } */
export const attribute = (type: string, ...values: Uint8Array[]): Uint8Array =>
  derSequence(derOid(type), derSetOf(values));

/** RFC 8551 §2.5.2: what we can decrypt, strongest first; receivers pick the first they support. */
export function smimeCapabilities(): Uint8Array {
  return derSequence(
    derAlgorithm(OID.aes256Gcm),
    derAlgorithm(OID.aes128Gcm),
    derAlgorithm(OID.aes256Cbc),
    derAlgorithm(OID.aes128Cbc),
    derAlgorithm(OID.rsaesOaep),
  );
}

/**
 * A signer's SMIMECapabilities (RFC 8551 §2.5.2) as capability OIDs, in the signer's order of
 * preference: SMIMECapabilities ::= SEQUENCE OF SMIMECapability { capabilityID OID, parameters ANY
 * OPTIONAL }. Parameters (e.g. RC2 key sizes) are not needed to choose among AES ciphers and are
 * ignored. At most MAX_CAPABILITIES are kept: the list is stored per correspondent.
 */
export const MAX_CAPABILITIES = 64;

export function capabilitiesFrom(node: asn1js.AsnType): string[] {
  const ids = sequence(node, malformed).map((capability) =>
    oid(sequence(capability, malformed, 1, 2)[0], malformed),
  );
  return [...new Set(ids)].slice(0, MAX_CAPABILITIES);
}

/** RFC 8551 §2.5.3: SMIMEEncryptionKeyPreference ::= CHOICE { issuerAndSerialNumber [0] IMPLICIT ... } */
export function encryptionKeyPreference(certificate: Uint8Array): Uint8Array {
  return retag(issuerAndSerialNumber(certificateId(certificate)), 0xa0);
}

/**
 * RFC 5035 §5.4: SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }, with
 * ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT id-sha256 (so omitted), certHash, issuerSerial }.
 * IssuerSerial names the issuer as GeneralNames: [4] directoryName.
 */
export async function signingCertificateV2(certificate: Uint8Array, env: CoreEnv): Promise<Uint8Array> {
  const hash = new Uint8Array(
    await env.crypto.subtle.digest('SHA-256', certificate as Uint8Array<ArrayBuffer>),
  );
  const id = certificateId(certificate);
  // Name is a CHOICE, so [4] directoryName is an EXPLICIT tag.
  const issuerSerial = derSequence(derSequence(tlv(0xa4, id.issuer)), id.serial);
  return derSequence(derSequence(derSequence(derOctetString(hash), issuerSerial)));
}

export interface SignedAttributesInput {
  contentType: string;
  digest: Uint8Array;
  signingTime: Date;
  capabilities: boolean;
  encryptionCertificate?: Uint8Array;
  signingCertificate: Uint8Array;
}

/** The DER SET OF Attribute that is signed (tag 0x31); SignerInfo carries it retagged [0]. */
export async function buildSignedAttributes(input: SignedAttributesInput, env: CoreEnv): Promise<Uint8Array> {
  const attrs = [
    attribute(OID.contentType, derOid(input.contentType)),
    attribute(OID.signingTime, derUtcOrGeneralizedTime(input.signingTime)),
    attribute(OID.messageDigest, derOctetString(input.digest)),
    attribute(OID.signingCertificateV2, await signingCertificateV2(input.signingCertificate, env)),
  ];
  if (input.capabilities) attrs.push(attribute(OID.smimeCapabilities, smimeCapabilities()));
  if (input.encryptionCertificate) {
    attrs.push(attribute(OID.encryptionKeyPreference, encryptionKeyPreference(input.encryptionCertificate)));
  }
  return derSetOf(attrs);
}

export interface ReadAttributes {
  contentType: string | null;
  messageDigest: Uint8Array | null;
  signingTime: Date | null;
  /** RFC 8551 §2.5.3: the certificate the signer wants mail encrypted to; null when absent or unreadable. */
  encryptionKeyPreference: EncryptionKeyPreference | null;
  /** RFC 8551 §2.5.2: the signer's capability OIDs, preferred first; null when absent or unreadable. */
  capabilities: string[] | null;
}

/**
 * The attributes verification needs, and the signer's encryption key preference and capabilities. RFC 5652 §11.1-11.3:
 * contentType, messageDigest and signingTime are single-valued and appear at most once; anything
 * else is malformed.
 */
export function readSignedAttributes(items: asn1js.AsnType[]): ReadAttributes {
  const out: ReadAttributes = {
    contentType: null,
    messageDigest: null,
    signingTime: null,
    encryptionKeyPreference: null,
    capabilities: null,
  };
  const seen = new Set<string>();
  for (const item of items) {
    const [typeNode, valuesNode] = sequence(item, malformed, 2, 2);
    const type = oid(typeNode, malformed);
    const values = setItems(valuesNode, malformed);
    if (type === OID.encryptionKeyPreference) {
      // Only a hint for the address book: one Sello cannot read (or a repeated or multi-valued one,
      // which RFC 8551 does not allow) is dropped, and the signature is judged as if it were absent.
      const v = values[0];
      out.encryptionKeyPreference = null;
      if (!seen.has(type) && values.length === 1 && v) {
        try {
          out.encryptionKeyPreference = preferenceFrom(v);
        } catch {
          // unreadable: no preference (see above)
        }
      }
      seen.add(type);
      continue;
    }
    if (type === OID.smimeCapabilities) {
      // A hint for choosing the cipher, treated like the key preference above: unreadable, repeated
      // or multi-valued means no capabilities are known, and the signature is judged without them.
      const v = values[0];
      out.capabilities = null;
      if (!seen.has(type) && values.length === 1 && v) {
        try {
          out.capabilities = capabilitiesFrom(v);
        } catch {
          // unreadable: capabilities unknown (see above)
        }
      }
      seen.add(type);
      continue;
    }
    const single = type === OID.contentType || type === OID.messageDigest || type === OID.signingTime;
    if (!single) continue;
    if (seen.has(type) || values.length !== 1) throw malformed();
    seen.add(type);
    const v = values[0];
    if (type === OID.contentType) out.contentType = oid(v, malformed);
    else if (type === OID.messageDigest) {
      if (!(v instanceof asn1js.OctetString)) throw malformed();
      out.messageDigest = contentBytes(v, malformed);
    } else if (v instanceof asn1js.UTCTime || v instanceof asn1js.GeneralizedTime) {
      const d = v.toDate();
      out.signingTime = Number.isNaN(d.getTime()) ? null : d;
    } else throw malformed();
  }
  return out;
}
