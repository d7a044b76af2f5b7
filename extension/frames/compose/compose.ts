/**
 * The secure compose frame. Everything the user writes stays in this extension-origin frame and the
 * service worker; the webmail page around it (next issue) never sees it. A draft is saved (sealed at
 * rest by the worker) as the user types, so a failed send or a closed tab loses nothing.
 */
import DOMPurify from 'dompurify';
import type { Draft } from '../../background/messages';
import type { NotTakenOver } from '../../background/graph/owa-attachments';
import type { CertificateChangeView, RecipientStatusView } from '../../background/replies';
import { changeDetail } from '../common/certificate-change-text';
import { FrameError, call, readFileBase64 } from '../common/client';
import { byId, h } from '../common/dom';
import { errorText, localize, t } from '../common/i18n';
import { checkVisible } from './send-visibility';

type Kind = 'to' | 'cc' | 'bcc';
const KINDS: Kind[] = ['to', 'cc', 'bcc'];

interface PendingAttachment {
  id: number;
  name: string;
  type: string;
  size: number;
  data: string | null;
  /** Kept from an OWA draft's inline image (the frame has no way to add one itself). */
  contentId?: string;
}

const editor = byId('body');
const notice = byId('notice');
const signBox = byId<HTMLInputElement>('sign');
const encryptBox = byId<HTMLInputElement>('encrypt');
const attachments: PendingAttachment[] = [];
let nextAttachmentId = 1;
let statuses: RecipientStatusView[] = [];
let dirty = false;
/** The attachments changed since the last draft save (they are saved apart from the text). */
let attachmentsDirty = true;

const draftId = (() => {
  const m = /draft=([A-Za-z0-9_-]{1,64})/.exec(location.hash);
  if (m?.[1]) return m[1];
  const id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');
  history.replaceState(null, '', `#draft=${id}`);
  return id;
})();

function say(text: string, kind: 'ok' | 'bad' | '' = ''): void {
  notice.className = `notice ${kind}`;
  notice.setAttribute('role', kind === 'bad' ? 'alert' : 'status');
  notice.textContent = text;
}

function describe(e: unknown): string {
  return e instanceof FrameError ? errorText(e.code, e.message) : t('errorUnexpected');
}

function addresses(kind: Kind): string[] {
  return byId<HTMLInputElement>(kind)
    .value.split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

const VALID = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

function sanitized(): string {
  // Only formatting survives: no scripts, forms, styles sheets or remote images go into the message.
  return DOMPurify.sanitize(editor.innerHTML, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: ['style', 'form', 'input', 'button', 'iframe', 'object', 'embed'],
    ALLOW_DATA_ATTR: false,
  });
}

function collect(): Draft {
  return {
    to: addresses('to').filter((a) => VALID.test(a)),
    cc: addresses('cc').filter((a) => VALID.test(a)),
    bcc: addresses('bcc').filter((a) => VALID.test(a)),
    subject: byId<HTMLInputElement>('subject').value,
    html: sanitized(),
    text: editor.innerText,
    sign: signBox.checked,
    encrypt: encryptBox.checked,
    attachments: attachments
      .filter((a) => a.data !== null)
      .map((a) => ({
        name: a.name,
        type: a.type || 'application/octet-stream',
        data: a.data!,
        ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
      })),
  };
}

function stateText(s: RecipientStatusView): string {
  return t(`recipient_${s.state.replace(/-/g, '_')}`);
}

/**
 * Why, in the user's language: the worker's `reason` is English, so the frame says it again from the
 * certificate the worker chose (its expiry date, its issuer).
 */
function stateDetail(s: RecipientStatusView): string {
  if (s.state === 'certificate-changed' && s.change) return changeDetail(s.change);
  const c = s.certificate;
  if (!c) return '';
  if (s.state === 'expired')
    return t(
      'recipientExpiredOn',
      new Date(c.notAfter).toLocaleDateString(document.documentElement.lang, {
        year: 'numeric',
        month: 'short',
        day: 'numeric',
      }),
    );
  if (s.state === 'untrusted' || s.state === 'revoked') return t('recipientIssuedBy', c.issuer);
  return '';
}

function renderRecipients(): void {
  const byAddress = new Map(statuses.map((s) => [s.address.toLowerCase(), s]));
  for (const kind of KINDS) {
    const items = addresses(kind).map((a) => {
      if (!VALID.test(a)) return h('li', { class: 'bad', text: `${a}: ${t('recipient_invalid')}` });
      const s = byAddress.get(a.toLowerCase());
      if (!s) return h('li', { text: a });
      const detail = stateDetail(s);
      return h(
        'li',
        { class: s.state === 'found' ? 'ok' : 'warn', 'data-state': s.state },
        `${a}: ${stateText(s)}`,
        detail ? h('span', { class: 'detail', text: ` (${detail})` }) : null,
        s.change ? changeChoices(a, s.change) : null,
      );
    });
    byId(`${kind}-status`).replaceChildren(...items);
  }
  renderBlockers();
}

/**
 * The user's answer to a recipient's move to another key or issuer: use the new certificate, or keep
 * the previous one while it is still valid (certificate-changes.ts in the worker says what each does).
 */
function changeChoices(address: string, change: CertificateChangeView): HTMLElement {
  const decide = (decision: 'use-new' | 'keep-previous') => async () => {
    try {
      await call({ type: 'recipients.resolve-change', address: change.email, decision });
      say(t(decision === 'use-new' ? 'changeUsedNew' : 'changeKeptPrevious', address), 'ok');
    } catch (e) {
      say(describe(e), 'bad');
    }
    refreshStatuses();
  };
  return h(
    'span',
    { class: 'change-choices' },
    h('button', {
      type: 'button',
      class: 'use-new',
      text: t('useNewCertificate'),
      'aria-label': t('useNewCertificateFor', address),
      onclick: () => void decide('use-new')(),
    }),
    change.canKeepPrevious
      ? h('button', {
          type: 'button',
          class: 'keep-previous',
          text: t('keepPreviousCertificate'),
          'aria-label': t('keepPreviousCertificateFor', address),
          onclick: () => void decide('keep-previous')(),
        })
      : null,
  );
}

function renderBlockers(): void {
  const blockers = byId('blockers');
  const blocked = statuses.filter((s) => s.state !== 'found');
  blockers.textContent =
    encryptBox.checked && blocked.length > 0
      ? t('encryptionBlockedBy', blocked.map((s) => `${s.address} (${stateText(s)})`).join(', '))
      : '';
}

let statusTimer: ReturnType<typeof setTimeout> | undefined;
function refreshStatuses(): void {
  clearTimeout(statusTimer);
  statusTimer = setTimeout(async () => {
    const all = KINDS.flatMap(addresses).filter((a) => VALID.test(a));
    try {
      statuses = all.length ? await call({ type: 'compose.recipient-status', addresses: all }) : [];
    } catch (e) {
      say(describe(e), 'bad');
    }
    renderRecipients();
  }, 300);
}

let saveTimer: ReturnType<typeof setTimeout> | undefined;
function changed(): void {
  dirty = true;
  clearTimeout(saveTimer);
  saveTimer = setTimeout(() => void saveDraft(), 1000);
}

async function saveDraft(): Promise<void> {
  if (!dirty) return;
  try {
    const keepAttachments = !attachmentsDirty;
    const draft = collect();
    attachmentsDirty = false;
    const r = await call({
      type: 'drafts.save',
      draftId,
      draft: keepAttachments ? { ...draft, attachments: [] } : draft,
      keepAttachments,
    });
    dirty = false;
    byId('draft-state').textContent = t('draftSaved', new Date(r.savedAt).toLocaleTimeString());
  } catch (e) {
    byId('draft-state').textContent = describe(e);
  }
}

/** An OWA draft's attachments Sello could not take over (background/graph/owa-attachments.ts). */
function renderNotTakenOver(list: NotTakenOver[]): void {
  const key: Record<NotTakenOver['reason'], string> = {
    'linked-or-item': 'owaAttachmentLinked',
    'too-large': 'owaAttachmentTooLarge',
    'too-many': 'owaAttachmentTooLarge',
    unreadable: 'owaAttachmentUnreadable',
    unavailable: 'owaAttachmentsUnavailable',
  };
  const text = (n: NotTakenOver) => t(key[n.reason], n.name);
  byId('not-taken-over').replaceChildren(...list.map((n) => h('li', { class: 'bad', text: text(n) })));
}

function renderAttachments(): void {
  byId('attachments').replaceChildren(
    ...attachments.map((a) =>
      h(
        'li',
        { 'data-name': a.name },
        h('span', { text: `${a.name} (${Math.ceil(a.size / 1024)} KB)` }),
        a.data === null
          ? h('progress', {
              id: `progress-${a.id}`,
              max: a.size,
              value: 0,
              'aria-label': t('attachmentProgress', a.name),
            })
          : h('span', { class: 'ok', text: t('attachmentReady') }),
        h('button', {
          type: 'button',
          text: t('removeButton'),
          'aria-label': t('removeAttachment', a.name),
          onclick: () => {
            attachments.splice(attachments.indexOf(a), 1);
            attachmentsDirty = true;
            renderAttachments();
            changed();
          },
        }),
      ),
    ),
  );
}

byId<HTMLInputElement>('attach').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  for (const file of Array.from(input.files ?? [])) {
    const a: PendingAttachment = {
      id: nextAttachmentId++,
      name: file.name,
      type: file.type,
      size: file.size,
      data: null,
    };
    attachments.push(a);
    renderAttachments();
    void readFileBase64(file, (loaded) => {
      const bar = document.getElementById(`progress-${a.id}`) as HTMLProgressElement | null;
      if (bar) bar.value = loaded;
    })
      .then((b64) => {
        a.data = b64;
        attachmentsDirty = true;
        renderAttachments();
        changed();
      })
      .catch((err: unknown) => say(describe(err), 'bad'));
  }
  input.value = '';
});

for (const button of document.querySelectorAll<HTMLButtonElement>('.toolbar button')) {
  button.addEventListener('click', () => {
    editor.focus();
    // execCommand is deprecated but remains the only editing primitive contenteditable offers.
    document.execCommand(button.dataset.command ?? '');
    changed();
  });
}

for (const kind of KINDS) {
  byId(kind).addEventListener('input', () => {
    refreshStatuses();
    changed();
  });
}
byId('subject').addEventListener('input', changed);
editor.addEventListener('input', changed);
signBox.addEventListener('change', changed);
encryptBox.addEventListener('change', () => {
  renderBlockers();
  changed();
});

byId('compose-form').addEventListener('submit', (e) => {
  e.preventDefault();
  // Only the user sends: a click on Send or Enter in a field of this frame (the page around us cannot
  // script a cross-origin frame), and only while what they act on is really visible (send-visibility).
  if (!e.isTrusted) return;
  const acted = e.submitter ?? document.activeElement ?? byId('send');
  void send(acted);
});

/** One visibility check at a time (a double click must not queue two sends). */
let checkingVisibility = false;

/** 4 MiB of base64 per message: the browser serialises each in well under 50 ms of this thread. */
const STAGE_SLICE = 4 * 1024 * 1024;

/**
 * Sends big attachments ahead in slices (background/attachment-staging.ts): one message with all of a
 * 25 MB attachment blocked this frame for 150 ms and more while the browser serialised it. Returns
 * whether it staged them; small attachments go in the send itself.
 */
async function stageLargeAttachments(draft: Draft): Promise<boolean> {
  if (draft.attachments.reduce((n, a) => n + a.data.length, 0) <= STAGE_SLICE) return false;
  for (const [index, a] of draft.attachments.entries()) {
    for (let at = 0; at < a.data.length || at === 0; at += STAGE_SLICE) {
      const slice = a.data.slice(at, at + STAGE_SLICE);
      await call({ type: 'compose.stage-attachment', draftId, index, slice, first: at === 0 });
    }
  }
  return true;
}

async function send(acted: Element): Promise<void> {
  const sendButton = byId<HTMLButtonElement>('send');
  const invalid = KINDS.flatMap(addresses).filter((a) => !VALID.test(a));
  if (invalid.length) {
    say(t('invalidAddresses', invalid.join(', ')), 'bad');
    return;
  }
  if (attachments.some((a) => a.data === null)) {
    say(t('attachmentsStillLoading'), 'bad');
    return;
  }
  if (checkingVisibility) return;
  checkingVisibility = true;
  const seen = await checkVisible(acted).finally(() => (checkingVisibility = false));
  if (seen === 'hidden') {
    say(t('sendNotVisible'), 'bad');
    return;
  }
  sendButton.disabled = true;
  say(t('sending'));
  const draft = collect();
  clearTimeout(saveTimer);
  try {
    const staged = await stageLargeAttachments(draft);
    // The worker keeps the draft itself when sending fails.
    const r = await call({
      type: 'compose.send',
      draftId,
      draft: staged ? { ...draft, attachments: draft.attachments.map((a) => ({ ...a, data: '' })) } : draft,
      ...(staged ? { staged } : {}),
    });
    dirty = false;
    say(
      t(
        r.encrypted
          ? r.signed
            ? 'sentSignedEncrypted'
            : 'sentEncrypted'
          : r.signed
            ? 'sentSigned'
            : 'sentPlain',
      ),
      'ok',
    );
    document.body.dataset.sent = 'true';
  } catch (err) {
    // Nothing is cleared: the user's text, recipients and attachments stay as they were.
    say(t('sendFailed', describe(err)), 'bad');
  } finally {
    sendButton.disabled = false;
  }
}

async function showLock(): Promise<void> {
  const s = await call({ type: 'keystore.status' });
  byId('unlock-form').hidden = !s.locked;
}

byId('unlock-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void (async () => {
    try {
      const input = byId<HTMLInputElement>('unlock-passphrase');
      await call({ type: 'keystore.unlock', passphrase: input.value });
      input.value = '';
      await showLock();
      say(t('unlocked'), 'ok');
      if (draftWaitsForUnlock) {
        await loadSaved();
        document.body.dataset.ready = 'true';
      }
    } catch (err) {
      say(describe(err), 'bad');
    }
  })();
});

/** Set when the draft (an OWA reply built from an encrypted message) needs the keys unlocked first. */
let draftWaitsForUnlock = false;

async function loadSaved(): Promise<void> {
  let saved;
  try {
    saved = await call({ type: 'drafts.load', draftId });
  } catch (e) {
    if (e instanceof FrameError && e.code === 'keystore.locked') {
      draftWaitsForUnlock = true;
      byId('unlock-form').hidden = false;
    }
    throw e;
  }
  draftWaitsForUnlock = false;
  if (saved) {
    const d = saved.draft;
    byId<HTMLInputElement>('to').value = d.to.join(', ');
    byId<HTMLInputElement>('cc').value = d.cc.join(', ');
    byId<HTMLInputElement>('bcc').value = d.bcc.join(', ');
    byId<HTMLInputElement>('subject').value = d.subject;
    editor.innerHTML = DOMPurify.sanitize(d.html, { USE_PROFILES: { html: true } });
    if (!signBox.disabled) signBox.checked = d.sign;
    if (!encryptBox.disabled) encryptBox.checked = d.encrypt;
    for (const a of d.attachments) {
      attachments.push({
        id: nextAttachmentId++,
        name: a.name,
        type: a.type,
        size: Math.floor((a.data.length * 3) / 4),
        data: a.data,
        ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
      });
    }
    renderNotTakenOver(saved.notTakenOver);
    attachmentsDirty = false;
    renderAttachments();
    refreshStatuses();
    byId('draft-state').textContent = t('draftRestored');
  }
}

async function init(): Promise<void> {
  localize();
  const [settings, identities] = await Promise.all([
    call({ type: 'settings.get' }),
    call({ type: 'identities.list' }),
  ]);
  await showLock();
  const signer = identities.find((i) => i.isDefaultSigning) ?? identities.find((i) => i.canSign);
  byId('from').textContent = signer
    ? `${signer.commonName} <${signer.emails[0] ?? ''}>`
    : t('noSigningCertificate');
  const force = (box: HTMLInputElement, note: string, required: boolean, locked: boolean) => {
    box.checked = required;
    if (required && locked) {
      box.disabled = true;
      byId(note).textContent = t('requiredByOrganisation');
    }
  };
  force(signBox, 'sign-note', settings.values.alwaysSign === true, settings.locked.includes('alwaysSign'));
  force(
    encryptBox,
    'encrypt-note',
    settings.values.alwaysEncrypt === true,
    settings.locked.includes('alwaysEncrypt'),
  );
  await loadSaved();
  document.body.dataset.ready = 'true';
}

void init().catch((e: unknown) => say(describe(e), 'bad'));
