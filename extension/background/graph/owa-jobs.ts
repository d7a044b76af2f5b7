/**
 * What the OWA content script can ask for. Every answer is an id, a token or a status: plaintext goes
 * from here to the extension-origin frames only (a sealed draft the compose frame loads, a staged
 * message the read frame opens), so the OWA page, which holds the content script's DOM, never sees it.
 *
 * Open and Reply answer at once with a token or a draft id, before any fetch or decryption: the
 * message is fetched and opened only when Sello's own frame asks for it, and every outcome (a Graph
 * error, a message that does not decrypt or verify) is told to that frame. The page, which can watch
 * the content script's answers and DOM, learns nothing about the message (no decryption oracle).
 */
import { toBase64 } from '../../../shared/bytes';
import { loadDraft, saveDraft } from '../drafts';
import { SelloError, isSelloError } from '../../../shared/errors';
import { openForReading, stageLoader } from '../jobs/read-jobs';
import type { Draft } from '../messages';
import { replyDefaults } from '../send-options';
import { currentSettings } from '../settings';
import { authStatus, signInInteractive, signOut } from '../auth/entra-session';
import { withGraph } from './graph-access';
import { MAX_TAKEN_OVER_COUNT, takeOverAttachments, type NotTakenOver } from './owa-attachments';
import type { OwaReplyMap } from './owa-messages';
import { rememberDraftOrigin, reportAuthChanged, tabKnowsOwaDraft } from './owa-tabs';
import { quoteShown, textToHtml, toRestId } from './reply-quote';

function newDraftId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

/** Fetches a message's MIME; an auth error also makes the tab's chip offer "sign in again". */
async function fetchMime(tabId: number, messageId: string): Promise<Uint8Array> {
  try {
    return await withGraph((g) => g.getMime(toRestId(messageId)));
  } catch (e) {
    if (isSelloError(e) && /^auth\.|^graph\.unauthorized$/.test(e.code)) reportAuthChanged(tabId);
    throw e;
  }
}

/** Replies announced to a tab and built when their compose frame first loads the draft. */
const pendingReplies = new Map<string, { tabId: number; messageId: string; raw: Uint8Array | null }>();

async function buildReply(draftId: string, p: { tabId: number; messageId: string; raw: Uint8Array | null }) {
  p.raw ??= await fetchMime(p.tabId, p.messageId);
  const opened = await openForReading({ kind: 'bytes', message: toBase64(p.raw) });
  const display = opened.display;
  if (!display) throw new SelloError('smime.nothing-to-show', 'There is nothing in this message to quote.');
  const to = opened.verdict.from[0] ?? firstAddress(display.from);
  const quote = quoteShown(display);
  await saveDraft(draftId, {
    to: to ? [to] : [],
    cc: [],
    bcc: [],
    subject: /^re:/i.test(display.subject) ? display.subject : `Re: ${display.subject}`,
    html: quote.html,
    text: quote.text,
    // noSignOnReply: a reply starts unsigned unless alwaysSign holds (the user can still sign).
    ...replyDefaults(await currentSettings()),
    attachments: [],
  });
}

/**
 * Builds a pending reply's draft, if `draftId` is one, for the compose frame's drafts.load. Errors go
 * to that frame. Locked keys keep the reply pending (the frame unlocks and loads again); anything else
 * ends it.
 */
export async function preparePendingReply(draftId: string): Promise<void> {
  const p = pendingReplies.get(draftId);
  if (!p) return;
  try {
    await buildReply(draftId, p);
    pendingReplies.delete(draftId);
  } catch (e) {
    if (!(isSelloError(e) && e.code === 'keystore.locked')) pendingReplies.delete(draftId);
    throw e;
  }
}

/** OWA drafts whose attachments are taken over when their compose frame first loads the Sello draft. */
const pendingAttachments = new Map<string, { tabId: number; restId: string }>();

/**
 * Adds the OWA server draft's file attachments to the sealed Sello draft, if `draftId` was started
 * from one, for the compose frame's drafts.load; answers what was not taken over, for that frame to
 * show. Fetched here, not in owa.compose, so the page that asked learns nothing of the outcome. A
 * failed fetch is one 'unavailable' entry: the draft still opens with what the form showed.
 */
export async function preparePendingAttachments(draftId: string): Promise<NotTakenOver[]> {
  const p = pendingAttachments.get(draftId);
  if (!p) return [];
  pendingAttachments.delete(draftId);
  let listed: unknown[];
  try {
    listed = await withGraph((g) => g.listAttachments(p.restId));
  } catch (e) {
    if (isSelloError(e) && /^auth\.|^graph\.unauthorized$/.test(e.code)) reportAuthChanged(p.tabId);
    return [{ name: '', reason: 'unavailable' }];
  }
  const taken = takeOverAttachments(listed);
  if (taken.attachments.length === 0) return taken.notTakenOver;
  const saved = await loadDraft(draftId);
  if (!saved) return taken.notTakenOver;
  const room = MAX_TAKEN_OVER_COUNT - saved.draft.attachments.length;
  const kept = taken.attachments.slice(0, Math.max(0, room));
  const tooMany = taken.attachments
    .slice(kept.length)
    .map((a) => ({ name: a.name, reason: 'too-many' as const }));
  await saveDraft(draftId, { ...saved.draft, attachments: [...saved.draft.attachments, ...kept] });
  return [...taken.notTakenOver, ...tooMany];
}

function firstAddress(header: string): string | null {
  return /[^\s<>,;"]+@[^\s<>,;"]+/.exec(header)?.[0] ?? null;
}

export const owaJobs = {
  async status(): Promise<OwaReplyMap['owa.status']> {
    return { ...(await authStatus()), alwaysEncrypt: (await currentSettings()).alwaysEncrypt };
  },

  signIn: signInInteractive,
  signOut,

  /** A token for the read frame; the MIME is fetched by id here in the worker when the frame opens it. */
  open(tabId: number, messageId: string): Promise<OwaReplyMap['owa.open']> {
    return Promise.resolve({ token: stageLoader(() => fetchMime(tabId, messageId)) });
  },

  /**
   * A Sello draft from what the OWA compose form showed. Encrypt and sign are on: the user chose
   * "Sign / Encrypt with Sello". If OWA already saved its draft, that copy sits on the server
   * unencrypted: the answer says so, and the panel offers to delete it.
   */
  async compose(
    tabId: number,
    prefill: { to: string[]; cc: string[]; bcc: string[]; subject: string; text: string } | null,
    owaDraftId: string | null,
  ): Promise<OwaReplyMap['owa.compose']> {
    const draft: Draft = {
      to: prefill?.to ?? [],
      cc: prefill?.cc ?? [],
      bcc: prefill?.bcc ?? [],
      subject: prefill?.subject ?? '',
      html: prefill?.text ? textToHtml(prefill.text) : '',
      text: prefill?.text ?? '',
      sign: true,
      encrypt: true,
      attachments: [],
    };
    const draftId = newDraftId();
    await saveDraft(draftId, draft);
    const restId = owaDraftId ? toRestId(owaDraftId) : null;
    rememberDraftOrigin(draftId, { tabId, owaDraftId: restId });
    if (restId) {
      pendingAttachments.set(draftId, { tabId, restId });
      // Like pending replies: a frame that never loads does not keep the entry.
      setTimeout(() => pendingAttachments.delete(draftId), 5 * 60_000);
    }
    return { draftId, serverDraftUnencrypted: restId !== null && (prefill?.text ?? '') !== '' };
  },

  /** Deletes the plaintext OWA draft through Graph, only one this tab announced as its draft. */
  async deleteDraft(tabId: number, owaDraftId: string): Promise<OwaReplyMap['owa.delete-draft']> {
    const id = toRestId(owaDraftId);
    if (!tabKnowsOwaDraft(tabId, id)) {
      throw new SelloError('message.not-found', 'Sello only deletes the draft it was started from.');
    }
    await withGraph((g) => g.deleteMessage(id));
    return { deleted: true };
  },

  /**
   * A reply that starts in Sello's frame, encrypted, quoting only what the read frame showed. Only an
   * id now: the compose frame's drafts.load builds it (preparePendingReply).
   */
  reply(tabId: number, messageId: string): Promise<OwaReplyMap['owa.reply']> {
    const draftId = newDraftId();
    pendingReplies.set(draftId, { tabId, messageId, raw: null });
    // Like staged messages: a frame that never loads does not keep the entry.
    setTimeout(() => pendingReplies.delete(draftId), 5 * 60_000);
    rememberDraftOrigin(draftId, { tabId, owaDraftId: null });
    return Promise.resolve({ draftId });
  },
};
