/**
 * The Outlook on the web content script (built as one IIFE: no imports at run time). It finds the
 * compose form and the reading pane by ARIA landmarks, adds "Sign / Encrypt with Sello" to compose and
 * a banner to S/MIME messages, and overlays Sello's extension-origin frames. It carries only message
 * ids and UI events: it never receives plaintext or keys, and never writes anything of a message into
 * the page (the page's DOM is Microsoft's, or anyone's who compromises it). OWA is a single-page app,
 * so a MutationObserver re-scans whenever the DOM or the URL changes.
 *
 * The page is hostile in the threat model (docs/SECURITY.md): its scripts can click our buttons and
 * read everything we write into its DOM. So every control acts on trusted (user) events only, and
 * nothing the content script writes into the page depends on what a message holds: Open and Reply
 * get a token or draft id at once, and whether the message could be fetched, decrypted or verified
 * is shown inside Sello's frame, never here (no page-driven decryption oracle).
 */
import * as v from 'valibot';
import { owaEventSchema } from '../../background/graph/owa-messages';
import {
  LANDMARKS,
  addressesIn,
  findCompose,
  findReadingPane,
  isDraftUrl,
  isSmimeMessage,
  itemIdFromUrl,
} from './landmarks';
import { t } from './ui-text';

type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

class OwaError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(msg: Record<string, unknown>): Promise<T> {
  const r = (await chrome.runtime.sendMessage(msg)) as Reply<T> | undefined;
  if (!r) throw new OwaError('message.no-reply', 'Sello did not answer.');
  if (!r.ok) throw new OwaError(r.error.code, r.error.message);
  return r.value;
}

function describe(e: unknown): string {
  if (e instanceof OwaError) {
    return chrome.i18n.getMessage(`error_${e.code.replace(/[.-]/g, '_')}`) || e.message;
  }
  return 'Something went wrong inside Sello.';
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text = '',
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
}

/**
 * Runs `action` on a click the user made: a pointer click or Enter/Space on the focused button (both
 * are trusted events). A page script's element.click() or dispatchEvent() is not trusted and ignored,
 * so the page cannot make Sello fetch, decrypt, sign in or delete on its own.
 */
function onUserClick(button: HTMLElement, action: () => void): void {
  button.addEventListener('click', (event) => {
    if (!event.isTrusted) return;
    action();
  });
}

interface AuthStatus {
  configured: boolean;
  signedIn: boolean;
  signInRequired: boolean;
}

// ---- account chip: sign in, "sign in again" ----------------------------------------------------

const account = el('div', { 'data-sello': 'account', role: 'status', 'aria-live': 'polite' });
// Below the overlay: even its shadow over the compose frame would count as covering Send
// (frames/compose/send-visibility).
account.style.cssText =
  'position:fixed;right:12px;bottom:12px;z-index:2147483644;background:#fff;border:1px solid #8a8886;border-radius:6px;padding:6px 10px;font:13px system-ui,sans-serif;color:#201f1e;box-shadow:0 2px 6px rgba(0,0,0,.2)';

function renderAccount(s: AuthStatus): void {
  account.dataset.state = !s.configured
    ? 'not-configured'
    : s.signedIn
      ? 'signed-in'
      : s.signInRequired
        ? 'sign-in-again'
        : 'signed-out';
  if (!s.configured) {
    account.replaceChildren(el('span', {}, t('owa_notConfigured')));
    return;
  }
  if (s.signedIn) {
    account.replaceChildren(el('span', {}, t('owa_signedIn')));
    return;
  }
  const button = el(
    'button',
    { type: 'button', 'data-sello': 'sign-in' },
    s.signInRequired ? t('owa_signInAgain') : t('owa_signIn'),
  );
  onUserClick(button, () => {
    button.disabled = true;
    call<AuthStatus>({ type: 'owa.sign-in' })
      .then(renderAccount)
      .catch((e: unknown) => {
        button.disabled = false;
        account.dataset.error = describe(e);
      });
  });
  account.replaceChildren(button);
}

async function refreshAccount(): Promise<void> {
  try {
    renderAccount(await call<AuthStatus>({ type: 'owa.status' }));
  } catch (e) {
    account.replaceChildren(el('span', {}, t('owa_failed', describe(e))));
  }
}

/** After an auth.* or graph.unauthorized error the chip offers "sign in again". */
function afterError(e: unknown): void {
  if (e instanceof OwaError && /^auth\.|^graph\.unauthorized$/.test(e.code)) void refreshAccount();
}

// ---- overlay: the extension-origin frames over OWA ---------------------------------------------

let overlay: HTMLElement | null = null;

function closeOverlay(): void {
  overlay?.remove();
  overlay = null;
}

/**
 * The frame is loaded from its per-session dynamic URL (use_dynamic_url) and its content is
 * cross-origin to the page: the page can see that a frame is there, not what it shows.
 */
function openOverlay(kind: 'compose' | 'read', hash: string, over: HTMLElement | null): HTMLElement {
  closeOverlay();
  const box = el('div', {
    'data-sello': `overlay-${kind}`,
    role: 'dialog',
    'aria-label': t(kind === 'compose' ? 'owa_composeTitle' : 'owa_readTitle'),
  });
  const r = over?.getBoundingClientRect();
  box.style.cssText = `position:fixed;z-index:2147483645;background:#fff;border:1px solid #8a8886;box-shadow:0 4px 16px rgba(0,0,0,.3);display:flex;flex-direction:column;${
    r && r.width > 300 && r.height > 200
      ? `left:${r.left}px;top:${r.top}px;width:${r.width}px;height:${r.height}px`
      : 'left:5vw;top:5vh;width:90vw;height:90vh'
  }`;
  const bar = el('div', { 'data-sello': 'overlay-bar' });
  bar.style.cssText =
    'display:flex;gap:8px;align-items:center;padding:6px 8px;font:13px system-ui,sans-serif';
  const notes = el('div', { 'data-sello': 'notes', role: 'status', 'aria-live': 'polite' });
  notes.style.flex = '1';
  const close = el('button', { type: 'button', 'data-sello': 'close' }, '✕');
  close.setAttribute('aria-label', t('owa_close'));
  onUserClick(close, closeOverlay);
  bar.append(notes, close);
  const frame = el('iframe', {
    'data-sello': `${kind}-frame`,
    title: t(kind === 'compose' ? 'owa_composeTitle' : 'owa_readTitle'),
    src: chrome.runtime.getURL(`frames/${kind}/index.html`) + hash,
  });
  frame.style.cssText = 'flex:1;border:0;width:100%';
  box.append(bar, frame);
  document.body.append(box);
  overlay = box;
  return notes;
}

function note(notes: HTMLElement, key: string, text: string, kind: 'ok' | 'warn' = 'ok'): HTMLElement {
  notes.querySelector(`[data-note="${key}"]`)?.remove();
  const p = el('p', { 'data-note': key, class: kind }, text);
  p.style.margin = '2px 0';
  if (kind === 'warn') p.style.color = '#a4262c';
  notes.append(p);
  return p;
}

// ---- compose ------------------------------------------------------------------------------------

/** The OWA draft as the page shows it: recipients, subject, body text. Read only, never written. */
function readOwaDraft(root: HTMLElement, body: HTMLElement) {
  return {
    to: addressesIn(root, LANDMARKS.to),
    cc: addressesIn(root, LANDMARKS.cc),
    bcc: addressesIn(root, LANDMARKS.bcc),
    subject: root.querySelector<HTMLInputElement>(LANDMARKS.subject)?.value ?? '',
    text: body.innerText.trim(),
  };
}

function offerDelete(notes: HTMLElement, owaDraftId: string): void {
  const warning = note(notes, 'server-draft', t('owa_serverDraftWarning'), 'warn');
  const del = el(
    'button',
    { type: 'button', 'data-sello': 'delete-server-draft' },
    t('owa_deleteServerDraft'),
  );
  onUserClick(del, () => {
    del.disabled = true;
    call<{ deleted: boolean }>({ type: 'owa.delete-draft', owaDraftId })
      .then(() => {
        warning.remove();
        note(notes, 'server-draft-deleted', t('owa_serverDraftDeleted'));
      })
      .catch((e: unknown) => {
        del.disabled = false;
        note(notes, 'error', t('owa_failed', describe(e)), 'warn');
        afterError(e);
      });
  });
  warning.append(' ', del);
}

let currentCompose: { draftId: string; notes: HTMLElement; owaDraftId: string | null } | null = null;

async function startCompose(root: HTMLElement, body: HTMLElement): Promise<void> {
  const owaDraftId = isDraftUrl(location.href) ? itemIdFromUrl(location.href) : null;
  const r = await call<{ draftId: string; serverDraftUnencrypted: boolean }>({
    type: 'owa.compose',
    prefill: readOwaDraft(root, body),
    owaDraftId,
  });
  const notes = openOverlay('compose', `#draft=${r.draftId}`, null);
  currentCompose = { draftId: r.draftId, notes, owaDraftId };
  if (r.serverDraftUnencrypted && owaDraftId) offerDelete(notes, owaDraftId);
}

function decorateCompose(): void {
  const compose = findCompose(document);
  if (!compose || compose.root.querySelector('[data-sello="compose-bar"]')) return;
  const bar = el('div', { 'data-sello': 'compose-bar' });
  bar.style.cssText = 'display:flex;gap:8px;align-items:center;margin:4px 0;font:13px system-ui,sans-serif';
  const button = el('button', { type: 'button', 'data-sello': 'compose' }, t('owa_composeButton'));
  onUserClick(button, () => {
    startCompose(compose.root, compose.body).catch((e: unknown) => {
      hint.textContent = t('owa_failed', describe(e));
      afterError(e);
    });
  });
  const hint = el('span', { 'data-sello': 'compose-hint' }, t('owa_composeHint'));
  bar.append(button, hint);
  compose.body.before(bar);
}

// ---- read ---------------------------------------------------------------------------------------

/**
 * A reply starts in Sello's frame; the worker builds it (and its quote) from the message by id when
 * that frame loads it. The answer here is only a draft id, whatever the message holds: whether it
 * could be fetched and decrypted is shown in the frame. `status` gets only errors of the request
 * itself (not signed in to Sello's worker, a malformed id), which say nothing about the message.
 */
function startReply(messageId: string, status: HTMLElement): void {
  call<{ draftId: string }>({ type: 'owa.reply', messageId })
    .then((r) => {
      const notes = openOverlay('compose', `#draft=${r.draftId}`, null);
      currentCompose = { draftId: r.draftId, notes, owaDraftId: null };
    })
    .catch((e: unknown) => {
      status.textContent = t('owa_failed', describe(e));
    });
}

/** The read frame with a token; the message is fetched and opened when the frame asks for it. */
function startOpen(messageId: string, pane: HTMLElement, status: HTMLElement): void {
  status.textContent = t('owa_opening');
  call<{ token: string }>({ type: 'owa.open', messageId })
    .then((r) => {
      status.textContent = '';
      const notes = openOverlay('read', `#token=${r.token}`, pane);
      // The overlay covers the banner: it carries its own Reply.
      const again = el('button', { type: 'button', 'data-sello': 'overlay-reply' }, t('owa_replyButton'));
      onUserClick(again, () => startReply(messageId, notes));
      notes.append(again);
    })
    .catch((e: unknown) => {
      status.textContent = t('owa_failed', describe(e));
    });
}

function decorateReadingPane(): void {
  const pane = findReadingPane(document);
  const id = itemIdFromUrl(location.href);
  const existing = document.querySelector<HTMLElement>('[data-sello="banner"]');
  if (!pane || !id || isDraftUrl(location.href) || !isSmimeMessage(pane)) {
    existing?.remove();
    return;
  }
  if (existing?.dataset.messageId === id && pane.contains(existing)) return;
  existing?.remove();
  const banner = el('div', { 'data-sello': 'banner', role: 'region', 'aria-label': 'Sello' });
  banner.dataset.messageId = id;
  banner.style.cssText =
    'display:flex;gap:8px;align-items:center;padding:6px 10px;margin:4px 0;background:#eff6fc;border:1px solid #0078d4;font:13px system-ui,sans-serif';
  const open = el('button', { type: 'button', 'data-sello': 'open' }, t('owa_openButton'));
  const reply = el('button', { type: 'button', 'data-sello': 'reply' }, t('owa_replyButton'));
  const status = el('span', { 'data-sello': 'banner-status', role: 'status' });
  onUserClick(open, () => startOpen(id, pane, status));
  onUserClick(reply, () => startReply(id, status));
  banner.append(el('strong', {}, t('owa_banner')), open, reply, status);
  pane.prepend(banner);
}

// ---- events from the service worker (UI only) ---------------------------------------------------

chrome.runtime.onMessage.addListener((msg: unknown, sender) => {
  // Only our own service worker talks to this content script (no tab: the worker sent it), and only
  // with the events of owaEventSchema: anything else is dropped unread.
  if (sender.id !== chrome.runtime.id || sender.tab) return;
  const parsed = v.safeParse(owaEventSchema, msg);
  if (!parsed.success) return;
  const m = parsed.output;
  if (m.type === 'sello.auth-changed') {
    void refreshAccount();
    return;
  }
  if (!currentCompose || m.draftId !== currentCompose.draftId) return;
  const { notes, owaDraftId } = currentCompose;
  if (m.type === 'sello.progress') {
    note(notes, 'progress', t('owa_progress', String(Math.round((m.sent / m.total) * 100))));
  }
  if (m.type === 'sello.sent') {
    notes.querySelector('[data-note="progress"]')?.remove();
    note(notes, 'sent', t('owa_sent'));
    if (owaDraftId && !notes.querySelector('[data-note="server-draft-deleted"]')) {
      offerDelete(notes, owaDraftId);
    }
  }
});

// ---- single-page navigation -----------------------------------------------------------------------

let scheduled = false;
let lastUrl = location.href;

function scan(): void {
  scheduled = false;
  if (location.href !== lastUrl) {
    lastUrl = location.href;
    // Another message or view: the overlay belonged to the previous one.
    if (overlay?.dataset.sello === 'overlay-read') closeOverlay();
  }
  decorateCompose();
  decorateReadingPane();
}

const observer = new MutationObserver((records) => {
  // Our own additions do not need a re-scan.
  if (records.every((r) => [...r.addedNodes].every((n) => (n as HTMLElement).dataset?.sello))) return;
  if (!scheduled) {
    scheduled = true;
    setTimeout(scan, 50);
  }
});

observer.observe(document.documentElement, { childList: true, subtree: true });
window.addEventListener('popstate', scan);
document.body.append(account);
void refreshAccount();
scan();
