/**
 * Which OWA tab a Sello draft came from, so the tab's content script can be told about progress and
 * "sent" (UI events only: numbers and ids, never content). In worker memory: if the browser stops the
 * worker the panel simply misses the event, the compose frame still says what happened.
 */
import browser from 'webextension-polyfill';
import { isSelloError } from '../../../shared/errors';
import type { Progress } from '../../../shared/graph/graph-client';
import type { OwaEvent } from './owa-messages';

interface Origin {
  tabId: number;
  owaDraftId: string | null;
}

const drafts = new Map<string, Origin>();
/** The draft being sent right now (compose.send runs one job at a time per frame). */
let sending: string | null = null;

export function rememberDraftOrigin(draftId: string, origin: Origin): void {
  drafts.set(draftId, origin);
}

/** An OWA draft id this tab told us about: the only ids the tab may ask us to delete. */
export function tabKnowsOwaDraft(tabId: number, owaDraftId: string): boolean {
  return [...drafts.values()].some((o) => o.tabId === tabId && o.owaDraftId === owaDraftId);
}

function notify(tabId: number, event: OwaEvent): void {
  // The tab may be gone or navigated away; that is not an error of the send.
  browser.tabs.sendMessage(tabId, event).catch(() => undefined);
}

/** The tab's account chip must offer "sign in again" (an auth error happened in one of our frames). */
export function reportAuthChanged(tabId: number): void {
  notify(tabId, { type: 'sello.auth-changed' });
}

export function reportProgress(p: Progress): void {
  const origin = sending ? drafts.get(sending) : undefined;
  if (sending && origin) notify(origin.tabId, { type: 'sello.progress', draftId: sending, ...p });
}

/** Wraps compose.send: tells the OWA tab (if any) that the message left, so it can offer to discard. */
export async function trackSend<T>(draftId: string, send: () => Promise<T>): Promise<T> {
  sending = draftId;
  try {
    const result = await send();
    const origin = drafts.get(draftId);
    if (origin) {
      notify(origin.tabId, { type: 'sello.sent', draftId, owaDraftId: origin.owaDraftId });
    }
    return result;
  } catch (e) {
    // The compose frame says why; the OWA panel must show "sign in again" when that is the cause.
    const origin = drafts.get(draftId);
    if (origin && isSelloError(e) && /^auth\.|^graph\.unauthorized$/.test(e.code)) {
      notify(origin.tabId, { type: 'sello.auth-changed' });
    }
    throw e;
  } finally {
    sending = null;
  }
}
