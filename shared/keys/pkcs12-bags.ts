/**
 * Reading the inside of a PFX (RFC 7292 §4-4.2): AuthenticatedSafe -> ContentInfo (plain or
 * password-encrypted) -> SafeContents -> SafeBags (keys, certificates, nested SafeContents).
 */
import * as asn1js from 'asn1js';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import {
  algorithmIdentifier,
  contentBytes,
  explicit,
  isContext,
  octets,
  oid,
  parseDer,
  sequence,
  setItems,
  smallInt,
} from './der';
import {
  malformed,
  nameOf,
  unsupported,
  wrongPassword,
  type PbeDecryption,
  type Pkcs12Limits,
} from './pbe-common';
import { decryptPbes1, isPbes1 } from './pbes1';
import { decryptPbes2, OID_PBES2 } from './pbes2';

export const OID_DATA = '1.2.840.113549.1.7.1';
export const OID_ENCRYPTED_DATA = '1.2.840.113549.1.7.6';
const OID_KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const OID_SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';
const OID_CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const OID_SAFE_CONTENTS_BAG = '1.2.840.113549.1.12.10.1.6';
const OID_X509_CERTIFICATE = '1.2.840.113549.1.9.22.1';
const OID_FRIENDLY_NAME = '1.2.840.113549.1.9.20';
const OID_LOCAL_KEY_ID = '1.2.840.113549.1.9.21';

/** Nested safeContentsBags are legal; a handful of levels is plenty, more is an attack on the stack. */
const MAX_NESTING = 4;

export interface BagAttributes {
  friendlyName?: string;
  localKeyId?: Uint8Array;
}

export interface FoundKey extends BagAttributes {
  pkcs8: Uint8Array;
}

export interface FoundCertificate extends BagAttributes {
  der: Uint8Array;
}

export interface BagContext {
  password: string;
  limits: Pkcs12Limits;
  env: CoreEnv;
  /** The MAC verified: content that decrypts to garbage is then damage, not a wrong password. */
  integrityVerified: boolean;
  keys: FoundKey[];
  certificates: FoundCertificate[];
  legacy: boolean;
}

async function decryptWith(
  algorithm: asn1js.AsnType | undefined,
  data: Uint8Array,
  ctx: BagContext,
): Promise<Uint8Array> {
  const alg = algorithmIdentifier(algorithm, malformed);
  let result: PbeDecryption;
  if (alg.oid === OID_PBES2) {
    result = await decryptPbes2(alg.params, data, ctx.password, ctx.limits, ctx.env);
  } else if (isPbes1(alg.oid)) {
    result = decryptPbes1(alg.oid, alg.params, data, ctx.password, ctx.limits);
  } else {
    throw unsupported(`the encryption scheme ${nameOf(alg.oid, 'algorithm')}`, alg.oid);
  }
  ctx.legacy ||= result.legacy;
  return result.plaintext;
}

/** Parses decrypted bytes; if they do not parse, the password was wrong unless the MAC said otherwise. */
function parseDecrypted(bytes: Uint8Array, ctx: BagContext): asn1js.AsnType {
  return parseDer(bytes, ctx.integrityVerified ? malformed : wrongPassword);
}

function readAttributes(node: asn1js.AsnType | undefined): BagAttributes {
  const attrs: BagAttributes = {};
  if (node === undefined) return attrs;
  for (const attr of setItems(node, malformed)) {
    const [type, values] = sequence(attr, malformed, 2, 2);
    const id = oid(type, malformed);
    const first = setItems(values, malformed)[0];
    if (id === OID_FRIENDLY_NAME && first instanceof asn1js.BmpString) {
      attrs.friendlyName = first.valueBlock.value;
    } else if (id === OID_LOCAL_KEY_ID && first !== undefined) {
      attrs.localKeyId = octets(first, malformed);
    }
  }
  return attrs;
}

/** PrivateKeyInfo ::= SEQUENCE { version INTEGER, AlgorithmIdentifier, OCTET STRING, ... } */
function checkPrivateKeyInfo(node: asn1js.AsnType, fail: () => SelloError): void {
  const items = sequence(node, fail, 3, 5);
  if (smallInt(items[0], fail) > 1) throw fail();
  algorithmIdentifier(items[1], fail);
  octets(items[2], fail);
}

async function readSafeBag(node: asn1js.AsnType, ctx: BagContext, depth: number): Promise<void> {
  const items = sequence(node, malformed, 2, 3);
  const bagId = oid(items[0], malformed);
  const value = explicit(items[1], 0, malformed);
  const attrs = readAttributes(items[2]);
  switch (bagId) {
    case OID_KEY_BAG: {
      checkPrivateKeyInfo(value, malformed);
      ctx.keys.push({ ...attrs, pkcs8: new Uint8Array(value.valueBeforeDecodeView) });
      return;
    }
    case OID_SHROUDED_KEY_BAG: {
      // EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm, encryptedData OCTET STRING }
      const [alg, data] = sequence(value, malformed, 2, 2);
      const plain = await decryptWith(alg, octets(data, malformed), ctx);
      const info = parseDecrypted(plain, ctx);
      checkPrivateKeyInfo(info, ctx.integrityVerified ? malformed : wrongPassword);
      ctx.keys.push({ ...attrs, pkcs8: plain });
      return;
    }
    case OID_CERT_BAG: {
      // CertBag ::= SEQUENCE { certId OBJECT IDENTIFIER, certValue [0] EXPLICIT ANY }
      const [certId, certValue] = sequence(value, malformed, 2, 2);
      if (oid(certId, malformed) !== OID_X509_CERTIFICATE) return; // SDSI certificates: not ours to read
      ctx.certificates.push({ ...attrs, der: octets(explicit(certValue, 0, malformed), malformed) });
      return;
    }
    case OID_SAFE_CONTENTS_BAG:
      await readSafeContents(value, ctx, depth + 1);
      return;
    default:
      // crlBag, secretBag and private extensions carry nothing Sello uses.
      return;
  }
}

async function readSafeContents(node: asn1js.AsnType, ctx: BagContext, depth: number): Promise<void> {
  if (depth > MAX_NESTING) throw malformed();
  for (const bag of sequence(node, malformed)) await readSafeBag(bag, ctx, depth);
}

/** One ContentInfo of the AuthenticatedSafe: data (plain SafeContents) or encryptedData. */
export async function readAuthenticatedSafeItem(node: asn1js.AsnType, ctx: BagContext): Promise<void> {
  const items = sequence(node, malformed, 1, 2);
  const type = oid(items[0], malformed);
  if (type === OID_DATA) {
    const content = octets(explicit(items[1], 0, malformed), malformed);
    await readSafeContents(parseDer(content, malformed), ctx, 0);
    return;
  }
  if (type === OID_ENCRYPTED_DATA) {
    // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo, unprotectedAttrs [1] OPTIONAL }
    const encryptedData = sequence(explicit(items[1], 0, malformed), malformed, 2, 3);
    // EncryptedContentInfo ::= SEQUENCE { contentType, contentEncryptionAlgorithm, [0] IMPLICIT OCTET STRING OPTIONAL }
    const eci = sequence(encryptedData[1], malformed, 2, 3);
    if (oid(eci[0], malformed) !== OID_DATA) throw malformed();
    if (eci[2] === undefined) return; // detached content: nothing in this file
    if (!isContext(eci[2], 0)) throw malformed();
    const plain = await decryptWith(eci[1], contentBytes(eci[2], malformed), ctx);
    await readSafeContents(parseDecrypted(plain, ctx), ctx, 0);
    return;
  }
  throw unsupported(nameOf(type, 'a content type'), type);
}
