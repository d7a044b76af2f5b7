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
interface PartRange {
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

/**
 * Splits a multipart body into part ranges (RFC 2046 §5.1.1). A delimiter is "--boundary" at the start
 * of a line, optionally "--" (close), then transport padding, then the line end. The line break before
 * a delimiter belongs to the delimiter, not to the part. Text before the first delimiter (preamble)
 * and after the close delimiter (epilogue) is not a part. Without a close delimiter the last part runs
 * to the end of the body, so a truncated message still parses.
 */
export function splitMultipart(buf: Uint8Array, start: number, end: number, boundary: string): PartRange[] {
  const delimiter = asciiBytes('--' + boundary);
  const parts: PartRange[] = [];
  let partStart = -1;
  let lineStart = start;
  while (lineStart < end) {
    if (buf[lineStart] === DASH && startsWith(buf, lineStart, delimiter, end)) {
      let p = lineStart + delimiter.length;
      const close = p + 1 < end && buf[p] === DASH && buf[p + 1] === DASH;
      if (close) p += 2;
      while (p < end && (buf[p] === 32 || buf[p] === 9)) p++;
      const lineEnds = p >= end || buf[p] === LF || (buf[p] === CR && (p + 1 >= end || buf[p + 1] === LF));
      if (lineEnds) {
        if (partStart >= 0) {
          let contentEnd = lineStart;
          if (contentEnd > partStart && buf[contentEnd - 1] === LF) contentEnd--;
          if (contentEnd > partStart && buf[contentEnd - 1] === CR) contentEnd--;
          parts.push({ start: partStart, end: contentEnd });
        }
        if (close) return parts;
        const next = p >= end ? end : buf[p] === CR ? Math.min(end, p + 2) : p + 1;
        partStart = next;
        lineStart = next;
        continue;
      }
    }
    const lf = buf.indexOf(LF, lineStart);
    if (lf < 0 || lf >= end) break;
    lineStart = lf + 1;
  }
  if (partStart >= 0) parts.push({ start: partStart, end });
  return parts;
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
      const ranges = splitMultipart(buf, block.bodyStart, end, boundary);
      ranges.forEach((r, i) => {
        entity.children.push(
          parseEntity(buf, r.start, r.end, childPath(path, i + 1), depth + 1, state, childDefault),
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
        parseEntity(buf, block.bodyStart, end, childPath(path, 1), depth + 1, state, defaultContentType()),
      );
    } else {
      // RFC 2046 §5.2.1 forbids encoding message/rfc822, but it is seen: the inner message is parsed from
      // the decoded bytes, so its `raw` is a view of those rather than of the input.
      const inner = decodeBody(entity);
      entity.children.push(
        parseEntity(inner, 0, inner.length, childPath(path, 1), depth + 1, state, defaultContentType()),
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
  return parseEntity(bytes, 0, bytes.length, '', 0, state, defaultContentType());
}
