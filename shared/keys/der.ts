/**
 * Small, strict readers over asn1js nodes for the key formats (PKCS#8, PKCS#12, SPKI). Every structural
 * surprise becomes the SelloError the caller names, so nothing asn1js throws or returns leaks upward.
 */
import * as asn1js from 'asn1js';
import { concatBytes } from '../bytes';
import type { SelloError } from '../errors';

export type Fail = () => SelloError;

/**
 * asn1js refuses content over 16 MiB by default; S/MIME messages go up to Exchange Online's 150 MB,
 * so CMS needs more. The input is not copied (views point into it): callers never mutate it.
 */
const MAX_DER_CONTENT = 160 * 1024 * 1024;

/** Parses exactly one BER element filling all of `bytes`. */
export function parseDer(bytes: Uint8Array, fail: Fail): asn1js.AsnType {
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(bytes, { maxContentLength: MAX_DER_CONTENT, copyInput: false });
  } catch (e) {
    throw Object.assign(fail(), { cause: e });
  }
  if (parsed.offset === -1 || parsed.offset !== bytes.length || parsed.result.error) throw fail();
  return parsed.result;
}

export function sequence(node: unknown, fail: Fail, min = 0, max = Infinity): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Sequence)) throw fail();
  const items = node.valueBlock.value;
  if (items.length < min || items.length > max) throw fail();
  return items;
}

export function setItems(node: unknown, fail: Fail): asn1js.AsnType[] {
  if (!(node instanceof asn1js.Set)) throw fail();
  return node.valueBlock.value;
}

export function oid(node: unknown, fail: Fail): string {
  if (!(node instanceof asn1js.ObjectIdentifier)) throw fail();
  return node.valueBlock.toString();
}

/** A non-negative INTEGER that fits a JS number safely (versions, iteration counts, key lengths). */
export function smallInt(node: unknown, fail: Fail): number {
  if (!(node instanceof asn1js.Integer)) throw fail();
  const v = node.valueBlock.valueHexView;
  if (v.length === 0 || v.length > 7 || (v[0]! & 0x80) !== 0) throw fail();
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

/** The bytes of an OCTET STRING, primitive or constructed (BER from Windows uses both). */
export function octets(node: unknown, fail: Fail): Uint8Array {
  if (!(node instanceof asn1js.OctetString)) throw fail();
  return contentBytes(node, fail);
}

/**
 * The content octets of a primitive or constructed string-like node, whatever its tag: used for
 * OCTET STRINGs and for [0] IMPLICIT OCTET STRING (EncryptedContentInfo.encryptedContent).
 */
export function contentBytes(node: unknown, fail: Fail, depth = 0): Uint8Array {
  if (depth > 8 || !(node instanceof asn1js.BaseBlock)) throw fail();
  const block = node.valueBlock as unknown as {
    isConstructed?: boolean;
    value?: unknown[];
    valueHexView?: Uint8Array;
  };
  if (node.idBlock.isConstructed || block.isConstructed) {
    const parts = block.value;
    if (!Array.isArray(parts)) throw fail();
    return concatBytes(...parts.map((p) => contentBytes(p, fail, depth + 1)));
  }
  if (!(block.valueHexView instanceof Uint8Array)) throw fail();
  return block.valueHexView;
}

/** The single element inside a context-specific [tag] EXPLICIT wrapper. */
export function explicit(node: unknown, tag: number, fail: Fail): asn1js.AsnType {
  if (!isContext(node, tag) || !(node instanceof asn1js.Constructed)) throw fail();
  const inner = node.valueBlock.value;
  if (inner.length !== 1) throw fail();
  return inner[0]!;
}

export function isContext(node: unknown, tag: number): node is asn1js.BaseBlock {
  return node instanceof asn1js.BaseBlock && node.idBlock.tagClass === 3 && node.idBlock.tagNumber === tag;
}

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } */
export function algorithmIdentifier(
  node: unknown,
  fail: Fail,
): { oid: string; params: asn1js.AsnType | undefined } {
  const items = sequence(node, fail, 1, 2);
  return { oid: oid(items[0], fail), params: items[1] };
}

/** The exact encoding a node was parsed from (for names compared byte for byte, SPKI, etc.). */
export function encodingOf(node: asn1js.AsnType): Uint8Array {
  return new Uint8Array(node.valueBeforeDecodeView);
}

export function isNull(node: unknown): boolean {
  return node instanceof asn1js.Null;
}
