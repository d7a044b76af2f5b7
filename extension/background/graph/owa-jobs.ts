/**
 * What the OWA content script can ask for. Every answer is an id, a token or a status: plaintext goes
 * from here to the extension-origin frames only (a sealed draft the compose frame loads, a staged
 * message the read frame opens), so the OWA page, which holds the content script's DOM, never sees it.
 */
import { toBase64 } from '../../../shared/bytes';
import { SelloError } from '../../../shared/errors';
import { saveDraft } from '../drafts';
import { openForReading, stageMessage } from '../jobs/read-jobs';
import type { Draft } from '../messages';
import { replyDefaults } from '../send-options';
import { currentSettings } from '../settings';
import { authStatus, signInInteractive, signOut } from '../auth/entra-session';
import { withGraph } from './graph-access';
import type { OwaReplyMap } from './owa-messages';
import { rememberDraftOrigin, tabKnowsOwaDraft } from './owa-tabs';
import { quoteShown, textToHtml, toRestId } from './reply-quote';

function newDraftId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
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

  /** Fetches the MIME by id here in the worker and stages it for the read frame. */
  async open(messageId: string): Promise<OwaReplyMap['owa.open']> {
    const raw = await withGraph((g) => g.getMime(toRestId(messageId)));
    return { token: stageMessage(toBase64(raw)) };
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

  /** A reply that starts in Sello's frame, encrypted, quoting only what the read frame showed. */
  async reply(tabId: number, messageId: string): Promise<OwaReplyMap['owa.reply']> {
    const raw = await withGraph((g) => g.getMime(toRestId(messageId)));
    const opened = await openForReading({ kind: 'bytes', message: toBase64(raw) });
    const display = opened.display;
    if (!display) throw new SelloError('smime.nothing-to-show', 'There is nothing in this message to quote.');
    const to = opened.verdict.from[0] ?? firstAddress(display.from);
    const quote = quoteShown(display);
    const draftId = newDraftId();
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
    rememberDraftOrigin(draftId, { tabId, owaDraftId: null });
    return { draftId };
  },
};
