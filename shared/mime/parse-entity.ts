/**
 * RFC 5322 / RFC 2045 / RFC 2046 parser producing an entity tree whose every node keeps its exact input
 * bytes (`raw` is a view into the input, never a copy), which is what verifying multipart/signed needs.
 * The input is scanned as bytes line by line; only header blocks become strings.
 */
import { SelloError } from '../errors';
import { defaultContentType, parseContentType } from './content-type';
import { getHeader, readHeaderBlock } from './header-block';
import { resolveLimits, type MimeLimits } from './limits';
import { decodeBody, getTransferEncoding } from './transfer-encoding';
import type { ContentType, MimeEntity } from './types';

const LF = 10;
const CR = 13;
const DASH = 45;

interface ParseState {
  limits: MimeLimits;
  parts: number;
}

/** Byte range of one body part inside a multipart body. */
export interface PartRange {
  start: number;
  end: number;
}

function childPath(parent: string, n: number): string {
  return parent === '' ? String(n) : `${parent}.${n}`;
}

function asciiBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** True when buf[at...] starts with `needle` and the match lies within `end`. */
function startsWith(buf: Uint8Array, at: number, needle: Uint8Array, end: number): boolean {
  if (at + needle.length > end) return false;
  for (let i = 0; i < needle.length; i++) if (buf[at + i] !== needle[i]) return false;
  return true;
}

/** Lines longer than this cannot be delimiters (boundaries are at most 200 characters here). */
const MAX_DELIMITER_LINE = 1024;

/** FNV-1a over buf[from, to): a cheap fingerprint to skip lines that cannot match a boundary. */
function fingerprint(buf: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * Every line that starts with "--" (the only lines that can be boundary delimiters), found in one pass
 * per buffer and fingerprinted by the text after "--" (padding and line end excluded). Each multipart
 * then compares fingerprints of the candidates inside its own range instead of rescanning its body:
 * with a rescan per level, a message nesting 31 multiparts around 30 MB of short lines took about a
 * minute to parse.
 */
class DelimiterIndex {
  private offsets = new Uint32Array(0);
  private prints = new Uint32Array(0);
  private count = -1;
  constructor(private readonly buf: Uint8Array) {}

  private add(offset: number, print: number): void {
    if (this.count === this.offsets.length) {
      const size = Math.max(1024, this.offsets.length * 2);
      const offsets = new Uint32Array(size);
      const prints = new Uint32Array(size);
      offsets.set(this.offsets);
      prints.set(this.prints);
      this.offsets = offsets;
      this.prints = prints;
    }
    this.offsets[this.count] = offset;
    this.prints[this.count++] = print;
  }

  private build(): void {
    const buf = this.buf;
    this.count = 0;
    // Search for '-' rather than for line ends: base64 bodies contain no '-', so large attachments are
    // skipped by one native scan.
    for (let d = buf.indexOf(DASH); d >= 0; d = buf.indexOf(DASH, d + 1)) {
      if (buf[d + 1] !== DASH || (d > 0 && buf[d - 1] !== LF)) continue;
      const limit = Math.min(buf.length, d + MAX_DELIMITER_LINE);
      let e = d + 2;
      while (e < limit && buf[e] !== LF) e++;
      if (e === limit && limit < buf.length) continue;
      let t = e;
      if (t > d + 2 && buf[t - 1] === CR) t--;
      while (t > d + 2 && (buf[t - 1] === 32 || buf[t - 1] === 9)) t--;
      this.add(d, fingerprint(buf, d + 2, t));
      d = e; // nothing else on this line can start a line
    }
  }

  /** Candidate offsets and fingerprints, and the index of the first candidate at or after `start`. */
  from(start: number): { offsets: Uint32Array; prints: Uint32Array; first: number; count: number } {
    if (this.count < 0) this.build();
    const offsets = this.offsets;
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return { offsets, prints: this.prints, first: lo, count: this.count };
  }
}

/**
 * Splits a multipart body into part ranges (RFC 2046 §5.1.1). A delimiter is "--boundary" at the start
 * of a line, optionally "--" (close), then transport padding, then the line end. The line break before
 * a delimiter belongs to the delimiter, not to the part. Text before the first delimiter (preamble)
 * and after the close delimiter (epilogue) is not a part. Without a close delimiter the last part runs
 * to the end of the body, so a truncated message still parses.
 */
function splitParts(
  buf: Uint8Array,
  start: number,
  end: number,
  boundary: string,
  index: DelimiterIndex,
  maxParts = Number.POSITIVE_INFINITY,
): PartRange[] {
  const delimiter = asciiBytes('--' + boundary);
  const parts: PartRange[] = [];
  let partStart = -1;
  const { offsets, prints, first, count } = index.from(start);
  const open = fingerprint(delimiter, 2, delimiter.length);
  const closing = asciiBytes(boundary + '--');
  const close = fingerprint(closing, 0, closing.length);
  for (let k = first; k < count; k++) {
    const lineStart = offsets[k]!;
    if (lineStart >= end) break;
    if (prints[k] !== open && prints[k] !== close) continue;
    if (lineStart < partStart || !startsWith(buf, lineStart, delimiter, end)) continue;
    let p = lineStart + delimiter.length;
    const isClose = p + 1 < end && buf[p] === DASH && buf[p + 1] === DASH;
    if (isClose) p += 2;
    while (p < end && (buf[p] === 32 || buf[p] === 9)) p++;
    const lineEnds = p >= end || buf[p] === LF || (buf[p] === CR && (p + 1 >= end || buf[p + 1] === LF));
    if (!lineEnds) continue;
    if (partStart >= 0) {
      let contentEnd = lineStart;
      if (contentEnd > partStart && buf[contentEnd - 1] === LF) contentEnd--;
      if (contentEnd > partStart && buf[contentEnd - 1] === CR) contentEnd--;
      parts.push({ start: partStart, end: contentEnd });
      // Enough to exceed the part limit: do not allocate ranges for a million more (the caller throws).
      if (parts.length > maxParts) return parts;
    }
    if (isClose) return parts;
    partStart = p >= end ? end : buf[p] === CR ? Math.min(end, p + 2) : p + 1;
  }
  if (partStart >= 0) parts.push({ start: partStart, end });
  return parts;
}

/** The part ranges of the multipart body buf[start, end) with the given boundary. */
export function splitMultipart(buf: Uint8Array, start: number, end: number, boundary: string): PartRange[] {
  return splitParts(buf, start, end, boundary, new DelimiterIndex(buf));
}

const MESSAGE_RFC822: ContentType = { type: 'message', subtype: 'rfc822', params: {} };

function parseEntity(
  buf: Uint8Array,
  start: number,
  end: number,
  path: string,
  depth: number,
  state: ParseState,
  defaultType: ContentType,
  index: DelimiterIndex,
): MimeEntity {
  if (depth > state.limits.maxDepth) {
    throw new SelloError('mime.too-deep', `MIME structure nested deeper than ${state.limits.maxDepth}.`);
  }
  if (++state.parts > state.limits.maxParts) {
    throw new SelloError('mime.too-many-parts', `Message has more than ${state.limits.maxParts} MIME parts.`);
  }
  const block = readHeaderBlock(buf, start, end, state.limits);
  const headers = block.fields.map(({ name, value }) => ({ name, value }));
  const ctValue = getHeader({ headers }, 'content-type');
  const contentType =
    ctValue === undefined ? { ...defaultType, params: { ...defaultType.params } } : parseContentType(ctValue);
  const entity: MimeEntity = {
    path,
    raw: start === 0 && end === buf.length ? buf : buf.subarray(start, end),
    headers,
    body: buf.subarray(block.bodyStart, end),
    contentType,
    children: [],
  };
  if (contentType.type === 'multipart') {
    const boundary = contentType.params['boundary'];
    // Without a usable boundary the body cannot be split: it stays an opaque leaf.
    // RFC 2046 §5.1.1: 1-70 ASCII characters; longer (up to 200) is tolerated, non-ASCII is not a boundary.
    if (boundary && boundary.length <= 200 && /^[\x20-\x7e]+$/.test(boundary)) {
      const childDefault = contentType.subtype === 'digest' ? MESSAGE_RFC822 : defaultContentType();
      const ranges = splitParts(
        buf,
        block.bodyStart,
        end,
        boundary,
        index,
        state.limits.maxParts - state.parts,
      );
      ranges.forEach((r, i) => {
        entity.children.push(
          parseEntity(buf, r.start, r.end, childPath(path, i + 1), depth + 1, state, childDefault, index),
        );
      });
    }
  } else if (
    contentType.type === 'message' &&
    (contentType.subtype === 'rfc822' || contentType.subtype === 'global')
  ) {
    const cte = getTransferEncoding(entity);
    if (cte === '7bit' || cte === '8bit' || cte === 'binary') {
      entity.children.push(
        parseEntity(
          buf,
          block.bodyStart,
          end,
          childPath(path, 1),
          depth + 1,
          state,
          defaultContentType(),
          index,
        ),
      );
    } else {
      // RFC 2046 §5.2.1 forbids encoding message/rfc822, but it is seen: the inner message is parsed from
      // the decoded bytes, so its `raw` is a view of those rather than of the input.
      const inner = decodeBody(entity);
      entity.children.push(
        parseEntity(
          inner,
          0,
          inner.length,
          childPath(path, 1),
          depth + 1,
          state,
          defaultContentType(),
          new DelimiterIndex(inner),
        ),
      );
    }
  }
  return entity;
}

/**
 * Parses a whole message (or a lone entity) into a tree. Never throws anything but a SelloError with a
 * `mime.*` code: limits give `mime.too-deep`, `mime.too-many-parts`, `mime.header-too-large`; bad
 * limits give `mime.invalid-limits`.
 */
export function parseMessage(bytes: Uint8Array, limits?: Partial<MimeLimits>): MimeEntity {
  if (!(bytes instanceof Uint8Array))
    throw new SelloError('mime.malformed', 'A message must be given as bytes.');
  const state: ParseState = { limits: resolveLimits(limits), parts: 0 };
  return parseEntity(bytes, 0, bytes.length, '', 0, state, defaultContentType(), new DelimiterIndex(bytes));
}
