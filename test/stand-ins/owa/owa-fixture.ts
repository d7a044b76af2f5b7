/**
 * STAND-IN for Outlook on the web: a small single-page app served on 127.0.0.1 with the ARIA
 * landmarks Sello's content script looks for (extension/content/owa/landmarks.ts), modelled on what
 * OWA shows: a message list (role=listbox "Message list"), a reading pane (role=main "Reading Pane")
 * where an S/MIME item appears, as in OWA without Microsoft's S/MIME control, as an attachment chip
 * "smime.p7m" (encrypted, opaque-signed) or "smime.p7s" (clear-signed), and a compose form (To, Cc, Bcc,
 * "Add a subject", a contenteditable "Message body", optionally
 * with OWA's real "Message body, press Alt+F10 to exit").
 * Navigation is client-side (history.pushState to /mail/inbox/id/<id>), as in OWA.
 * The messages and their ids come from the Graph stand-in's mailbox. Like OWA, the compose form
 * auto-saves its draft to the mailbox in plaintext (a Graph draft with the typed MIME) and shows its
 * id in the URL (/mail/drafts/id/<id>): that is the behaviour Sello warns about.
 * It is not OWA: no Microsoft code or markup is copied; only the landmarks and the URL shapes matter.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphStandIn, StoredAttachment } from '../graph/graph-stand-in';
import { readBody, sendJson } from '../graph/http-helpers';

export interface MessageSummary {
  id: string;
  subject: string;
  from: string;
  smime: boolean;
  /**
   * The attachment chip OWA shows without Microsoft's S/MIME control: smime.p7m for an
   * application/pkcs7-mime item (encrypted or opaque-signed), smime.p7s for a clear-signed
   * multipart/signed one (whose text OWA shows, with the signature as an attachment).
   */
  chip: 'smime.p7m' | 'smime.p7s' | null;
}

/** Only top-level headers: the fixture never shows a message's body (the real OWA would, for plain mail). */
function summarise(id: string, mime: Uint8Array | null, fallbackSubject: string): MessageSummary {
  const text = mime ? Buffer.from(mime).toString('latin1') : '';
  const head = (text.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? '';
  const type = header('content-type').toLowerCase();
  const chip = /^application\/(x-)?pkcs7-mime/.test(type)
    ? 'smime.p7m'
    : /^multipart\/signed/.test(type)
      ? 'smime.p7s'
      : null;
  return {
    id,
    subject: header('subject') || fallbackSubject,
    from: header('from'),
    smime: chip !== null,
    chip,
  };
}

const APP = String.raw`
const list = document.querySelector('[aria-label="Message list"]');
const pane = document.querySelector('[aria-label="Reading Pane"]');
let messages = [];
async function load() {
  messages = await (await fetch('/api/messages')).json();
  list.replaceChildren(...messages.map((m) => {
    const o = document.createElement('div');
    o.setAttribute('role', 'option');
    o.dataset.id = m.id;
    o.tabIndex = 0;
    o.textContent = m.from + ' — ' + m.subject;
    o.addEventListener('click', () => { history.pushState(null, '', '/mail/inbox/id/' + encodeURIComponent(m.id)); route(); });
    return o;
  }));
}
function showMessage(id) {
  const m = messages.find((x) => x.id === id);
  const h = document.createElement('h2');
  h.textContent = m ? m.subject : 'Message not found';
  const from = document.createElement('p');
  from.textContent = m ? m.from : '';
  const parts = [h, from];
  if (m && m.smime) {
    const note = document.createElement('p');
    note.textContent = 'This message can\u2019t be displayed because S/MIME isn\u2019t available.';
    const chip = document.createElement('div');
    chip.setAttribute('role', 'option');
    chip.setAttribute('aria-label', m.chip + ' 12 KB');
    chip.textContent = m.chip;
    parts.push(note, chip);
  }
  pane.replaceChildren(...parts);
}
const COMPOSE_BODY_LABEL = document.body.dataset.composeBodyLabel;
function showCompose(draftId) {
  const form = document.createElement('div');
  form.setAttribute('role', 'form');
  form.setAttribute('aria-label', 'Compose');
  const field = (label) => { const i = document.createElement('input'); i.setAttribute('aria-label', label); form.append(i); return i; };
  const to = field('To'); field('Cc'); const bcc = field('Bcc'); const subject = field('Add a subject');
  const body = document.createElement('div');
  body.setAttribute('role', 'textbox');
  body.setAttribute('aria-label', COMPOSE_BODY_LABEL);
  body.setAttribute('aria-multiline', 'true');
  body.contentEditable = 'true';
  body.style.minHeight = '120px';
  body.style.border = '1px solid #ccc';
  form.append(body);
  let timer;
  let id = draftId;
  // OWA saves the draft to the server as you type, unencrypted.
  const save = () => { clearTimeout(timer); timer = setTimeout(async () => {
    const r = await fetch('/api/drafts', { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id, to: to.value, bcc: bcc.value, subject: subject.value, body: body.innerText }) });
    const j = await r.json();
    if (!id) { id = j.id; history.replaceState(null, '', '/mail/drafts/id/' + encodeURIComponent(id)); }
    document.body.dataset.draftSaved = id;
  }, 300); };
  for (const e of [to, bcc, subject, body]) e.addEventListener('input', save);
  pane.replaceChildren(form);
}
function route() {
  const m = /\/mail\/(inbox|drafts)\/id\/([^/]+)/.exec(location.pathname);
  if (location.pathname === '/mail/compose') showCompose(null);
  else if (m && m[1] === 'inbox') showMessage(decodeURIComponent(m[2]));
  else pane.replaceChildren();
}
document.querySelector('#new-mail').addEventListener('click', () => { history.pushState(null, '', '/mail/compose'); route(); });
document.querySelector('#refresh').addEventListener('click', () => load());
window.addEventListener('popstate', route);
load().then(route).then(() => { document.body.dataset.ready = 'true'; });
`;

const shell = (composeBodyLabel: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Mail - Outlook (stand-in)</title>
<style>body{font:14px system-ui,sans-serif;margin:0;display:grid;grid-template-columns:280px 1fr;height:100vh}
[aria-label="Message list"]{border-right:1px solid #ccc;overflow:auto}[role=option]{padding:8px;cursor:pointer}
[aria-label="Reading Pane"]{padding:12px;overflow:auto}</style></head>
<body data-compose-body-label="${escapeAttribute(composeBodyLabel)}"><nav aria-label="Folders"><button id="new-mail" type="button">New mail</button>
<button id="refresh" type="button">Refresh</button>
<div role="listbox" aria-label="Message list"></div></nav>
<div role="main" aria-label="Reading Pane"></div>
<script src="/app.js"></script></body></html>`;

/** The label real OWA gives the compose body: the name, then keyboard help (landmarks match the start). */
export const OWA_COMPOSE_BODY_LABEL = 'Message body, press Alt+F10 to exit';

export interface OwaFixtureOptions {
  /** The compose body's aria-label; defaults to what real OWA shows (OWA_COMPOSE_BODY_LABEL). */
  composeBodyLabel?: string;
  /**
   * Files the user attached in OWA's compose form: OWA uploads them to the server draft, so they are
   * attached (through the Graph stand-in) when the fixture first saves a draft.
   */
  draftAttachments?: Omit<StoredAttachment, 'id' | 'size'>[];
}

function escapeAttribute(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export class OwaFixture {
  private server: Server | undefined;
  port = 0;
  private readonly composeBodyLabel: string;
  private readonly draftAttachments: Omit<StoredAttachment, 'id' | 'size'>[];

  constructor(
    private readonly graph: GraphStandIn,
    options: OwaFixtureOptions = {},
  ) {
    this.composeBodyLabel = options.composeBodyLabel ?? OWA_COMPOSE_BODY_LABEL;
    this.draftAttachments = options.draftAttachments ?? [];
  }

  /** The host:port to put into Sello's "additional OWA hosts" setting. */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `http://${this.host}`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => sendJson(res, 500, { error: String(e) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Received (non-draft) messages of the Graph stand-in's mailbox, newest first. */
  inbox(): MessageSummary[] {
    return [...this.graph.messages.values()]
      .filter((m) => !m.isDraft)
      .map((m) => summarise(m.id, m.mime, m.subject))
      .reverse();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(APP);
      return;
    }
    if (url.pathname === '/api/messages') return sendJson(res, 200, this.inbox());
    if (url.pathname === '/api/drafts' && req.method === 'POST') return this.saveDraft(req, res);
    if (url.pathname === '/' || url.pathname.startsWith('/mail')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(shell(this.composeBodyLabel));
      return;
    }
    sendJson(res, 404, { error: 'not found' });
  }

  /** OWA's auto-save: the typed draft, as plaintext MIME, in the mailbox's drafts. */
  private async saveDraft(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = JSON.parse(Buffer.from((await readBody(req, 1024 * 1024)).bytes).toString('utf8')) as {
      id: string | null;
      to: string;
      bcc?: string;
      subject: string;
      body: string;
    };
    const mime = Buffer.from(
      [
        `To: ${body.to}`,
        // A draft keeps its Bcc (only sending drops it from what recipients get).
        ...(body.bcc ? [`Bcc: ${body.bcc}`] : []),
        `Subject: ${body.subject}`,
        `Message-ID: <${randomUUID()}@owa.standin>`,
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        '',
        body.body,
        '',
      ].join('\r\n'),
    );
    let id = body.id;
    const existing = id ? this.graph.messages.get(id) : undefined;
    if (existing) {
      existing.mime = new Uint8Array(mime);
      existing.subject = body.subject;
    } else {
      id = this.graph.addMessage(new Uint8Array(mime), body.subject);
      this.graph.messages.get(id)!.isDraft = true;
      for (const a of this.draftAttachments) this.graph.addAttachment(id, a);
    }
    sendJson(res, 200, { id });
  }
}

export async function startOwaFixture(graph: GraphStandIn, options?: OwaFixtureOptions): Promise<OwaFixture> {
  const f = new OwaFixture(graph, options);
  await f.start();
  return f;
}
