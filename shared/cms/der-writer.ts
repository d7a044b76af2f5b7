/**
 * A minimal DER writer: tag, definite length, contents. CMS needs exact bytes in several places
 * (issuer names and serial numbers copied from certificates, the signed-attributes SET signed over),
 * so structures are assembled from encodings rather than re-encoded from parsed trees.
 */
import * as asn1js from 'asn1js';
import { concatBytes } from '../bytes';

function lengthOctets(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** One allocation: the contents are copied once, straight after the tag and length. */
export function tlv(tag: number, ...contents: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const c of contents) n += c.length;
  const len = lengthOctets(n);
  const out = new Uint8Array(1 + len.length + n);
  out[0] = tag;
  out.set(len, 1);
  let o = 1 + len.length;
  for (const c of contents) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** An encoding kept as its pieces: wrapping a large content in more layers adds headers, not copies. */
export interface DerParts {
  pieces: Uint8Array[];
  length: number;
}

/** `tlv` without copying the contents; `derBytes` writes the whole encoding once at the end. */
export function tlvParts(tag: number, ...contents: (Uint8Array | DerParts)[]): DerParts {
  const pieces: Uint8Array[] = [];
  let n = 0;
  for (const c of contents) {
    if (c instanceof Uint8Array) pieces.push(c);
    else pieces.push(...c.pieces);
    n += c.length;
  }
  const len = lengthOctets(n);
  const head = new Uint8Array(1 + len.length);
  head[0] = tag;
  head.set(len, 1);
  return { pieces: [head, ...pieces], length: head.length + n };
}

export function derBytes(parts: DerParts): Uint8Array {
  const out = new Uint8Array(parts.length);
  let o = 0;
  for (const p of parts.pieces) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export const derSequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** X.690 §11.6: the elements of a DER SET OF are sorted by their encodings. */
export function derSetOf(items: Uint8Array[], tag = 0x31): Uint8Array {
  return tlv(tag, ...[...items].sort(compareBytes));
}

export const derOid = (oid: string): Uint8Array =>
  new Uint8Array(new asn1js.ObjectIdentifier({ value: oid }).toBER(false));

export const derInteger = (n: number): Uint8Array =>
  new Uint8Array(new asn1js.Integer({ value: n }).toBER(false));

/** A non-negative INTEGER from big-endian magnitude bytes (ECDSA r and s). */
export function derUnsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  return tlv(0x02, (m[0] ?? 0) & 0x80 ? concatBytes(Uint8Array.of(0), m) : m);
}

export const derOctetString = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const derNull = (): Uint8Array => Uint8Array.of(0x05, 0x00);

export const derUtcOrGeneralizedTime = (d: Date): Uint8Array => {
  // RFC 5652 §11.3: UTCTime for 1950-2049, GeneralizedTime otherwise.
  const y = d.getUTCFullYear();
  const t =
    y >= 1950 && y < 2050
      ? new asn1js.UTCTime({ valueDate: d })
      : new asn1js.GeneralizedTime({ valueDate: new Date(Math.floor(d.getTime() / 1000) * 1000) });
  return new Uint8Array(t.toBER(false));
};

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL } */
export const derAlgorithm = (oid: string, params?: Uint8Array): Uint8Array =>
  params ? derSequence(derOid(oid), params) : derSequence(derOid(oid));

/** [n] EXPLICIT */
export const derExplicit = (n: number, ...inner: Uint8Array[]): Uint8Array => tlv(0xa0 | n, ...inner);

/** [n] IMPLICIT over a primitive type (contents only). */
export const derImplicitPrimitive = (n: number, contents: Uint8Array): Uint8Array => tlv(0x80 | n, contents);

/** [n] IMPLICIT over a constructed type: the original encoding with its tag replaced. */
export function retag(encoding: Uint8Array, tag: number): Uint8Array {
  const out = encoding.slice();
  out[0] = tag;
  return out;
}
