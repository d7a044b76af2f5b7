/**
 * The parsed shape of a MIME entity (RFC 2045 §2.4): what the S/MIME layer walks to find signed and
 * enveloped parts, and what it hashes. `raw` is the exact input bytes, so a multipart/signed first part
 * can be verified without re-serialising anything.
 */

/** One header field; `value` is unfolded (CRLF removed, the folding whitespace kept) and not decoded. */
export interface MimeHeader {
  name: string;
  value: string;
}

/** Lower-cased type and subtype; parameter names lower-cased, values with RFC 2231 already applied. */
export interface ContentType {
  type: string;
  subtype: string;
  params: Record<string, string>;
}

export interface MimeEntity {
  /** '' for the root, '1', '1.2' ... for parts (IMAP-style numbering). */
  path: string;
  /** Headers and body exactly as in the input (a view into it, not a copy). */
  raw: Uint8Array;
  headers: MimeHeader[];
  /** The body as in the input, still transfer-encoded. */
  body: Uint8Array;
  contentType: ContentType;
  /** Parts of a multipart, or the single enclosed message of a message/rfc822. */
  children: MimeEntity[];
}
