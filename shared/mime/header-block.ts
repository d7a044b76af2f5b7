/**
 * Reads one entity's header block (RFC 5322 §2.2, RFC 2045 §3) from bytes, without turning the rest of
 * the entity into a string. Byte offsets are kept so callers can splice fields without re-serialising.
 */
import { SelloError } from '../errors';
import type { MimeLimits } from './limits';
import type { MimeHeader } from './types';

export interface HeaderField extends MimeHeader {
  /** Offset of the field's first byte. */
  start: number;
  /** Offset just past the line terminator of the field's last (folded) line. */
  end: number;
}

export interface HeaderBlock {
  fields: HeaderField[];
  /** Offset of the empty line that ends the block, or `end` when there is none. */
  headerEnd: number;
  /** Offset of the first body byte (after the empty line). */
  bodyStart: number;
}

const LF = 10;
const CR = 13;
const SP = 32;
const HT = 9;
const COLON = 58;

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Header bytes as a string: ASCII as is, otherwise UTF-8 when valid (RFC 6532 headers) and Latin-1
 * when not, so no byte is ever lost or replaced.
 */
export function decodeHeaderBytes(b: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if (b[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (!ascii) {
    try {
      return utf8Strict.decode(b);
    } catch {
      // Not UTF-8: fall through to the lossless one-char-per-byte reading.
    }
  }
  let s = '';
  const CHUNK = 0x2000;
  for (let i = 0; i < b.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return s;
}

/** Turns the bytes of one field (possibly folded) into its name and unfolded value; null if no name. */
function readField(buf: Uint8Array, start: number, end: number): HeaderField | null {
  let colon = -1;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === COLON) {
      colon = i;
      break;
    }
    if (c === LF) return null;
  }
  if (colon < 0) return null;
  let nameEnd = colon;
  while (nameEnd > start && (buf[nameEnd - 1] === SP || buf[nameEnd - 1] === HT)) nameEnd--;
  if (nameEnd === start) return null;
  // RFC 5322 §2.2: field names are printable ASCII without colon; anything else is not a header field.
  for (let i = start; i < nameEnd; i++) {
    const c = buf[i]!;
    if (c <= SP || c > 126) return null;
  }
  const name = decodeHeaderBytes(buf.subarray(start, nameEnd));
  // RFC 5322 §2.2.3: unfolding removes the CRLF before folding whitespace and keeps the whitespace.
  const value = decodeHeaderBytes(buf.subarray(colon + 1, end))
    .replace(/\r?\n|\r/g, '')
    .replace(/^[ \t]+|[ \t]+$/g, '');
  return { name, value, start, end };
}

/**
 * The header block of the entity occupying buf[start, end). Lines without a colon (an mbox "From "
 * line, garbage) are skipped rather than fatal; a block over the limits is a typed error.
 */
export function readHeaderBlock(
  buf: Uint8Array,
  start: number,
  end: number,
  limits: MimeLimits,
): HeaderBlock {
  const fields: HeaderField[] = [];
  let fieldStart = -1;
  let lines = 0;
  let pos = start;
  const flush = (fieldEnd: number) => {
    if (fieldStart < 0) return;
    const f = readField(buf, fieldStart, fieldEnd);
    if (f) fields.push(f);
    fieldStart = -1;
  };
  while (pos < end) {
    const lf = buf.indexOf(LF, pos);
    const hasLf = lf >= 0 && lf < end;
    const next = hasLf ? lf + 1 : end;
    // The empty line (CRLF, or a bare LF as Unix tools write) ends the header block.
    if (hasLf && (lf === pos || (lf === pos + 1 && buf[pos] === CR))) {
      flush(pos);
      return { fields, headerEnd: pos, bodyStart: next };
    }
    if (next - start > limits.maxHeaderBytes) {
      throw new SelloError('mime.header-too-large', `A header block exceeds ${limits.maxHeaderBytes} bytes.`);
    }
    if (++lines > limits.maxHeaderLines) {
      throw new SelloError('mime.header-too-large', `A header block exceeds ${limits.maxHeaderLines} lines.`);
    }
    const first = buf[pos];
    if (first === SP || first === HT) {
      if (fieldStart < 0) fieldStart = pos;
    } else {
      flush(pos);
      fieldStart = pos;
    }
    pos = next;
  }
  flush(end);
  return { fields, headerEnd: end, bodyStart: end };
}

/** The first value of a header field, matched case-insensitively (RFC 5322 §1.2.2). */
export function getHeader(entity: { headers: MimeHeader[] }, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const h of entity.headers) if (h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

/** Every value of a header field in order (Received, multiple From lines, ...). */
export function getHeaders(entity: { headers: MimeHeader[] }, name: string): string[] {
  const lower = name.toLowerCase();
  return entity.headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}
