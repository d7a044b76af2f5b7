/**
 * Byte-level split of a message into its RFC 5322 fields and its body entity, for signing and
 * encrypting: From/To/Subject/Date/Message-ID ... stay outside the protected entity, Content-* fields go
 * in with the body (RFC 8551 §3.1). Works on bytes so a 32 MB message is never turned into a string.
 */
import { concatBytes, fromUtf8 } from '../bytes';
import { SelloError } from '../errors';

export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  if (needle.length === 0) return from;
  const first: number = needle[0]!;
  const last = haystack.length - needle.length;
  outer: for (
    let i = haystack.indexOf(first, from);
    i >= 0 && i <= last;
    i = haystack.indexOf(first, i + 1)
  ) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** Header fields of one header block, each with its exact bytes (continuation lines included). */
interface RawField {
  name: string;
  bytes: Uint8Array;
}

/** 256 KiB of headers is far beyond any real message; more is refused rather than scanned. */
const MAX_HEADER_BYTES = 256 * 1024;

function headerEnd(message: Uint8Array): { end: number; bodyStart: number } {
  const limit = Math.min(message.length, MAX_HEADER_BYTES);
  for (let i = 0; i < limit; i++) {
    if (message[i] !== 0x0a) continue;
    if (i === 0) return { end: 0, bodyStart: 1 };
    if (message[i + 1] === 0x0a) return { end: i + 1, bodyStart: i + 2 };
    if (message[i + 1] === 0x0d && message[i + 2] === 0x0a) return { end: i + 1, bodyStart: i + 3 };
  }
  if (message.length > MAX_HEADER_BYTES) {
    throw new SelloError('mime.header-too-large', 'The message header is larger than 256 KiB.');
  }
  // No blank line: the whole input is a header block with an empty body.
  return { end: message.length, bodyStart: message.length };
}

function fields(block: Uint8Array): RawField[] {
  const out: RawField[] = [];
  let start = 0;
  for (let i = 0; i <= block.length; i++) {
    const atEnd = i === block.length;
    if (!atEnd && block[i] !== 0x0a) continue;
    const next = atEnd ? block.length : i + 1;
    const continues = !atEnd && (block[next] === 0x20 || block[next] === 0x09);
    if (continues) continue;
    const bytes = block.subarray(start, next);
    if (bytes.length > 0) {
      const colon = bytes.indexOf(0x3a);
      if (colon <= 0) throw new SelloError('mime.malformed', 'A header line has no field name.');
      out.push({ name: fromUtf8(bytes.subarray(0, colon)).trim().toLowerCase(), bytes });
    }
    start = next;
  }
  return out;
}

function withCrlf(b: Uint8Array): Uint8Array {
  if (b.length > 0 && b[b.length - 1] === 0x0a && b[b.length - 2] !== 0x0d) {
    return concatBytes(b.subarray(0, b.length - 1), new Uint8Array([0x0d, 0x0a]));
  }
  if (b.length > 0 && b[b.length - 1] !== 0x0a) return concatBytes(b, new Uint8Array([0x0d, 0x0a]));
  return b;
}

/**
 * The entity as a view of the message when its bytes already appear there in order: the Content-*
 * fields are the last ones of the header block, each ends in CRLF, and so does the blank line. Most
 * mail is written that way, and the body (the whole 32 MB) is then not copied.
 */
function contiguousTail(
  message: Uint8Array,
  all: RawField[],
  inner: RawField[],
  end: number,
  bodyStart: number,
): Uint8Array | undefined {
  const first = inner[0];
  if (!first || all.slice(all.length - inner.length).some((f, k) => f !== inner[k])) return undefined;
  if (bodyStart - end !== 2 || message[end] !== 0x0d) return undefined;
  for (const f of inner) if (withCrlf(f.bytes) !== f.bytes) return undefined;
  return message.subarray(first.bytes.byteOffset - message.byteOffset);
}

/**
 * `headers`: the RFC 5322 fields (not MIME-Version, which the caller writes), CRLF-terminated;
 * `entity`: the Content-* fields, a blank line and the body, exactly as given (canonicalise it next).
 */
export function splitTopLevel(message: Uint8Array): { headers: Uint8Array; entity: Uint8Array } {
  const { end, bodyStart } = headerEnd(message);
  const all = fields(message.subarray(0, end));
  const outer = all.filter((f) => !f.name.startsWith('content-') && f.name !== 'mime-version');
  const inner = all.filter((f) => f.name.startsWith('content-'));
  const headers = concatBytes(...outer.map((f) => withCrlf(f.bytes)));
  const tail = contiguousTail(message, all, inner, end, bodyStart);
  if (tail) return { headers, entity: tail };
  return {
    headers,
    entity: concatBytes(
      ...inner.map((f) => withCrlf(f.bytes)),
      new Uint8Array([0x0d, 0x0a]),
      message.subarray(bodyStart),
    ),
  };
}
