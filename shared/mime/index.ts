/**
 * shared/mime: building, parsing and canonicalising RFC 5322/2045 messages. The public API; other
 * modules import from here, not from the files behind it.
 */
export type { ContentType, MimeEntity, MimeHeader } from './types';
export { DEFAULT_MIME_LIMITS, resolveLimits, type MimeLimits } from './limits';
export { parseMessage, splitMultipart } from './parse-entity';
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
