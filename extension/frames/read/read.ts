/**
 * The secure read frame. The service worker decrypts and verifies; this frame sanitises the content
 * (DOMPurify), keeps remote content out (only data: images, cid: rewritten to them, under a
 * `default-src 'none'` CSP in a sandboxed srcdoc iframe without scripts), offers attachments, and draws
 * the status bar itself.
 */
import DOMPurify from 'dompurify';
import { fromBase64, toBase64 } from '../../../shared/bytes';
import type { DisplayMessage, OpenResult } from '../../background/replies';
import { FrameError, call, readFile, saveBytes } from '../common/client';
import { byId, h } from '../common/dom';
import { changeStatusText } from '../common/certificate-change-text';
import { errorText, localize, t } from '../common/i18n';
import { statusLines } from './status-lines';

const CONTENT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";
const URL_ATTRIBUTES = ['src', 'background', 'poster', 'lowsrc', 'dynsrc'];

let inline: Record<string, string> = {};
let lastSource: { kind: 'bytes'; message: string } | { kind: 'token'; token: string } | null = null;

DOMPurify.addHook('afterSanitizeAttributes', (node) => {
  for (const attr of URL_ATTRIBUTES) {
    const value = node.getAttribute(attr);
    if (value === null) continue;
    const cid = /^cid:(.+)$/i.exec(value.trim())?.[1];
    const local = cid
      ? inline[cid.replace(/[<>]/g, '')]
      : /^data:image\//i.test(value.trim())
        ? value
        : undefined;
    // Anything remote is dropped, not just blocked by the CSP: no request may reveal that mail was read.
    if (local) node.setAttribute(attr, local);
    else node.removeAttribute(attr);
  }
  node.removeAttribute('srcset');
  if (node.tagName === 'A') {
    const href = node.getAttribute('href') ?? '';
    if (/^(https?:|mailto:)/i.test(href)) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer');
    } else {
      node.removeAttribute('href');
    }
  }
});

/**
 * `keepStyles` only for a part covered by an intact signature: in anything else a <style> rule could
 * hide text by class (e.g. around CBC-gadget or attacker-written content), and a reply would quote what
 * the reader never saw ("Re: What's up Johnny?", 2019). Without stylesheets, all text is shown.
 */
function sanitize(html: string, keepStyles: boolean): string {
  return DOMPurify.sanitize(html, {
    USE_PROFILES: { html: true },
    FORBID_TAGS: [
      ...(keepStyles ? [] : ['style']),
      'form',
      'input',
      'button',
      'textarea',
      'select',
      'base',
      'meta',
      'link',
      'iframe',
      'object',
      'embed',
      'svg',
      'math',
    ],
    ALLOW_DATA_ATTR: false,
  });
}

function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function srcdoc(body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${CONTENT_CSP}"><style>body{font:15px/1.45 system-ui,sans-serif;margin:8px;overflow-wrap:anywhere}pre{white-space:pre-wrap;font:inherit}</style></head><body>${body}</body></html>`;
}

/**
 * The content frames are opaque (no allow-same-origin), so their height cannot be measured: estimate
 * it from the text, within bounds, and let the user resize.
 */
function estimatedHeight(kind: 'html' | 'text', content: string): string {
  const text =
    kind === 'html'
      ? content.replace(/<(br|p|div|li|tr|h\d)\b[^>]*>/gi, '\n').replace(/<[^>]*>/g, '')
      : content;
  const lines = text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / 90)), 0);
  const images = kind === 'html' ? (content.match(/<img\b/gi)?.length ?? 0) * 12 : 0;
  return `${Math.min(40, Math.max(4, lines + images + 1)) * 1.5}em`;
}

function say(text: string, kind: 'ok' | 'bad' | '' = ''): void {
  const notice = byId('notice');
  notice.className = `notice ${kind}`;
  notice.setAttribute('role', kind === 'bad' ? 'alert' : 'status');
  notice.textContent = text;
}

function renderStatus(r: OpenResult): void {
  const shown = r.display ? [...r.display.sections, ...r.display.attachments] : [];
  const lines = [
    ...statusLines(
      r.verdict,
      shown.some((x) => x.signed),
    ),
    // The worker's record of a move to another key or issuer, said in the frame's words (never
    // anything from the message itself).
    ...r.certificateChanges.map((c) => ({
      level: 'warn' as const,
      key: 'statusCertificateChanged',
      text: changeStatusText(c),
    })),
  ];
  const bar = byId('status-bar');
  bar.hidden = false;
  bar.className = `status-bar ${lines.some((l) => l.level === 'bad') ? 'danger' : lines.some((l) => l.level === 'warn') ? 'warning' : 'good'}`;
  byId('status-lines').replaceChildren(
    ...lines.map((l) => h('li', { class: l.level, 'data-key': l.key, text: l.text })),
  );
}

function renderMessage(d: DisplayMessage, coverage: OpenResult['verdict']['coverage']): void {
  inline = d.inline;
  byId('message').hidden = false;
  byId('subject').textContent = d.subject || t('noSubject');
  const facts: [string, string][] = [
    ['fromLabel', d.from],
    ['toLabel', d.to],
    ['ccLabel', d.cc],
    ['dateLabel', d.date],
  ];
  byId('headers').replaceChildren(
    ...facts.filter(([, v]) => v).flatMap(([k, v]) => [h('dt', { text: t(k) }), h('dd', { text: v })]),
  );
  const partial = coverage.kind === 'partial';
  byId('sections').replaceChildren(
    ...d.sections.map((s, i) => {
      const frame = h('iframe', {
        class: 'content',
        // No allow-scripts and no allow-same-origin: the content is inert and has an opaque origin.
        // Links may open in a new tab, outside the sandbox.
        sandbox: 'allow-popups allow-popups-to-escape-sandbox',
        title: t('contentFrameTitle', String(i + 1)),
        referrerpolicy: 'no-referrer',
      });
      frame.style.height = estimatedHeight(s.kind, s.content);
      frame.srcdoc = srcdoc(
        s.kind === 'html' ? sanitize(s.content, s.signed) : `<pre>${escapeText(s.content)}</pre>`,
      );
      const unsigned = partial && !s.signed;
      return h(
        'div',
        { class: unsigned ? 'unsigned' : 'signed', 'data-path': s.path },
        partial
          ? h('p', {
              class: `section-label ${unsigned ? 'warn' : 'ok'}`,
              text: t(unsigned ? 'sectionNotSigned' : 'sectionSigned'),
            })
          : null,
        frame,
      );
    }),
  );
  byId('attachments-box').hidden = d.attachments.length === 0;
  byId('attachments').replaceChildren(
    ...d.attachments.map((a) =>
      h(
        'li',
        {},
        h('span', { text: `${a.name} (${a.type}, ${Math.ceil(a.size / 1024)} KB)` }),
        partial && !a.signed ? h('span', { class: 'badge warn', text: t('attachmentNotSigned') }) : null,
        h('button', {
          type: 'button',
          text: t('saveButton'),
          'aria-label': t('saveAttachment', a.name),
          onclick: () => saveBytes(fromBase64(a.data), a.name, 'application/octet-stream'),
        }),
      ),
    ),
  );
}

async function open(source: NonNullable<typeof lastSource>): Promise<void> {
  lastSource = source;
  say(t('opening'));
  try {
    const r = await call({ type: 'read.open', source });
    byId('unlock-form').hidden = true;
    say('');
    renderStatus(r);
    if (r.display) renderMessage(r.display, r.verdict.coverage);
    else byId('message').hidden = true;
    document.body.dataset.opened = 'true';
  } catch (e) {
    if (e instanceof FrameError && e.code === 'keystore.locked') {
      byId('unlock-form').hidden = false;
      say(t('lockedToRead'));
      return;
    }
    say(e instanceof FrameError ? errorText(e.code, e.message) : t('errorUnexpected'), 'bad');
    document.body.dataset.opened = 'error';
  }
}

byId('unlock-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void (async () => {
    const input = byId<HTMLInputElement>('unlock-passphrase');
    try {
      await call({ type: 'keystore.unlock', passphrase: input.value });
      input.value = '';
      if (lastSource) await open(lastSource);
    } catch (err) {
      say(err instanceof FrameError ? errorText(err.code, err.message) : t('errorUnexpected'), 'bad');
    }
  })();
});

byId<HTMLInputElement>('message-file').addEventListener('change', (e) => {
  const input = e.target as HTMLInputElement;
  const file = input.files?.[0];
  // Cleared so that choosing the same file again opens it again.
  input.value = '';
  if (!file) return;
  delete document.body.dataset.opened;
  void readFile(file).then((bytes) => open({ kind: 'bytes', message: toBase64(bytes) }));
});

localize();
const token = /token=([A-Za-z0-9_-]{1,64})/.exec(location.hash)?.[1];
if (token) void open({ kind: 'token', token });
else byId('open-form').hidden = false;
document.body.dataset.ready = 'true';
