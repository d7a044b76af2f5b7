/**
 * The Graph transport behind the compose frame's `Transport`: small messages go as MIME through
 * sendMail; larger ones take the path Exchange uses to store S/MIME (a draft of class IPM.Note.SMIME
 * carrying the CMS, or IPM.Note.SMIME.MultipartSigned carrying the signed entity, as smime.p7m through
 * an upload session, then send). Bcc comes from the envelope because it is not in the message.
 * Progress of the large path goes to the OWA tab that started the compose (UI numbers only).
 */
import type { Progress } from '../../../shared/graph/graph-client';
import type { Transport } from '../transport';
import { withGraph } from './graph-access';
import { deliveredByHeaders, fitsSendMail, isSmimeTop, largePayload } from './large-payload';

export function graphTransport(onProgress: (p: Progress) => void = () => undefined): Transport {
  return {
    async send(mime, envelope) {
      // sendMail delivers to the MIME's To/Cc headers; with Bcc recipients (or a Bcc fork) an S/MIME
      // message takes the path with an explicit envelope whatever its size.
      if (fitsSendMail(mime) && (deliveredByHeaders(mime, envelope) || !isSmimeTop(mime))) {
        await withGraph((g) => g.sendMime(mime));
        onProgress({ sent: mime.length, total: mime.length });
        return;
      }
      const large = largePayload(mime, envelope);
      await withGraph((g) => g.sendLargeSmime(large.envelope, large.messageClass, large.payload, onProgress));
    },
  };
}
