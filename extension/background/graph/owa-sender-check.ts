/**
 * The sender check for the OWA content script, from what the browser reports (never from the
 * message): our extension id, a tab's top frame, and a page origin that is one of the Microsoft 365
 * OWA origins or an additional host from the `owaHosts` setting. Such a sender may send only the
 * `owa.*` messages (CONTENT_SCRIPT_TYPES); extension pages never send those.
 */
import { SelloError } from '../../../shared/errors';
import { originOf, type Self } from '../sender-policy';
import { MICROSOFT_OWA_ORIGINS, owaHostOrigin } from './owa-hosts';

export interface ContentSender {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number };
  frameId?: number;
}

function refuse(reason: string): SelloError {
  return new SelloError('message.sender-refused', `Message refused: ${reason}.`);
}

/** Returns the sender's tab id, or throws `message.sender-refused`. */
export function checkOwaSender(sender: ContentSender, self: Self, owaHosts: string[]): number {
  if (sender.id !== self.id) throw refuse('not from this extension');
  const tabId = sender.tab?.id;
  if (tabId === undefined || sender.frameId !== 0) throw refuse('not the top frame of a tab');
  const origin = sender.url ? originOf(sender.url) : null;
  if (!origin) throw refuse('no sender URL');
  if (sender.origin !== undefined && sender.origin !== origin) throw refuse('origin mismatch');
  const allowed = [...MICROSOFT_OWA_ORIGINS, ...owaHosts.map(owaHostOrigin)];
  if (!allowed.includes(origin)) throw refuse('not an Outlook on the web page');
  return tabId;
}
