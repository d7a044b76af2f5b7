/**
 * Builds MIME entities (RFC 2045/2046) as bytes: CRLF everywhere, 7-bit safe (quoted-printable for
 * text that needs it, base64 for binary), header lines folded under 76 characters. The result is a body
 * entity: Content-* headers and body, no From/To, because an S/MIME signature covers exactly this.
 */
import { concatBytes, utf8 } from '../bytes';
import { isSelloError, SelloError } from '../errors';
import { canonicalize } from './canonicalize';
import { formatParams } from './content-type';
import { encodeWords } from './encoded-words';
import { foldHeader } from './fold-header';
import { randomBoundary, type RandomSource } from './random';
import { encodeParam, quoteParamValue } from './rfc2231';
import { encodeBase64Lines, encodeQuotedPrintable } from './transfer-encoding';

export interface BuildOptions {
  /** Source of boundaries (and Message-IDs); defaults to globalThis.crypto. */
  crypto?: RandomSource;
}

export type Disposition = 'inline' | 'attachment';

/** Text (text/plain by default), UTF-8, line ends normalised to CRLF. */
export interface TextPartSpec {
  kind: 'text';
  subtype?: string;
  text: string;
  filename?: string;
  disposition?: Disposition;
}

/** Any bytes, always base64. */
export interface BinaryPartSpec {
  kind: 'binary';
  /** `type/subtype`, e.g. `image/png`. */
  contentType: string;
  /** Further Content-Type parameters, e.g. `{ 'smime-type': 'enveloped-data' }`. */
  params?: Record<string, string>;
  data: Uint8Array;
  filename?: string;
  disposition?: Disposition;
  /** Without angle brackets; referenced from HTML as `cid:...` (RFC 2392). */
  contentId?: string;
}

export interface MultipartSpec {
  kind: 'multipart';
  /** mixed, alternative, related, signed... */
  subtype: string;
  parts: EntitySpec[];
  /** Extra Content-Type parameters (e.g. `type` for related, `protocol`/`micalg` for signed). */
  params?: Record<string, string>;
  /** Fixed boundary (tests, reproducible output); random by default. */
  boundary?: string;
}

/** A forwarded message, as message/rfc822. */
export interface MessagePartSpec {
  kind: 'message';
  message: Uint8Array;
  filename?: string;
}

/** An entity built elsewhere (e.g. a signature part), inserted unchanged. */
export interface EntityBytesSpec {
  kind: 'entity';
  bytes: Uint8Array;
}

export type EntitySpec = TextPartSpec | BinaryPartSpec | MultipartSpec | MessagePartSpec | EntityBytesSpec;

export interface AttachmentSpec {
  filename: string;
  /** Defaults to application/octet-stream. */
  contentType?: string;
  data: Uint8Array;
  /** Makes the attachment an inline image of the HTML body (multipart/related). */
  contentId?: string;
  /** With a contentId: false keeps it a normal attachment. Default true. */
  inline?: boolean;
}

/** The usual shape of a mail body; turned into the conventional tree by `bodyTree`. */
export interface BodySpec {
  text?: string;
  html?: string;
  attachments?: AttachmentSpec[];
}

const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+$/;
const SUBTYPE = /^[A-Za-z0-9!#$&^_.+-]+$/;
const CRLF = utf8('\r\n');

function checkMediaType(t: string): string {
  if (!MEDIA_TYPE.test(t))
    throw new SelloError('mime.invalid-content-type', `Not a media type: ${JSON.stringify(t.slice(0, 80))}.`);
  return t.toLowerCase();
}

function checkContentId(id: string): string {
  const bare = id.replace(/^<|>$/g, '');
  if (!/^[\x21-\x3b\x3d\x3f-\x7e]+$/.test(bare)) {
    throw new SelloError(
      'mime.invalid-header',
      'A Content-ID must be printable ASCII without spaces or brackets.',
    );
  }
  return `<${bare}>`;
}

/**
 * text/plain + text/html -> multipart/alternative; inline images -> multipart/related around the HTML
 * (inside the alternative, as Thunderbird and Apple Mail do, so the text part stays image-free);
 * attachments -> multipart/mixed around all of it.
 */
export function bodyTree(spec: BodySpec): EntitySpec {
  const attachments = spec.attachments ?? [];
  const isInline = (a: AttachmentSpec) =>
    a.contentId !== undefined && a.inline !== false && spec.html !== undefined;
  const toPart = (a: AttachmentSpec, disposition: Disposition): BinaryPartSpec => ({
    kind: 'binary',
    contentType: a.contentType ?? 'application/octet-stream',
    data: a.data,
    filename: a.filename,
    disposition,
    ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
  });
  let html: EntitySpec | undefined =
    spec.html === undefined ? undefined : { kind: 'text', subtype: 'html', text: spec.html };
  const inline = attachments.filter(isInline);
  if (html && inline.length > 0) {
    html = {
      kind: 'multipart',
      subtype: 'related',
      params: { type: 'text/html' },
      parts: [html, ...inline.map((a) => toPart(a, 'inline'))],
    };
  }
  const text: EntitySpec | undefined =
    spec.text === undefined ? undefined : { kind: 'text', text: spec.text };
  let body: EntitySpec;
  if (text && html) body = { kind: 'multipart', subtype: 'alternative', parts: [text, html] };
  else body = html ?? text ?? { kind: 'text', text: '' };
  const rest = attachments.filter((a) => !isInline(a));
  if (rest.length === 0) return body;
  return { kind: 'multipart', subtype: 'mixed', parts: [body, ...rest.map((a) => toPart(a, 'attachment'))] };
}

type TextEncoding = '7bit' | 'quoted-printable' | 'base64';

/**
 * 7bit only for short-lined ASCII that relays cannot alter: no trailing whitespace (stripped by some),
 * no line starting "From " (mbox quoting). Otherwise quoted-printable, or base64 when most bytes are
 * non-ASCII (Japanese text triples in size under quoted-printable).
 */
export function chooseTextEncoding(bytes: Uint8Array): TextEncoding {
  let high = 0;
  let unsafe = false;
  let col = 0;
  let last = -1; // last byte of the current line, line break excluded
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) high++;
    if (c === 10 || c === 13) {
      if (last === 32 || last === 9) unsafe = true;
      col = 0;
      last = -1;
      continue;
    }
    if (c >= 0x80 || c === 0 || ++col > 76) unsafe = true;
    if (
      col === 1 &&
      c === 70 &&
      bytes[i + 1] === 114 &&
      bytes[i + 2] === 111 &&
      bytes[i + 3] === 109 &&
      bytes[i + 4] === 32
    ) {
      unsafe = true;
    }
    last = c;
  }
  if (last === 32 || last === 9) unsafe = true;
  if (!unsafe) return '7bit';
  return high * 3 > bytes.length ? 'base64' : 'quoted-printable';
}

function encodeBody(bytes: Uint8Array, cte: TextEncoding): Uint8Array {
  if (cte === 'base64') return encodeBase64Lines(bytes);
  if (cte === 'quoted-printable') return encodeQuotedPrintable(bytes);
  return bytes;
}

function dispositionHeader(disposition: Disposition | undefined, filename: string | undefined): string {
  if (!disposition && filename === undefined) return '';
  const value = [
    disposition ?? 'attachment',
    ...(filename === undefined ? [] : encodeParam('filename', filename)),
  ].join('; ');
  return foldHeader('Content-Disposition', value);
}

/** The Content-Type `name` parameter old readers use: RFC 2047 words in quotes, as Outlook writes it. */
function nameParam(filename: string): string {
  if (/^[\x20-\x7e]*$/.test(filename) && !filename.includes('=?')) return `name=${quoteParamValue(filename)}`;
  return `name="${encodeWords(filename)}"`;
}

function entity(headers: string, body: Uint8Array): Uint8Array {
  return concatBytes(utf8(headers), CRLF, body);
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0]!;
  for (
    let i = haystack.indexOf(first);
    i >= 0 && i + needle.length <= haystack.length;
    i = haystack.indexOf(first, i + 1)
  ) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

function buildText(spec: TextPartSpec): Uint8Array {
  const subtype = spec.subtype ?? 'plain';
  if (!SUBTYPE.test(subtype)) throw new SelloError('mime.invalid-content-type', 'Invalid text subtype.');
  const bytes = utf8(spec.text.replace(/\r\n|\r|\n/g, '\r\n'));
  const cte = chooseTextEncoding(bytes);
  let type = `text/${subtype.toLowerCase()}; charset=utf-8`;
  if (spec.filename !== undefined) type += `; ${nameParam(spec.filename)}`;
  const headers =
    foldHeader('Content-Type', type) +
    foldHeader('Content-Transfer-Encoding', cte) +
    dispositionHeader(spec.disposition, spec.filename);
  return entity(headers, encodeBody(bytes, cte));
}

function buildBinary(spec: BinaryPartSpec): Uint8Array {
  let type = formatParams(checkMediaType(spec.contentType), spec.params ?? {});
  if (spec.filename !== undefined) type += `; ${nameParam(spec.filename)}`;
  let headers = foldHeader('Content-Type', type) + foldHeader('Content-Transfer-Encoding', 'base64');
  if (spec.contentId !== undefined) headers += foldHeader('Content-ID', checkContentId(spec.contentId));
  headers += dispositionHeader(spec.disposition, spec.filename);
  return entity(headers, encodeBase64Lines(spec.data));
}

function isSevenBitClean(b: Uint8Array): boolean {
  let col = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c >= 0x80 || c === 0) return false;
    if (c === 10) col = 0;
    else if (++col > 998) return false;
  }
  return true;
}

function buildMessagePart(spec: MessagePartSpec): Uint8Array {
  let type = 'message/rfc822';
  if (spec.filename !== undefined) type += `; ${nameParam(spec.filename)}`;
  const disposition = dispositionHeader(
    spec.filename === undefined ? undefined : 'attachment',
    spec.filename,
  );
  let clean: Uint8Array | undefined;
  try {
    clean = canonicalize(spec.message);
  } catch (e) {
    // A message we cannot parse is still forwarded, opaquely, as base64 below.
    if (!isSelloError(e)) throw e;
  }
  if (clean && isSevenBitClean(clean)) {
    return entity(
      foldHeader('Content-Type', type) + foldHeader('Content-Transfer-Encoding', '7bit') + disposition,
      clean,
    );
  }
  // 8-bit bytes that canonicalisation must leave alone (inside a signed part, in a preamble) or an
  // unparsable message: base64, tolerated by readers (and by our parser), is the only 7-bit form left.
  return entity(
    foldHeader('Content-Type', type) + foldHeader('Content-Transfer-Encoding', 'base64') + disposition,
    encodeBase64Lines(spec.message),
  );
}

const MAX_BOUNDARY_TRIES = 8;

function buildMultipart(spec: MultipartSpec, random: RandomSource | undefined): Uint8Array {
  if (!SUBTYPE.test(spec.subtype))
    throw new SelloError('mime.invalid-content-type', 'Invalid multipart subtype.');
  if (spec.parts.length === 0)
    throw new SelloError('mime.invalid-content-type', 'A multipart needs at least one part.');
  const children = spec.parts.map((p) => buildSpec(p, random));
  let boundary = spec.boundary ?? randomBoundary(random);
  for (let tries = 0; children.some((c) => containsBytes(c, utf8('--' + boundary))); tries++) {
    if (spec.boundary !== undefined || tries >= MAX_BOUNDARY_TRIES) {
      throw new SelloError('mime.boundary-collision', 'A part contains the multipart boundary.');
    }
    boundary = randomBoundary(random);
  }
  if (!/^[0-9A-Za-z'()+_,\-./:=? ]{1,69}[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary)) {
    throw new SelloError('mime.invalid-content-type', 'Invalid multipart boundary (RFC 2046 §5.1.1).');
  }
  const headers = foldHeader(
    'Content-Type',
    formatParams(`multipart/${spec.subtype.toLowerCase()}`, { ...spec.params, boundary }),
  );
  const chunks: Uint8Array[] = [utf8(headers), CRLF];
  for (const child of children) {
    chunks.push(utf8(`--${boundary}\r\n`), child, CRLF);
  }
  chunks.push(utf8(`--${boundary}--\r\n`));
  return concatBytes(...chunks);
}

function buildSpec(spec: EntitySpec, random: RandomSource | undefined): Uint8Array {
  switch (spec.kind) {
    case 'text':
      return buildText(spec);
    case 'binary':
      return buildBinary(spec);
    case 'multipart':
      return buildMultipart(spec, random);
    case 'message':
      return buildMessagePart(spec);
    case 'entity':
      return spec.bytes;
    default:
      throw new SelloError('mime.invalid-content-type', 'Unknown entity kind.');
  }
}

/**
 * A body entity (Content-* headers, blank line, body) for either the usual text/html/attachments shape
 * or an explicit tree of parts.
 */
export function buildEntity(spec: BodySpec | EntitySpec, options: BuildOptions = {}): Uint8Array {
  const tree = 'kind' in spec ? spec : bodyTree(spec);
  return buildSpec(tree, options.crypto);
}
