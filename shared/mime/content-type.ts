/**
 * Content-Type and Content-Disposition (RFC 2045 §5, RFC 2183), parameters with RFC 2231 applied,
 * and the attachment file name as real mail spells it.
 */
import { SelloError } from '../errors';
import { decodeHeaderWords } from './encoded-words';
import { getHeader } from './header-block';
import { splitHeaderParams } from './header-params';
import { encodeParam, mergeRfc2231Params } from './rfc2231';
import type { ContentType, MimeEntity, MimeHeader } from './types';

const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;

/** RFC 2045 §5.2: no Content-Type means text/plain; charset=us-ascii. */
export function defaultContentType(): ContentType {
  return { type: 'text', subtype: 'plain', params: { charset: 'us-ascii' } };
}

/**
 * Parses a Content-Type value. RFC 2045 §5.2 recommends the default for a syntactically invalid
 * value, so garbage yields text/plain rather than an error (and is never treated as multipart).
 */
export function parseContentType(value: string | undefined): ContentType {
  if (value === undefined) return defaultContentType();
  const { value: main, params } = splitHeaderParams(value);
  const slash = main.indexOf('/');
  const type = main.slice(0, slash).trim().toLowerCase();
  const subtype = main
    .slice(slash + 1)
    .trim()
    .toLowerCase();
  if (slash < 0 || !TOKEN.test(type) || !TOKEN.test(subtype)) return defaultContentType();
  return { type, subtype, params: mergeRfc2231Params(params) };
}

export interface ContentDisposition {
  /** 'inline', 'attachment' or whatever the sender wrote, lower-cased; '' when absent. */
  type: string;
  params: Record<string, string>;
}

export function parseContentDisposition(value: string | undefined): ContentDisposition {
  if (value === undefined) return { type: '', params: {} };
  const { value: main, params } = splitHeaderParams(value);
  return { type: main.toLowerCase(), params: mergeRfc2231Params(params) };
}

/**
 * The file name of an attachment: Content-Disposition filename (RFC 2183, RFC 2231), else the older
 * Content-Type name. RFC 2047 words inside the quotes are not standard but are what Outlook and Gmail
 * send, so they are decoded too. Returned as the sender wrote it: callers must still sanitise it for
 * a file system.
 */
export function getFilename(entity: Pick<MimeEntity, 'headers' | 'contentType'>): string | undefined {
  const disposition = parseContentDisposition(getHeader(entity, 'content-disposition'));
  const name = disposition.params['filename'] ?? entity.contentType.params['name'];
  if (name === undefined) return undefined;
  return decodeHeaderWords(name);
}

/** The entity's disposition type ('' when not given). */
export function getDisposition(entity: { headers: MimeHeader[] }): string {
  return parseContentDisposition(getHeader(entity, 'content-disposition')).type;
}

/** A structured value with parameters, e.g. `text/plain; charset=utf-8`, each parameter encoded. */
export function formatParams(value: string, params: Record<string, string>): string {
  const parts = [value];
  for (const [k, v] of Object.entries(params)) {
    if (!/^[A-Za-z0-9!#$&+\-.^_`|~]+$/.test(k)) {
      throw new SelloError(
        'mime.invalid-content-type',
        `Invalid parameter name ${JSON.stringify(k.slice(0, 40))}.`,
      );
    }
    parts.push(...encodeParam(k, v));
  }
  return parts.join('; ');
}
