/**
 * shared/mime: building, parsing and canonicalising RFC 5322/2045 messages. The public API; other
 * modules import from here, not from the files behind it.
 *
 * How the S/MIME layer uses it:
 * - sign: `splitHeaderAndBody(message)` -> `canonicalize(entity)` -> sign those exact bytes ->
 *   `buildEntity({ kind: 'multipart', subtype: 'signed', params: { protocol, micalg }, parts: [
 *   { kind: 'entity', bytes }, { kind: 'binary', contentType: 'application/pkcs7-signature', ... }] })`
 *   -> `joinHeaderAndBody(headerBytes, signedEntity)`.
 * - encrypt / opaque-sign: the same split, then a `{ kind: 'binary', contentType:
 *   'application/pkcs7-mime', params: { 'smime-type': ... } }` entity.
 * - verify: `parseMessage(message)`; the signed bytes are `root.children[0].raw` (pass them through
 *   `toCrlf` when the message was stored with bare LF); the signature is `decodeBody(children[1])`.
 * - From binding: use `getHeaders(root, 'from')` and `parseAddresses` on each, not just the first.
 */
export type { ContentType, MimeEntity, MimeHeader } from './types';
export { DEFAULT_MIME_LIMITS, resolveLimits, type MimeLimits } from './limits';
export { parseMessage, splitMultipart, type PartRange } from './parse-entity';
export { getHeader, getHeaders } from './header-block';
export {
  parseContentType,
  parseContentDisposition,
  getFilename,
  getDisposition,
  type ContentDisposition,
} from './content-type';
export {
  decodeBody,
  getTransferEncoding,
  decodeBase64Bytes,
  encodeBase64Lines,
  decodeQuotedPrintable,
  encodeQuotedPrintable,
} from './transfer-encoding';
export { decodeText } from './decode-text';
export { decodeCharset } from './charset';
export { decodeHeaderWords, encodeWords, encodeUnstructured, encodePhrase } from './encoded-words';
export { mergeRfc2231Params, encodeParam } from './rfc2231';
export {
  parseAddresses,
  formatAddress,
  formatAddressList,
  type MailAddress,
  type AddressInput,
} from './addresses';
export {
  buildEntity,
  bodyTree,
  chooseTextEncoding,
  type BuildOptions,
  type BodySpec,
  type AttachmentSpec,
  type EntitySpec,
  type TextPartSpec,
  type BinaryPartSpec,
  type MultipartSpec,
  type MessagePartSpec,
  type EntityBytesSpec,
  type Disposition,
} from './build-entity';
export {
  buildMessage,
  assembleMessage,
  formatTopLevelHeaders,
  formatDate,
  makeMessageId,
  type MessageSpec,
  type TopLevelHeaders,
  type MessageBuildOptions,
} from './build-message';
export { canonicalize, makeSevenBitSafe, toCrlf } from './canonicalize';
export { splitHeaderAndBody, joinHeaderAndBody, type SplitMessage } from './split-message';
export { randomBoundary, type RandomSource } from './random';
export { foldHeader } from './fold-header';
