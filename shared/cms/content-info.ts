/**
 * ContentInfo (RFC 5652 §3), the envelope around every CMS structure: reading it strictly and writing
 * it. Anything unreadable is `cms.malformed`, whatever asn1js made of it.
 */
import type * as asn1js from 'asn1js';
import { SelloError } from '../errors';
import { explicit, oid, parseDer, sequence } from '../keys/der';
import { derExplicit, derOid, derSequence } from './der-writer';

export const malformed = (what = 'The CMS structure is not well-formed.'): SelloError =>
  new SelloError('cms.malformed', what);

export interface ParsedContentInfo {
  contentType: string;
  /** The [0] EXPLICIT content, parsed. */
  content: asn1js.AsnType;
}

export function parseContentInfo(der: Uint8Array): ParsedContentInfo {
  if (!(der instanceof Uint8Array) || der.length === 0) throw malformed();
  const items = sequence(parseDer(der, malformed), malformed, 2, 2);
  return { contentType: oid(items[0], malformed), content: explicit(items[1], 0, malformed) };
}

/** ContentInfo ::= SEQUENCE { contentType, content [0] EXPLICIT ANY } */
export function encodeContentInfo(contentType: string, content: Uint8Array): Uint8Array {
  return derSequence(derOid(contentType), derExplicit(0, content));
}

/** Runs a reader and turns anything but a SelloError into `cms.malformed`. */
export function readingCms<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof SelloError) throw e;
    throw new SelloError('cms.malformed', 'The CMS structure is not well-formed.', { cause: e });
  }
}
