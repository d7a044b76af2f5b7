/**
 * How a finished MIME message leaves the extension. `local-http` posts it to a URL on this machine
 * (tests and the demo: a stand-in mail server); Graph (sendMail with MIME) implements the same
 * interface in the next issue. The body is the exact MIME; the envelope recipients travel in a header
 * because Bcc addresses are not in the message.
 */
import browser from 'webextension-polyfill';
import { SelloError } from '../../shared/errors';
import { graphConfigured } from './graph/graph-access';
import { graphTransport } from './graph/graph-transport';
import { reportProgress } from './graph/owa-tabs';

export interface Envelope {
  from: string;
  recipients: string[];
}

export interface Transport {
  send(mime: Uint8Array, envelope: Envelope): Promise<void>;
}

const LOCAL = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?\//;

export function checkLocalUrl(url: string): string {
  if (!LOCAL.test(url)) {
    throw new SelloError(
      'net.transport-url',
      'The local transport only posts to http://127.0.0.1 or localhost.',
    );
  }
  return url;
}

export function localHttpTransport(url: string): Transport {
  checkLocalUrl(url);
  return {
    async send(mime, envelope) {
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers: {
            'Content-Type': 'message/rfc822',
            'X-Sello-Mail-From': envelope.from,
            'X-Sello-Rcpt-To': envelope.recipients.join(','),
          },
          body: new Blob([mime as BlobPart]),
        });
      } catch (e) {
        throw new SelloError('net.unreachable', 'The mail server could not be reached.', { cause: e });
      }
      if (!res.ok) {
        throw new SelloError('net.send-refused', `The mail server refused the message (HTTP ${res.status}).`);
      }
    },
  };
}

const KEY = 'transport';

export async function transportUrl(): Promise<string> {
  const stored = await browser.storage.local.get(KEY);
  const v = stored[KEY] as { url?: string } | undefined;
  return v?.url ?? '';
}

export async function setTransportUrl(url: string): Promise<string> {
  if (url !== '') checkLocalUrl(url);
  await browser.storage.local.set({ [KEY]: { kind: 'local-http', url } });
  return url;
}

export async function currentTransport(): Promise<Transport> {
  const url = await transportUrl();
  // The demo URL is an explicit choice in the options; otherwise Graph when the organisation set it up.
  if (!url && (await graphConfigured())) return graphTransport(reportProgress);
  if (!url) throw new SelloError('net.no-transport', 'No way to send mail is set up yet.');
  return localHttpTransport(url);
}
