/**
 * Canonical form before signing (RFC 8551 §3.1.1, RFC 1847 §5.1): CRLF line ends and only 7-bit
 * transfer encodings, so no relay has a reason to re-encode or re-wrap a part and break the signature.
 */
import { concatBytes, utf8 } from '../bytes';
import { foldHeader } from './fold-header';
import { hasEightBit, sevenBitField } from './seven-bit-headers';
import { readHeaderBlock } from './header-block';
import { resolveLimits, type MimeLimits } from './limits';
import { parseMessage } from './parse-entity';
import {
  decodeBody,
  encodeBase64Lines,
  encodeQuotedPrintable,
  getTransferEncoding,
} from './transfer-encoding';
import type { MimeEntity } from './types';

/** Some octet of the 32-bit word is zero (the classic test: never misses one, may flag octets >= 0x80). */
const hasZeroByte = (v: number): boolean => ((v - 0x01010101) & ~v & 0x80808080) !== 0;
/** Some octet of the word may be LF or CR; words without are skipped by the scans below. */
const mayHaveLineEnd = (v: number): boolean => hasZeroByte(v ^ 0x0a0a0a0a) || hasZeroByte(v ^ 0x0d0d0d0d);

/** Aligned 32-bit words over `bytes` from `start` (rounded up to alignment by the caller). */
function words(bytes: Uint8Array, start: number): Uint32Array {
  const n = (bytes.length - start) >> 2;
  return n > 0 ? new Uint32Array(bytes.buffer, bytes.byteOffset + start, n) : new Uint32Array(0);
}

/** Octets before the first 4-aligned one. */
function misalignment(bytes: Uint8Array): number {
  return Math.min(bytes.length, (4 - (bytes.byteOffset % 4)) % 4);
}

/**
 * Every LF preceded by CR and every CR followed by LF. Scanned a 32-bit word at a time, looking at
 * single octets only in the words that hold a CR or LF (one in twenty in base64 lines), since a 32 MB
 * message already in CRLF form is the usual case and is checked on every signature.
 */
function isCrlf(bytes: Uint8Array): boolean {
  const ok = (i: number): boolean => {
    const c = bytes[i];
    if (c === 10) return i > 0 && bytes[i - 1] === 13;
    return c !== 13 || bytes[i + 1] === 10;
  };
  const head = misalignment(bytes);
  for (let i = 0; i < head; i++) if (!ok(i)) return false;
  const w = words(bytes, head);
  for (let k = 0; k < w.length; k++) {
    if (!mayHaveLineEnd(w[k]!)) continue;
    const j = head + k * 4;
    if (!ok(j) || !ok(j + 1) || !ok(j + 2) || !ok(j + 3)) return false;
  }
  for (let i = head + w.length * 4; i < bytes.length; i++) if (!ok(i)) return false;
  return true;
}

/** Every line end as CRLF (bare LF and bare CR included). Returns the input itself when already so. */
export function toCrlf(bytes: Uint8Array): Uint8Array {
  if (isCrlf(bytes)) return bytes;
  let extra = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 10 && (i === 0 || bytes[i - 1] !== 13)) extra++;
    else if (c === 13 && bytes[i + 1] !== 10) extra++;
  }
  const out = new Uint8Array(bytes.length + extra);
  let o = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c === 10 && (i === 0 || bytes[i - 1] !== 13)) {
      out[o++] = 13;
      out[o++] = 10;
    } else if (c === 13 && bytes[i + 1] !== 10) {
      out[o++] = 13;
      out[o++] = 10;
    } else {
      out[o++] = c;
    }
  }
  return out;
}

/**
 * True when a body has 8-bit bytes, NUL, or a line longer than RFC 5322's 998 characters. One pass a
 * 32-bit word at a time (a 32 MB attachment is scanned on every signature); octets are looked at one
 * by one only in words that hold an LF, to measure the line that ends there.
 */
function needsReencoding(body: Uint8Array): boolean {
  let lineStart = 0;
  // A line is what lies between LFs; a long one is measured again with CR also ending a line.
  const tooLong = (start: number, end: number): boolean => {
    if (end - start <= 998) return false;
    let col = 0;
    for (let j = start; j < end; j++) {
      if (body[j] === 13) col = 0;
      else if (++col > 998) return true;
    }
    return false;
  };
  const bad = (i: number): boolean => {
    const c = body[i]!;
    if (c >= 0x80 || c === 0) return true;
    if (c !== 10) return false;
    if (tooLong(lineStart, i)) return true;
    lineStart = i + 1;
    return false;
  };
  const head = misalignment(body);
  for (let i = 0; i < head; i++) if (bad(i)) return true;
  const w = words(body, head);
  for (let k = 0; k < w.length; k++) {
    const v = w[k]!;
    // High bit in any octet, or any zero octet (exact once no high bit is set).
    if ((v & 0x80808080) !== 0 || hasZeroByte(v)) return true;
    if (!hasZeroByte(v ^ 0x0a0a0a0a)) continue;
    const j = head + k * 4;
    if (bad(j) || bad(j + 1) || bad(j + 2) || bad(j + 3)) return true;
  }
  for (let i = head + w.length * 4; i < body.length; i++) if (bad(i)) return true;
  return tooLong(lineStart, body.length);
}

/**
 * The entity's header block (with its blank line) rewritten: Content-Transfer-Encoding replaced when
 * `cte` is given, fields with 8-bit bytes re-encoded; other fields kept byte for byte. Undefined when
 * nothing would change.
 */
function rewriteHeaderBlock(
  e: MimeEntity,
  cte: string | undefined,
  limits: MimeLimits,
): Uint8Array | undefined {
  const block = readHeaderBlock(e.raw, 0, e.raw.length, limits);
  let changed = cte !== undefined;
  const parts: Uint8Array[] = [];
  for (const f of block.fields) {
    if (cte !== undefined && f.name.toLowerCase() === 'content-transfer-encoding') continue;
    const bytes = e.raw.subarray(f.start, f.end);
    if (hasEightBit(bytes)) {
      parts.push(utf8(sevenBitField(f.name, f.value)));
      changed = true;
    } else {
      parts.push(bytes[bytes.length - 1] === 10 ? bytes : concatBytes(bytes, utf8('\r\n')));
    }
  }
  if (!changed) return undefined;
  if (cte !== undefined) parts.push(utf8(foldHeader('Content-Transfer-Encoding', cte)));
  parts.push(utf8('\r\n'));
  return concatBytes(...parts);
}

/** Same buffer, so a child's offset inside its parent is known. */
function offsetIn(parent: MimeEntity, child: MimeEntity): number | undefined {
  if (child.raw.buffer !== parent.raw.buffer) return undefined;
  return child.raw.byteOffset - parent.raw.byteOffset;
}

/** A 7-bit-safe rebuild of the entity, or undefined when it already is. */
function sevenBit(e: MimeEntity, limits: MimeLimits): Uint8Array | undefined {
  // RFC 1847 §2.1: the signed content must reach the verifier unaltered; re-encoding anything inside
  // an existing signature (a forwarded or triple-wrapped message) would break it.
  if (e.contentType.type === 'multipart' && e.contentType.subtype === 'signed') return undefined;
  const cte = getTransferEncoding(e);
  const composite =
    e.contentType.type === 'multipart' || (e.contentType.type === 'message' && e.children.length > 0);
  if (composite && e.children.length > 0) {
    let changed = false;
    const pieces: Uint8Array[] = [];
    let cursor = e.body.byteOffset - e.raw.byteOffset;
    for (const child of e.children) {
      const at = offsetIn(e, child);
      const rebuilt = at === undefined ? undefined : sevenBit(child, limits);
      if (at === undefined || rebuilt === undefined) continue;
      pieces.push(e.raw.subarray(cursor, at), rebuilt);
      cursor = at + child.raw.length;
      changed = true;
    }
    // RFC 2045 §6.4: a composite is labelled by its most-encoded part; once those are 7-bit, so is it.
    const relabel = cte === '8bit' || cte === 'binary';
    const head = rewriteHeaderBlock(e, relabel ? '7bit' : undefined, limits);
    if (!changed && head === undefined) return undefined;
    pieces.push(e.raw.subarray(cursor));
    return concatBytes(head ?? e.raw.subarray(0, e.body.byteOffset - e.raw.byteOffset), ...pieces);
  }
  if (cte !== '8bit' && cte !== 'binary' && !needsReencoding(e.body)) {
    const head = rewriteHeaderBlock(e, undefined, limits);
    return head && concatBytes(head, e.body);
  }
  const decoded = decodeBody(e);
  if (e.contentType.type === 'text') {
    return concatBytes(rewriteHeaderBlock(e, 'quoted-printable', limits)!, encodeQuotedPrintable(decoded));
  }
  return concatBytes(rewriteHeaderBlock(e, 'base64', limits)!, encodeBase64Lines(decoded));
}

/**
 * Re-encodes every 8bit/binary part (and 7bit-labelled parts that are not) as quoted-printable (text)
 * or base64 (everything else), keeping all other bytes as they were.
 */
export function makeSevenBitSafe(bytes: Uint8Array, limits?: Partial<MimeLimits>): Uint8Array {
  const resolved = resolveLimits(limits);
  return sevenBit(parseMessage(bytes, resolved), resolved) ?? bytes;
}

/**
 * `makeSevenBitSafe` then `toCrlf`: the form a body entity must have before it is signed. A bare CR
 * only becomes a line end in the second step and can reveal structure the first step did not see (a
 * header block ending early), so the result is checked once more; the output is a fixed point.
 */
export function canonicalize(bytes: Uint8Array, limits?: Partial<MimeLimits>): Uint8Array {
  const safe = makeSevenBitSafe(bytes, limits);
  const once = toCrlf(safe);
  // No line end was added, so no structure can have appeared: the first pass already saw it all.
  if (once === safe) return once;
  const again = makeSevenBitSafe(once, limits);
  return again === once ? once : toCrlf(again);
}
