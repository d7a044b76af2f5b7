/**
 * Encrypting to certificates and decrypting with an Identity: EnvelopedData (RFC 5652 §6) with AES-CBC,
 * AuthEnvelopedData (RFC 5083) with AES-GCM. Recipients get KTRI (RSA) or KARI (EC). Reading also
 * accepts the legacy ciphers, reported as weak.
 */
import type * as asn1js from 'asn1js';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { isContext, sequence, setItems, smallInt } from '../keys/der';
import type { Identity } from '../keys/identity';
import { CONTENT_CIPHERS, OID } from './algorithms';
import { encodeAuthEnvelopedData, parseAuthEnvelopedData } from './auth-enveloped-data';
import { contentCipherInfo, decryptContent, encryptContent, type WritableCipher } from './content-encryption';
import { malformed, parseContentInfo, readingCms } from './content-info';
import { derBytes, derInteger, derOid, derSetOf, tlvParts, type DerParts } from './der-writer';
import { parseEncryptedContentInfo, type ParsedEnvelope } from './encrypted-content-info';
import type { KeyTransport } from './key-transport';
import { buildRecipientInfos, recoverContentKey } from './recipient-infos';

export interface CreateEnvelopedDataOptions {
  content: Uint8Array;
  /** Recipient certificates, DER: RSA keys get key transport, EC keys key agreement. */
  recipients: Uint8Array[];
  cipher: WritableCipher;
  keyTransport: KeyTransport;
  recipientId: 'issuer-serial' | 'ski';
}

const CIPHERS = new Set(['aes-256-cbc', 'aes-128-cbc', 'aes-256-gcm', 'aes-128-gcm']);
const TRANSPORTS = new Set(['rsaes-pkcs1-v1_5', 'rsaes-oaep-sha1', 'rsaes-oaep-sha256']);

/** Returns a ContentInfo DER: EnvelopedData for CBC, AuthEnvelopedData for GCM. */
export async function createEnvelopedData(
  opts: CreateEnvelopedDataOptions,
  env: CoreEnv,
): Promise<Uint8Array> {
  return derBytes(await createEnvelopedDataParts(opts, env));
}

/**
 * `createEnvelopedData` as pieces whose concatenation is the DER: a caller that base64-encodes or
 * writes the result takes the ciphertext where it is instead of from a second message-sized copy.
 */
export async function createEnvelopedDataParts(
  opts: CreateEnvelopedDataOptions,
  env: CoreEnv,
): Promise<DerParts> {
  if (!CIPHERS.has(opts.cipher)) {
    throw new SelloError(
      'cms.unsupported-algorithm',
      `The content cipher ${String(opts.cipher)} is not offered.`,
    );
  }
  if (!TRANSPORTS.has(opts.keyTransport)) {
    throw new SelloError(
      'cms.unsupported-algorithm',
      `The key transport ${String(opts.keyTransport)} is not offered.`,
    );
  }
  const sealed = await encryptContent(opts.cipher, opts.content, env);
  const { infos, allVersion0 } = await buildRecipientInfos(opts.recipients, sealed.cek, opts, env);
  // encodeEncryptedContentInfo and encodeContentInfo, kept in pieces so that the ciphertext (the whole
  // message) is copied once into the output rather than once per nesting level.
  const eci = tlvParts(0x30, derOid(OID.data), sealed.algorithm, tlvParts(0x80, ...sealed.ciphertext));
  if (sealed.mac) {
    const aed = encodeAuthEnvelopedData(infos, derBytes(eci), sealed.mac);
    return { pieces: [aed], length: aed.length };
  }
  // RFC 5652 §6.1: version 0 only when every RecipientInfo is version 0 (KTRI by issuer and serial).
  const ed = tlvParts(0x30, derInteger(allVersion0 ? 0 : 2), derSetOf(infos), eci);
  return tlvParts(0x30, derOid(OID.envelopedData), tlvParts(0xa0, ed));
}

/** EnvelopedData ::= SEQUENCE { version, originatorInfo [0] OPTIONAL, recipientInfos, encryptedContentInfo, unprotectedAttrs [1] OPTIONAL } */
function parseEnvelopedData(content: asn1js.AsnType): ParsedEnvelope {
  const items = sequence(content, malformed, 3, 5);
  smallInt(items[0], malformed);
  let i = 1;
  if (isContext(items[i], 0)) i++;
  const recipientInfos = setItems(items[i++], malformed);
  const eci = parseEncryptedContentInfo(items[i++]);
  if (isContext(items[i], 1)) i++;
  if (i !== items.length) throw malformed();
  return { structure: 'EnvelopedData', recipientInfos, ...eci };
}

export function parseEnvelope(der: Uint8Array): ParsedEnvelope {
  return readingCms(() => {
    const ci = parseContentInfo(der);
    if (ci.contentType === OID.envelopedData) return parseEnvelopedData(ci.content);
    if (ci.contentType === OID.authEnvelopedData) return parseAuthEnvelopedData(ci.content);
    throw new SelloError(
      'cms.not-enveloped-data',
      'The CMS structure is not an EnvelopedData or AuthEnvelopedData.',
    );
  });
}

export interface Decryption {
  content: Uint8Array;
  structure: 'EnvelopedData' | 'AuthEnvelopedData';
  contentCipher: string;
  keyManagement: string;
  /** A legacy content cipher (3DES, DES, RC2). */
  weak: boolean;
  recipientCount: number;
}

// Names for the unsupported ciphers one meets in the wild, for the message only.
const UNSUPPORTED_CIPHER_NAMES: Record<string, string> = {
  '1.2.840.113549.1.9.16.3.18': 'ChaCha20-Poly1305',
};
const unsupportedCipherName = (oid: string): string => UNSUPPORTED_CIPHER_NAMES[oid] ?? oid;

/**
 * Decrypts with one identity. Errors: `cms.malformed` (unreadable before any key is used),
 * `cms.unsupported-algorithm` (a content cipher or key agreement Sello does not implement, known
 * from the public structure), `cms.no-recipient` (not encrypted to this certificate), and otherwise
 * only `cms.decrypt-failed`, with one message whatever failed.
 */
export async function decryptEnvelopedData(
  der: Uint8Array,
  identity: Identity,
  env: CoreEnv,
): Promise<Decryption> {
  const p = parseEnvelope(der);
  const cipher = contentCipherInfo(p.cipherOid);
  // A content cipher Sello does not implement (e.g. ChaCha20-Poly1305, RFC 8103) is named: it is
  // public in the structure, so saying so before any key is used is no oracle.
  if (!CONTENT_CIPHERS[p.cipherOid])
    throw new SelloError(
      'cms.unsupported-algorithm',
      `The content cipher ${unsupportedCipherName(p.cipherOid)} is not supported.`,
    );
  // RFC 5083 §2.1: AuthEnvelopedData is for authenticated ciphers only; a CBC one there has no MAC.
  if (p.structure === 'AuthEnvelopedData' && !cipher.name.endsWith('-gcm')) {
    throw malformed('An AuthEnvelopedData must use an authenticated cipher.');
  }
  const { cek, keyManagement } = await recoverContentKey(p.recipientInfos, identity, env);
  const content = await decryptContent(
    { cipherOid: p.cipherOid, params: p.params, ciphertext: p.ciphertext, mac: p.mac, aad: p.aad },
    cek,
    env,
  );
  return {
    content,
    structure: p.structure,
    contentCipher: cipher.name,
    keyManagement,
    weak: cipher.weak,
    recipientCount: p.recipientInfos.length,
  };
}
