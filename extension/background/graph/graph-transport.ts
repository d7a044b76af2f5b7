/**
 * The Graph transport behind the compose frame's `Transport`: small messages go as MIME through
 * sendMail; larger ones take the path Exchange uses to store S/MIME (a draft of class IPM.Note.SMIME
 * carrying the CMS, or IPM.Note.SMIME.MultipartSigned carrying the signed entity, as smime.p7m through
 * an upload session, then send). Bcc comes from the envelope because it is not in the message.
 * Progress of the large path goes to the OWA tab that started the compose (UI numbers only).
 */

import { SelloError } from '../../../shared/errors';
import {
  SEND_MAIL_MAX_BASE64,
  type Envelope as GraphEnvelope,
  type Progress,
  type SmimeMessageClass,
} from '../../../shared/graph/graph-client';
import { decodeBody, decodeHeaderWords, getHeader, parseAddresses, parseMessage } from '../../../shared/mime';
import { splitHeaderAndBody } from '../../../shared/mime/split-message';
import type { Envelope, Transport } from '../transport';
import { withGraph } from './graph-access';

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
  const to = addresses('to');
  const cc = addresses('cc');
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

export function graphTransport(onProgress: (p: Progress) => void = () => undefined): Transport {
  return {
    async send(mime, envelope) {
      if (fitsSendMail(mime)) {
        await withGraph((g) => g.sendMime(mime));
        onProgress({ sent: mime.length, total: mime.length });
        return;
      }
      const large = largePayload(mime, envelope);
      await withGraph((g) => g.sendLargeSmime(large.envelope, large.messageClass, large.payload, onProgress));
    },
  };
}
