/**
 * A whole RFC 5322 message: top-level headers (From, To, Cc, Subject, Date, Message-ID, MIME-Version)
 * in front of a body entity. Kept apart from the entity because signing and encryption transform the
 * entity and leave these headers outside (RFC 8551 §3.1).
 */
import { concatBytes, utf8 } from '../bytes';
import { SelloError } from '../errors';
import { formatAddressList, parseAddresses, type AddressInput } from './addresses';
import { buildEntity, type BodySpec, type BuildOptions, type EntitySpec } from './build-entity';
import { encodeUnstructured } from './encoded-words';
import { foldHeader } from './fold-header';
import { randomHex, type RandomSource } from './random';
import type { MimeHeader } from './types';

export interface TopLevelHeaders {
  from: AddressInput | AddressInput[];
  /** Required by RFC 5322 §3.6.2 when there is more than one From address. */
  sender?: AddressInput;
  to?: AddressInput[];
  cc?: AddressInput[];
  replyTo?: AddressInput[];
  subject?: string;
  /** Defaults to the clock in the options, else now. */
  date?: Date;
  /** Without angle brackets; generated from the random source and the From domain when absent. */
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  /** Further fields, e.g. X-Mailer. Values are encoded as unstructured text. */
  extraHeaders?: MimeHeader[];
}

/** Bcc is deliberately absent: it must never reach the wire in the message itself. */
export type MessageSpec = TopLevelHeaders & (BodySpec | { body: EntitySpec });

export interface MessageBuildOptions extends BuildOptions {
  now?: () => Date;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC, e.g. `Sun, 29 Nov 2026 03:15:38 +0000`. */
export function formatDate(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new SelloError('mime.invalid-header', 'Invalid date.');
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(
    d.getUTCMinutes(),
  )}:${p(d.getUTCSeconds())} +0000`;
}

const MSG_ID = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+@[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.[\]]+$/;

function checkMessageId(id: string): string {
  const bare = id.trim().replace(/^<|>$/g, '');
  if (!MSG_ID.test(bare)) throw new SelloError('mime.invalid-header', 'Invalid Message-ID.');
  return `<${bare}>`;
}

/** `<random@domain>` with 128 random bits; the domain is the first From address's. */
export function makeMessageId(fromDomain: string, random?: RandomSource): string {
  const domain = /^[A-Za-z0-9.-]+$/.test(fromDomain) ? fromDomain : 'sello.invalid';
  return `<${randomHex(16, random)}@${domain}>`;
}

function firstDomain(from: AddressInput | AddressInput[]): string {
  const first = Array.isArray(from) ? from[0] : from;
  if (first === undefined) throw new SelloError('mime.invalid-address', 'A message needs a From address.');
  const address = typeof first === 'string' ? parseAddresses(first)[0]?.address : first.address;
  const domain = address?.slice(address.lastIndexOf('@') + 1) ?? '';
  try {
    return new URL(`http://${domain || 'sello.invalid'}/`).hostname;
  } catch (e) {
    throw new SelloError('mime.invalid-address', 'The From domain is not valid.', { cause: e });
  }
}

/** The top-level header block (ending with MIME-Version, without the blank line). */
export function formatTopLevelHeaders(h: TopLevelHeaders, options: MessageBuildOptions = {}): string {
  const from = Array.isArray(h.from) ? h.from : [h.from];
  if (from.length === 0) throw new SelloError('mime.invalid-address', 'A message needs a From address.');
  if (from.length > 1 && h.sender === undefined) {
    throw new SelloError(
      'mime.invalid-address',
      'A message with several From addresses needs a Sender (RFC 5322 §3.6.2).',
    );
  }
  const date = h.date ?? options.now?.() ?? new Date();
  let out = foldHeader('Date', formatDate(date));
  out += foldHeader('From', formatAddressList(from));
  if (h.sender !== undefined) out += foldHeader('Sender', formatAddressList(h.sender));
  if (h.to?.length) out += foldHeader('To', formatAddressList(h.to));
  if (h.cc?.length) out += foldHeader('Cc', formatAddressList(h.cc));
  if (h.replyTo?.length) out += foldHeader('Reply-To', formatAddressList(h.replyTo));
  if (h.subject !== undefined) out += foldHeader('Subject', encodeUnstructured(h.subject));
  const messageId =
    h.messageId === undefined
      ? makeMessageId(firstDomain(h.from), options.crypto)
      : checkMessageId(h.messageId);
  out += foldHeader('Message-ID', messageId);
  if (h.inReplyTo !== undefined) out += foldHeader('In-Reply-To', checkMessageId(h.inReplyTo));
  if (h.references?.length) out += foldHeader('References', h.references.map(checkMessageId).join(' '));
  for (const { name, value } of h.extraHeaders ?? []) {
    if (/^(content-|mime-version$|bcc$)/i.test(name)) {
      throw new SelloError('mime.invalid-header', `${name} cannot be set as an extra header.`);
    }
    out += foldHeader(name, encodeUnstructured(value));
  }
  return out + 'MIME-Version: 1.0\r\n';
}

/** Top-level headers in front of an already built body entity. */
export function assembleMessage(
  headers: TopLevelHeaders,
  entity: Uint8Array,
  options: MessageBuildOptions = {},
): Uint8Array {
  return concatBytes(utf8(formatTopLevelHeaders(headers, options)), entity);
}

/** A complete message from headers and either a BodySpec (text/html/attachments) or an explicit tree. */
export function buildMessage(spec: MessageSpec, options: MessageBuildOptions = {}): Uint8Array {
  const entity = 'body' in spec ? buildEntity(spec.body, options) : buildEntity(spec, options);
  return assembleMessage(spec, entity, options);
}
