/**
 * Rewrites header fields that carry raw 8-bit bytes (RFC 6532 UTF-8 headers, or Latin-1 from old
 * clients) into 7-bit form: RFC 2231 parameters, RFC 2047 words, IDNA domains. Used when canonicalising,
 * since a relay without SMTPUTF8 would otherwise mangle them inside signed content.
 */
import { formatAddressList, parseAddresses } from './addresses';
import { formatParams } from './content-type';
import { encodeUnstructured } from './encoded-words';
import { foldHeader } from './fold-header';
import { splitHeaderParams } from './header-params';
import { mergeRfc2231Params } from './rfc2231';

const ADDRESS_FIELDS = new Set([
  'from',
  'sender',
  'reply-to',
  'to',
  'cc',
  'bcc',
  'resent-from',
  'resent-sender',
  'resent-to',
  'resent-cc',
  'resent-bcc',
]);

export function hasEightBit(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return true;
  return false;
}

/** One field re-encoded as folded 7-bit header text (with its CRLF). */
export function sevenBitField(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (lower === 'content-type' || lower === 'content-disposition') {
    const { value: main, params } = splitHeaderParams(value);
    return foldHeader(name, formatParams(main, mergeRfc2231Params(params)));
  }
  if (ADDRESS_FIELDS.has(lower)) return foldHeader(name, formatAddressList(parseAddresses(value)));
  return foldHeader(name, encodeUnstructured(value));
}
