/**
 * How a finished S/MIME message travels through Graph: sendMail while its base64 fits in Graph's 4 MB
 * request limit, else as the item Exchange stores for S/MIME (IPM.Note.SMIME with the CMS, or
 * IPM.Note.SMIME.MultipartSigned with the signed entity, in smime.p7m).
 */
import { SelloError } from '../../../shared/errors';
import {
  SEND_MAIL_MAX_BASE64,
  type Envelope as GraphEnvelope,
  type SmimeMessageClass,
} from '../../../shared/graph/graph-client';
import { decodeBody, decodeHeaderWords, getHeader, parseAddresses, parseMessage } from '../../../shared/mime';
import { splitHeaderAndBody } from '../../../shared/mime/split-message';
import type { Envelope } from '../transport';

export interface LargePayload {
  messageClass: SmimeMessageClass;
  payload: Uint8Array;
  envelope: GraphEnvelope;
}

/**
 * What the large path uploads for a finished S/MIME message: for application/pkcs7-mime the CMS
 * (the decoded body), for multipart/signed the whole signed entity with its Content-* headers.
 * Anything else cannot travel that way: Exchange would not render it as S/MIME.
 */
export function largePayload(mime: Uint8Array, envelope: Envelope): LargePayload {
  const root = parseMessage(mime);
  const type = `${root.contentType.type}/${root.contentType.subtype}`.toLowerCase();
  const addresses = (name: string) =>
    (getHeader(root, name) ?? '') === ''
      ? []
      : parseAddresses(getHeader(root, name)!).map((a) => a.address.toLowerCase());
  // Only the envelope's recipients receive this copy: a Bcc fork (bccForking) carries the original
  // To/Cc headers but goes to its Bcc recipients alone.
  const wanted = new Set(envelope.recipients.map((r) => r.toLowerCase()));
  const to = addresses('to').filter((a) => wanted.has(a));
  const cc = addresses('cc').filter((a) => wanted.has(a));
  const shown = new Set([...to, ...cc]);
  const graphEnvelope: GraphEnvelope = {
    subject: decodeHeaderWords(getHeader(root, 'subject') ?? ''),
    to,
    cc,
    bcc: envelope.recipients.map((r) => r.toLowerCase()).filter((r) => !shown.has(r)),
  };
  if (type === 'application/pkcs7-mime' || type === 'application/x-pkcs7-mime') {
    return { messageClass: 'IPM.Note.SMIME', payload: decodeBody(root), envelope: graphEnvelope };
  }
  if (type === 'multipart/signed') {
    return {
      messageClass: 'IPM.Note.SMIME.MultipartSigned',
      payload: splitHeaderAndBody(mime).entity,
      envelope: graphEnvelope,
    };
  }
  throw new SelloError(
    'graph.too-large',
    'Only signed or encrypted messages can take the large-message path.',
  );
}

/** sendMail while the base64 MIME fits in Graph's 4 MB request limit. */
export function fitsSendMail(mime: Uint8Array): boolean {
  return Math.ceil(mime.length / 3) * 4 <= SEND_MAIL_MAX_BASE64;
}

/**
 * Whether sendMail with the MIME alone reaches exactly the envelope's recipients: Exchange delivers a
 * MIME send to its To/Cc headers, so a Bcc recipient or a Bcc fork (bccForking) needs the explicit
 * envelope of the large path instead.
 */
export function deliveredByHeaders(mime: Uint8Array, envelope: Envelope): boolean {
  const root = parseMessage(mime);
  const header = (name: string) => {
    const v = getHeader(root, name) ?? '';
    return v === '' ? [] : parseAddresses(v).map((a) => a.address.toLowerCase());
  };
  const shown = new Set([...header('to'), ...header('cc')]);
  const wanted = new Set(envelope.recipients.map((r) => r.toLowerCase()));
  return shown.size === wanted.size && [...wanted].every((r) => shown.has(r));
}

/** A finished S/MIME message (signed or encrypted at the top), which the large path can carry. */
export function isSmimeTop(mime: Uint8Array): boolean {
  const ct = parseMessage(mime).contentType;
  const type = `${ct.type}/${ct.subtype}`.toLowerCase();
  return (
    type === 'multipart/signed' || type === 'application/pkcs7-mime' || type === 'application/x-pkcs7-mime'
  );
}
