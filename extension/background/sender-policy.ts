/**
 * Who may send what to the service worker, decided only from what the browser reports about the sender
 * (`MessageSender.id`, `url`, `origin`), never from anything inside the message (Bitwarden's rule;
 * Mailvelope's port names chosen by the caller are the counter-example).
 */
import { SelloError } from '../../shared/errors';
import { MESSAGE_ACCESS, PAGE_PATHS, type PageName, type RequestType } from './messages';

export interface ReportedSender {
  id?: string;
  url?: string;
  origin?: string;
}

export interface Self {
  id: string;
  /** e.g. chrome-extension://<id> (Firefox: moz-extension://<uuid>). */
  origin: string;
}

function refuse(reason: string): SelloError {
  return new SelloError('message.sender-refused', `Message refused: ${reason}.`);
}

/** scheme://host: `URL.origin` is "null" for chrome-extension: outside the browser (Node, tests). */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    // An unparsable URL is simply not one of ours.
    return null;
  }
}

/** Returns the page that sent the message, or throws `message.sender-refused`. */
export function authorizeSender(sender: ReportedSender, type: RequestType, self: Self): PageName {
  if (sender.id !== self.id) throw refuse('not from this extension');
  if (!sender.url) throw refuse('no sender URL');
  const urlOrigin = originOf(sender.url);
  // A content script reports the web page's URL and origin: it is refused here until a message type
  // explicitly allows content scripts (none does yet).
  if (urlOrigin !== self.origin) throw refuse('not an extension page');
  if (sender.origin !== undefined && sender.origin !== self.origin) throw refuse('not an extension page');
  const path = new URL(sender.url).pathname;
  const page = (Object.keys(PAGE_PATHS) as PageName[]).find((p) => PAGE_PATHS[p] === path);
  if (!page) throw refuse('unknown extension page');
  if (!MESSAGE_ACCESS[type].includes(page)) throw refuse(`${page} may not send ${type}`);
  return page;
}
