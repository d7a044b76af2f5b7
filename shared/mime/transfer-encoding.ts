/**
 * Content-Transfer-Encoding (RFC 2045 §6) on bytes: base64 and quoted-printable both ways, without
 * converting bodies to strings, so 32 MB attachments cost one output buffer each.
 */
import { concatBytes } from '../bytes';
import { SelloError } from '../errors';
import { getHeader } from './header-block';
import type { MimeEntity } from './types';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_BYTES = new TextEncoder().encode(B64);
const B64_INDEX = (() => {
  const t = new Int16Array(256).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();
const HEX = new TextEncoder().encode('0123456789ABCDEF');

/** Length of `encodeBase64Lines(b, width)` for `n` input bytes. */
export function base64LinesLength(n: number, width = 76): number {
  const chars = Math.ceil(n / 3) * 4;
  const lines = Math.ceil(chars / width);
  return chars + Math.max(0, lines - 1) * 2;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;
/** Two base64 characters for each 12-bit value, as one 16-bit store in the platform's byte order. */
const B64_PAIRS = (() => {
  const t = new Uint16Array(4096);
  for (let v = 0; v < 4096; v++) {
    const hi = B64_BYTES[v >> 6]!;
    const lo = B64_BYTES[v & 63]!;
    t[v] = LITTLE_ENDIAN ? hi | (lo << 8) : (hi << 8) | lo;
  }
  return t;
})();
const CRLF_PAIR = LITTLE_ENDIAN ? 13 | (10 << 8) : (13 << 8) | 10;

/**
 * The whole lines of `encodeBase64LinesInto` with half the loads and stores: a line (76 characters
 * and CRLF) has an even length, so from an even offset every pair of characters is a 16-bit word.
 * Returns the input and output offsets after them.
 */
function wholeLinesByPairs(
  b: Uint8Array,
  full: number,
  perLine: number,
  out: Uint8Array,
  offset: number,
): [number, number] {
  const start = out.byteOffset + offset;
  const words = new Uint16Array(out.buffer, start, (out.byteLength - offset) >> 1);
  let w = 0;
  let i = 0;
  while (i + perLine <= full) {
    if (i > 0) words[w++] = CRLF_PAIR;
    const end = i + perLine;
    for (; i < end; i += 3) {
      const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
      words[w] = B64_PAIRS[v >> 12]!;
      words[w + 1] = B64_PAIRS[v & 4095]!;
      w += 2;
    }
  }
  return [i, offset + w * 2];
}

/**
 * Writes `encodeBase64Lines(b, width)` into `out` at `offset` (which must have room for
 * `base64LinesLength(b.length, width)` bytes) and returns the offset after it. Lets callers put
 * headers before a large body without copying the encoded body again.
 */
export function encodeBase64LinesInto(b: Uint8Array, out: Uint8Array, offset: number, width = 76): number {
  let o = offset;
  const n = b.length;
  const full = n - (n % 3);
  // Whole lines first: `width` characters from width/4 input triplets, then CRLF, in a tight loop.
  const perLine = Math.floor(width / 4) * 3;
  let i = 0;
  if (width % 4 === 0 && perLine > 0 && (out.byteOffset + o) % 2 === 0) {
    [i, o] = wholeLinesByPairs(b, full, perLine, out, o);
  } else if (width % 4 === 0 && perLine > 0) {
    while (i + perLine <= full) {
      if (i > 0) {
        out[o++] = 13;
        out[o++] = 10;
      }
      const end = i + perLine;
      for (; i < end; i += 3) {
        const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
        out[o] = B64_BYTES[v >> 18]!;
        out[o + 1] = B64_BYTES[(v >> 12) & 63]!;
        out[o + 2] = B64_BYTES[(v >> 6) & 63]!;
        out[o + 3] = B64_BYTES[v & 63]!;
        o += 4;
      }
    }
  }
  // The rest (and any width not a multiple of 4) character by character.
  let col = i === 0 ? 0 : width;
  const put = (c: number) => {
    if (col === width) {
      out[o++] = 13;
      out[o++] = 10;
      col = 0;
    }
    out[o++] = c;
    col++;
  };
  for (; i + 2 < n; i += 3) {
    const v = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    put(B64_BYTES[v >> 18]!);
    put(B64_BYTES[(v >> 12) & 63]!);
    put(B64_BYTES[(v >> 6) & 63]!);
    put(B64_BYTES[v & 63]!);
  }
  if (i < n) {
    const rest = n - i;
    const v = (b[i]! << 16) | (rest > 1 ? b[i + 1]! << 8 : 0);
    put(B64_BYTES[v >> 18]!);
    put(B64_BYTES[(v >> 12) & 63]!);
    put(rest > 1 ? B64_BYTES[(v >> 6) & 63]! : 61);
    put(61);
  }
  return o;
}

/** Base64 with CRLF every `width` characters (RFC 2045 §6.8: at most 76). */
export function encodeBase64Lines(b: Uint8Array, width = 76): Uint8Array {
  const out = new Uint8Array(base64LinesLength(b.length, width));
  encodeBase64LinesInto(b, out, 0, width);
  return out;
}

/** Octets of input per chunk of `encodeBase64LineChunks`: whole 57-octet lines, about 1.2 MiB of output. */
const CHUNK_LINES = 16384;

/**
 * `encodeBase64Lines` of the concatenation of `pieces`, produced a chunk at a time (each chunk ends on
 * a line, the next starts with its CRLF), so a large DER (a 32 MB EnvelopedData in pieces) is neither
 * joined nor held a second time as base64. Each chunk is a view of one buffer that the next overwrites:
 * copy or write it out (synchronously) before asking for the next.
 */
export function* encodeBase64LineChunks(
  pieces: readonly Uint8Array[],
  width = 76,
): Generator<Uint8Array, void, undefined> {
  // Chunks end on a line only when a line is whole groups of four characters.
  if (width % 4 !== 0) {
    const all = concatBytes(...pieces);
    if (all.length > 0) yield encodeBase64Lines(all, width);
    return;
  }
  const chunk = (width / 4) * 3 * CHUNK_LINES;
  const stage = new Uint8Array(chunk);
  // One output buffer for every chunk: tens of 1 MiB buffers dropped one after the other would wait
  // for a garbage collection (V8 lets external memory grow by 64 MB first) and add to the peak.
  const out = new Uint8Array(2 + base64LinesLength(chunk, width));
  out.set([13, 10]);
  let filled = 0;
  let first = true;
  const encode = (input: Uint8Array): Uint8Array => {
    const from = first ? 2 : 0;
    first = false;
    return out.subarray(from, encodeBase64LinesInto(input, out, 2, width));
  };
  for (const p of pieces) {
    let off = 0;
    while (off < p.length) {
      // A whole chunk inside one piece (the ciphertext) is encoded where it is, not staged.
      if (filled === 0 && p.length - off >= chunk) {
        yield encode(p.subarray(off, off + chunk));
        off += chunk;
        continue;
      }
      const take = Math.min(chunk - filled, p.length - off);
      stage.set(p.subarray(off, off + take), filled);
      filled += take;
      off += take;
      if (filled === chunk) {
        yield encode(stage);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield encode(stage.subarray(0, filled));
}

/**
 * Base64 from bytes. Line breaks and whitespace are skipped and decoding stops at padding; any other
 * character outside the alphabet is `mime.malformed` rather than silently dropped, because a signature
 * or an encrypted blob with garbage in it must not turn into different bytes without notice.
 */
export function decodeBase64Bytes(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.floor((src.length * 3) / 4) + 3);
  let o = 0;
  let acc = 0;
  let bits = 0;
  const fastEnd = src.length - 3;
  for (let i = 0; i < src.length; i++) {
    // Fast path: four alphabet characters on a group boundary make three bytes at once (a 76-character
    // line is 19 groups); anything else (line ends, padding, garbage) goes the careful way below.
    if (bits === 0 && i < fastEnd) {
      const a = B64_INDEX[src[i]!]!;
      const b = B64_INDEX[src[i + 1]!]!;
      const c = B64_INDEX[src[i + 2]!]!;
      const d = B64_INDEX[src[i + 3]!]!;
      if ((a | b | c | d) >= 0) {
        out[o] = (a << 2) | (b >> 4);
        out[o + 1] = ((b << 4) | (c >> 2)) & 0xff;
        out[o + 2] = ((c << 6) | d) & 0xff;
        o += 3;
        i += 3;
        continue;
      }
    }
    const c = src[i]!;
    if (c === 61) break;
    if (c === 13 || c === 10 || c === 32 || c === 9) continue;
    const v = B64_INDEX[c]!;
    if (v < 0) throw new SelloError('mime.malformed', `Invalid base64 content at offset ${i}.`);
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // The estimate overshoots by the line ends (under 3% at 76 characters a line): a view then, not a
  // second copy of a 32 MB body; a copy only when an eighth or more of it would be left unused.
  return o >= out.length - (out.length >> 3) ? out.subarray(0, o) : out.slice(0, o);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87; // lower case is invalid (RFC 2045 §6.7) but common
  return -1;
}

/**
 * Quoted-printable to bytes. Soft line breaks are removed, trailing whitespace added by transport is
 * dropped (RFC 2045 §6.7 rule 3), and an `=` not followed by two hex digits is kept literally.
 */
export function decodeQuotedPrintable(src: Uint8Array): Uint8Array {
  const out = new Uint8Array(src.length);
  let o = 0;
  let keep = 0; // output length without trailing literal whitespace
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 61 /* = */) {
      const h = hexValue(src[i + 1] ?? -1);
      const l = hexValue(src[i + 2] ?? -1);
      if (h >= 0 && l >= 0) {
        out[o++] = (h << 4) | l;
        keep = o;
        i += 2;
        continue;
      }
      // Soft line break: '=' then optional whitespace then the line end.
      let j = i + 1;
      while (j < src.length && (src[j] === 32 || src[j] === 9)) j++;
      if (j >= src.length || src[j] === 10 || (src[j] === 13 && src[j + 1] === 10)) {
        i = j < src.length ? (src[j] === 13 ? j + 1 : j) : j;
        keep = o; // whitespace before the '=' was protected by it
        continue;
      }
      out[o++] = c;
      keep = o;
    } else if (c === 13 || c === 10) {
      o = keep;
      out[o++] = c;
      keep = o;
    } else {
      out[o++] = c;
      if (c !== 32 && c !== 9) keep = o;
    }
  }
  return out.slice(0, keep === o ? o : keep);
}

/** A growable byte buffer (a 32 MB body should not become an array of numbers). */
class ByteSink {
  buf: Uint8Array;
  len = 0;
  constructor(hint: number) {
    this.buf = new Uint8Array(Math.max(64, hint));
  }
  push(c: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = c;
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const MAX_QP_LINE = 76;

/** "--" could complete a boundary delimiter; "From " is rewritten to ">From " by mbox relays. */
function riskyLineStart(src: Uint8Array, i: number): boolean {
  const c = src[i];
  if (c === 45) return src[i + 1] === 45;
  return c === 70 && src[i + 1] === 114 && src[i + 2] === 111 && src[i + 3] === 109 && src[i + 4] === 32;
}

/**
 * Text to quoted-printable (RFC 2045 §6.7) with CRLF hard line breaks (any of CRLF, LF, CR in the
 * input counts as one). Beyond the RFC, a line never starts with "--" (it could become a boundary) or
 * "From " (mbox relays rewrite it to ">From ", breaking signatures), and never ends in whitespace.
 */
export function encodeQuotedPrintable(src: Uint8Array): Uint8Array {
  const sink = new ByteSink(src.length + (src.length >> 3) + 16);
  let col = 0;
  const escape = (c: number) => {
    sink.push(61);
    sink.push(HEX[c >> 4]!);
    sink.push(HEX[c & 15]!);
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 13 || c === 10) {
      if (c === 13 && src[i + 1] === 10) i++;
      sink.push(13);
      sink.push(10);
      col = 0;
      continue;
    }
    const next = src[i + 1];
    const atLineEnd = next === undefined || next === 13 || next === 10;
    const printable = (c >= 33 && c <= 126 && c !== 61) || ((c === 32 || c === 9) && !atLineEnd);
    // Keep room for the '=' of a soft break unless this is the last character of the line.
    if (col + (printable ? 1 : 3) > (atLineEnd ? MAX_QP_LINE : MAX_QP_LINE - 1)) {
      sink.push(61);
      sink.push(13);
      sink.push(10);
      col = 0;
    }
    if (printable && !(col === 0 && riskyLineStart(src, i))) {
      sink.push(c);
      col += 1;
    } else {
      escape(c);
      col += 3;
    }
  }
  return sink.result();
}

/** The entity's transfer encoding, lower-cased; '7bit' when absent (RFC 2045 §6.1). */
export function getTransferEncoding(entity: Pick<MimeEntity, 'headers'>): string {
  return (getHeader(entity, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase() || '7bit';
}

/** The body with its Content-Transfer-Encoding undone. Identity encodings return a view, not a copy. */
export function decodeBody(entity: Pick<MimeEntity, 'headers' | 'body'>): Uint8Array {
  const cte = getTransferEncoding(entity);
  switch (cte) {
    case 'base64':
      return decodeBase64Bytes(entity.body);
    case 'quoted-printable':
      return decodeQuotedPrintable(entity.body);
    case '7bit':
    case '8bit':
    case 'binary':
      return entity.body;
    default:
      throw new SelloError(
        'mime.unsupported-encoding',
        `Unsupported Content-Transfer-Encoding "${cte.slice(0, 40)}".`,
      );
  }
}
