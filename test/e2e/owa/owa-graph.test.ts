/**
 * Outlook on the web through Microsoft Graph, end to end in real Chromium: the OWA fixture page is
 * reached through the "additional OWA hosts" setting (the content script is registered with
 * chrome.scripting once the host is granted), sign-in runs chrome.identity.launchWebAuthFlow against
 * the Entra stand-in, and mail goes through the Graph stand-in. OpenSSL checks what was sent and makes
 * what is read. The OWA page's DOM must never contain a message's plaintext.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { CDPSession, ElementHandle, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';
import { startOwaFixture, type OwaFixture } from '../../stand-ins/owa/owa-fixture';
import { encryptedMessage, makeFixtures, openssl, write, type Fixtures } from '../extension/fixtures';
import { unpackedExtensionId } from '../../stand-ins/demo-mailbox';
import {
  DIST,
  close,
  launch,
  openPage,
  screenshot,
  send,
  setChecked,
  type Session,
} from '../extension/harness';

const CLIENT_ID = '3f2c1a9e-5b7d-4c8e-9f01-23456789abcd';
const TENANT = 'contoso.example';
const SECRET = 'Board minutes: the merger closes on 3 March (Sello e2e plaintext)';
const TYPED = 'Numbers for Bob, typed into the OWA form first';

let s: Session;
let f: Fixtures;
let entra: EntraStandIn;
let graph: GraphStandIn;
let owa: OwaFixture;
let page: Page;

/**
 * What the service worker sent over the network, with request bodies (CDP on the worker target): the
 * stand-in's log has methods and paths, this has the bytes, to show that no plaintext left Sello.
 */
const workerRequests: { method: string; url: string; body: Promise<string> }[] = [];
/** Where the reply flow began in both logs (draft-oracle checks). */
let replyMark = { graph: 0, worker: 0 };

const b64 = (path: string) => openssl(['base64', '-A', '-in', path]).toString();

async function setSetting(options: Page, key: string, value: unknown): Promise<void> {
  const r = await send(options, { type: 'settings.set', key, value });
  if (!r.ok) throw new Error(`settings.set ${key}: ${JSON.stringify(r.error)}`);
}

async function frameOf(kind: 'compose' | 'read'): Promise<Frame> {
  for (let i = 0; i < 200; i++) {
    const fr = page.frames().find((x) => x.url().includes(`/frames/${kind}/index.html`));
    if (fr) {
      await fr.waitForSelector('body[data-ready]', { timeout: 20_000 });
      return fr;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const said = await page.$$eval('[data-sello="banner-status"], [data-sello="compose-hint"]', (es) =>
    es.map((e) => e.textContent).join(' | '),
  );
  throw new Error(`no ${kind} frame (${said})`);
}

async function sendFrom(frame: Frame): Promise<{ text: string; kind: string }> {
  await frame.$eval('#notice', (n) => (n.textContent = ''));
  await frame.click('#send');
  await frame.waitForFunction(
    () => {
      const t = document.querySelector('#notice')?.textContent ?? '';
      return t !== '' && !t.endsWith('…');
    },
    { timeout: 45_000 },
  );
  return frame.$eval('#notice', (n) => ({ text: n.textContent ?? '', kind: n.className }));
}

/** Clicks (a trusted click) an element the fixture or the content script may just be re-rendering. */
async function clickSettled(selector: string): Promise<void> {
  for (let i = 0; ; i++) {
    try {
      await page.waitForSelector(selector);
      await page.click(selector);
      return;
    } catch (e) {
      if (i > 10 || !/detached|No element found/.test(String(e))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function pageHtml(): Promise<string> {
  return page.evaluate(() => document.documentElement.outerHTML);
}

async function accountState(): Promise<string> {
  return page.$eval('[data-sello="account"]', (e) => (e as HTMLElement).dataset.state ?? '');
}

beforeAll(async () => {
  f = makeFixtures();
  entra = new EntraStandIn({
    tenant: TENANT,
    clientId: CLIENT_ID,
    redirectUris: [],
    requiredScopes: ['Mail.Send', 'Mail.Read', 'Mail.ReadWrite'],
    userPrincipalName: 'alice@example.com',
  });
  await entra.start();
  graph = new GraphStandIn(entra);
  await graph.start();
  owa = await startOwaFixture(graph);
  s = await launch();
  const worker = (s.worker as unknown as { client: CDPSession }).client;
  await worker.send('Network.enable');
  worker.on(
    'Network.requestWillBeSent',
    (e: {
      requestId: string;
      request: { url: string; method: string; hasPostData?: boolean; postData?: string };
    }) => {
      const body =
        e.request.postData !== undefined || !e.request.hasPostData
          ? Promise.resolve(e.request.postData ?? '')
          : worker
              .send('Network.getRequestPostData', { requestId: e.requestId })
              .then((r) => r.postData)
              .catch(() => '(body not available)');
      workerRequests.push({ method: e.request.method, url: e.request.url, body });
    },
  );
  // The app registration lists the extension's redirect URI, as an admin would register it.
  entra.options.redirectUris.push(`https://${s.extensionId}.chromiumapp.org/`);

  const options = await openPage(s, 'options');
  const imported = await send(options, {
    type: 'identities.import-pkcs12',
    file: b64(f.alice.p12),
    password: f.p12Password,
  });
  if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported.error)}`);
  for (const p of [f.bob, f.carol]) {
    await send(options, { type: 'recipients.import', file: b64(p.cer), fileName: `${p.email}.cer` });
  }
  const trusted = await send(options, { type: 'trust.import', file: b64(f.caPem), fileName: 'ca.pem' });
  if (!trusted.ok) throw new Error(`trust import failed: ${JSON.stringify(trusted.error)}`);
  await setSetting(options, 'graphClientId', CLIENT_ID);
  await setSetting(options, 'graphTenantId', TENANT);
  await setSetting(options, 'authorityUrl', entra.authority);
  await setSetting(options, 'graphUrl', graph.baseUrl);
  await setSetting(options, 'owaHosts', [owa.host]);
  // Loopback hosts are granted at install (manifest); an on-premises https host would be granted by the user.
  for (let i = 0; ; i++) {
    const registered = await s.worker.evaluate(async () =>
      (await chrome.scripting.getRegisteredContentScripts()).flatMap((c) => c.matches ?? []),
    );
    if (registered.includes('http://127.0.0.1/*')) break;
    if (i > 100) {
      const perms = await s.worker.evaluate(() => chrome.permissions.getAll());
      throw new Error(
        `content script not registered: ${JSON.stringify(registered)} ${JSON.stringify(perms)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await options.close();
  page = await s.browser.newPage();
  await page.setViewport({ width: 1300, height: 900 });
  await page.goto(`${owa.url}/mail/inbox`);
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('[data-sello="account"][data-state]', { timeout: 15_000 });
});

afterAll(async () => {
  await close(s);
  await owa?.stop();
  await graph?.stop();
  await entra?.stop();
});

describe('Outlook on the web with Sello', () => {
  it('registers the content script for the added host and signs in with launchWebAuthFlow and PKCE', async () => {
    // The demo mailbox predicts this id to register the redirect URI before the browser starts.
    expect(unpackedExtensionId(DIST)).toBe(s.extensionId);
    expect(await accountState()).toBe('signed-out');
    await page.click('[data-sello="sign-in"]');
    await page.waitForSelector('[data-sello="account"][data-state="signed-in"]', { timeout: 20_000 });
    const authorize = entra.requests.find((r) => r.endpoint === 'authorize' && r.status === 302)!;
    expect(authorize.params.code_challenge_method).toBe('S256');
    expect(authorize.params.redirect_uri).toBe(`https://${s.extensionId}.chromiumapp.org/`);
    expect(authorize.params.client_id).toBe(CLIENT_ID);
    const token = entra.requests.find((r) => r.endpoint === 'token' && r.status === 200)!;
    expect(token.params.grant_type).toBe('authorization_code');
    expect(token.params.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('composes signed and encrypted from the OWA form, warns about and deletes the plaintext server draft, sends through Graph', async () => {
    await page.click('#new-mail');
    await page.waitForSelector('[role="textbox"][aria-label^="Message body"]');
    await page.waitForSelector('[data-sello="compose-bar"]');
    expect(await page.$eval('[data-sello="compose-hint"]', (e) => e.textContent)).toContain(
      'Write it in Sello from the start',
    );
    await page.type('[aria-label="To"]', 'bob@example.com');
    await page.type('[aria-label="Add a subject"]', 'Q3 numbers');
    await page.type('[role="textbox"][aria-label^="Message body"]', TYPED);
    await page.waitForFunction(
      (typed) =>
        location.pathname.startsWith('/mail/drafts/id/') &&
        document.body.dataset.draftSaved !== undefined &&
        typed.length > 0,
      {},
      TYPED,
    );
    // OWA has saved the typed text to the server: the fixture stored it as a plaintext draft.
    await new Promise((r) => setTimeout(r, 700));
    const owaDraftId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(Buffer.from(graph.messages.get(owaDraftId)!.mime!).toString()).toContain(TYPED);

    await page.click('[data-sello="compose"]');
    const frame = await frameOf('compose');
    await frame.waitForFunction(() => document.querySelector('#body')?.textContent !== '');
    expect(await frame.$eval('#to', (e) => (e as HTMLInputElement).value)).toBe('bob@example.com');
    expect(await frame.$eval('#subject', (e) => (e as HTMLInputElement).value)).toBe('Q3 numbers');
    expect(await frame.$eval('#body', (e) => (e as HTMLElement).innerText)).toContain(TYPED);
    expect(await frame.$eval('#sign', (e) => (e as HTMLInputElement).checked)).toBe(true);
    expect(await frame.$eval('#encrypt', (e) => (e as HTMLInputElement).checked)).toBe(true);

    const warning = await page.waitForSelector('[data-note="server-draft"]');
    expect(await warning!.evaluate((e) => e.textContent)).toContain(
      'saved this draft to the server unencrypted',
    );
    await screenshot(page, 'owa-compose-warning');
    await page.click('[data-sello="delete-server-draft"]');
    await page.waitForSelector('[data-note="server-draft-deleted"]');
    expect(graph.messages.has(owaDraftId)).toBe(false);

    await frame.click('#body');
    await frame.type('#body', ' Written in Sello.');
    const n = await sendFrom(frame);
    expect(n.text).toBe('Sent, signed and encrypted.');
    await page.waitForSelector('[data-note="sent"]');
    expect(await page.$eval('[data-note="sent"]', (e) => e.textContent)).toBe(
      'Sent with Sello. You can discard the Outlook draft.',
    );

    expect(graph.sent).toHaveLength(1);
    const sent = graph.sent[0]!;
    expect(sent.via).toBe('sendMail');
    const mime = write(f, 'owa-sent.eml', Buffer.from(sent.mime));
    const decrypted = openssl(['cms', '-decrypt', '-in', mime, '-recip', f.bob.cert, '-inkey', f.bob.key]);
    const inner = write(f, 'owa-sent-inner.eml', decrypted);
    const verified = openssl(['cms', '-verify', '-in', inner, '-CAfile', f.caPem]).toString('utf8');
    expect(verified).toContain(TYPED);
    expect(verified).toContain('Written in Sello.');
    const sendRequest = graph.requests.find((r) => r.path === '/v1.0/me/sendMail')!;
    expect(sendRequest.status).toBe(202);
    // Nothing Sello did put the Sello-side text into the page.
    expect(await pageHtml()).not.toContain('Written in Sello.');
    await page.click('[data-sello="close"]');
  });

  it('opens an OpenSSL-made encrypted and signed message by its id in the read frame, never in the page', async () => {
    const mime = encryptedMessage(f, f.carol, f.alice, 'Board minutes', SECRET, true);
    const id = graph.addMessage(new Uint8Array(Buffer.from(mime, 'latin1')), 'Board minutes');
    await page.click('#refresh');
    await page.waitForSelector(`[role="option"][data-id="${id}"]`);
    await page.click(`[role="option"][data-id="${id}"]`);
    await page.waitForSelector('[data-sello="banner"]');
    expect(await page.$eval('[data-sello="banner"]', (e) => e.getAttribute('data-message-id'))).toBe(id);
    await page.click('[data-sello="open"]');
    const frame = await frameOf('read');
    await frame.waitForSelector('body[data-opened="true"]', { timeout: 30_000 });
    const status = await frame.$eval('#status-lines', (e) => (e as HTMLElement).innerText);
    expect(status).toMatch(/carol/i);
    expect(status).toMatch(/encrypted/i);
    expect(status).toMatch(/whole message/);
    expect(status).toContain("The signer's certificate is trusted (issued under");
    expect(status).toContain('The From address (carol@example.com) matches the signer.');
    expect(status).toContain('Encrypted with AES-256-CBC');
    expect(await frame.$eval('#status-bar', (e) => e.className)).not.toContain('danger');
    // The plaintext is rendered inside the read frame's sandboxed content frame.
    const content = frame.childFrames()[0]!;
    expect(await content.evaluate(() => document.body.innerText)).toContain(SECRET);
    await new Promise((r) => setTimeout(r, 500));
    await screenshot(page, 'owa-read');
    const shown = await frame.$eval('iframe.content', (e) => (e as HTMLIFrameElement).srcdoc);
    expect(shown).toContain(SECRET);
    const fetched = graph.requests.filter(
      (r) => decodeURIComponent(r.path) === `/v1.0/me/messages/${id}/$value`,
    );
    expect(fetched.map((r) => r.status)).toEqual([200]);
    expect(await pageHtml()).not.toContain(SECRET);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await pageHtml()).not.toContain(SECRET);
    expect(await pageHtml()).not.toContain('merger');
  });

  it('replies to encrypted mail in Sello’s frame quoting only what was shown', async () => {
    replyMark = { graph: graph.requests.length, worker: workerRequests.length };
    await page.click('[data-sello="overlay-reply"]');
    const frame = await frameOf('compose');
    await frame.waitForFunction(() => (document.querySelector('#body')?.textContent ?? '') !== '');
    expect(await frame.$eval('#to', (e) => (e as HTMLInputElement).value)).toBe('carol@example.com');
    expect(await frame.$eval('#subject', (e) => (e as HTMLInputElement).value)).toBe('Re: Board minutes');
    expect(await frame.$eval('#body', (e) => (e as HTMLElement).innerText)).toContain(SECRET);
    expect(await frame.$eval('#encrypt', (e) => (e as HTMLInputElement).checked)).toBe(true);
    expect(await pageHtml()).not.toContain(SECRET);
  });

  it('refuses Send while the page makes Sello’s compose frame see-through or covers it (clickjacking)', async () => {
    const frame = await frameOf('compose');
    const before = graph.sent.length;
    await page.evaluate(() => {
      (document.querySelector('[data-sello="overlay-compose"]') as HTMLElement).style.opacity = '0.05';
    });
    let n = await sendFrom(frame);
    expect(n.kind).toContain('bad');
    expect(n.text).toContain('covered or hidden');
    // A decoy the user sees, laid over Send, that lets the click through to the frame.
    await page.evaluate(() => {
      (document.querySelector('[data-sello="overlay-compose"]') as HTMLElement).style.opacity = '';
      const decoy = document.createElement('div');
      decoy.id = 'decoy';
      decoy.textContent = 'Click here to win';
      decoy.style.cssText =
        'position:fixed;inset:0;z-index:2147483647;pointer-events:none;background:#fff;font-size:40px';
      document.body.append(decoy);
    });
    n = await sendFrom(frame);
    expect(n.text).toContain('covered or hidden');
    expect(graph.sent.length).toBe(before);
    await page.evaluate(() => document.querySelector('#decoy')?.remove());
  });

  it('keeps the draft and says why on Graph 500 and 429, then sends', async () => {
    const frame = await frameOf('compose');
    const before = graph.sent.length;
    graph.injectFault({ method: 'POST', path: /^\/me\/sendMail$/, kind: 'server-error', times: 4 });
    let n = await sendFrom(frame);
    expect(n.kind).toContain('bad');
    expect(n.text).toContain('Microsoft 365 had a server error');
    expect(n.text).toContain('Everything you wrote is kept.');
    graph.injectFault({
      method: 'POST',
      path: /^\/me\/sendMail$/,
      kind: 'throttle',
      retryAfter: 1,
      times: 4,
    });
    n = await sendFrom(frame);
    expect(n.text).toContain('throttling');
    expect(n.text).toContain('Everything you wrote is kept.');
    expect(graph.sent.length).toBe(before);
    expect(await frame.$eval('#body', (e) => (e as HTMLElement).innerText)).toContain(SECRET);
    expect(await frame.$eval('#to', (e) => (e as HTMLInputElement).value)).toBe('carol@example.com');
    // The fault is used up: the same draft now goes.
    n = await sendFrom(frame);
    expect(n.text).toBe('Sent, signed and encrypted.');
    expect(graph.sent.length).toBe(before + 1);
    const mime = write(f, 'owa-reply.eml', Buffer.from(graph.sent.at(-1)!.mime));
    const inner = write(
      f,
      'owa-reply-inner.eml',
      openssl(['cms', '-decrypt', '-in', mime, '-recip', f.carol.cert, '-inkey', f.carol.key]),
    );
    const reply = openssl(['cms', '-verify', '-in', inner, '-CAfile', f.caPem]).toString('utf8');
    expect(reply).toContain('carol@example.com wrote:');
    expect(reply).toContain('the merger closes');
  });

  it('saves no plaintext draft to the server while replying: only the encrypted sendMail leaves Sello (draft oracle)', async () => {
    const since = graph.requests.slice(replyMark.graph);
    expect(since.some((r) => r.path === '/v1.0/me/sendMail' && r.status === 202)).toBe(true);
    // No draft was created or patched on the server for the reply.
    expect(since.filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(since.filter((r) => r.method === 'POST' && r.path !== '/v1.0/me/sendMail')).toEqual([]);
    const sent = workerRequests.slice(replyMark.worker).filter((r) => r.url.startsWith(graph.baseUrl));
    const bodies = await Promise.all(sent.map(async (r) => ({ ...r, text: await r.body })));
    const withBody = bodies.filter((r) => r.text !== '');
    expect(withBody.length).toBeGreaterThan(0);
    for (const r of withBody) {
      // The only bodies are sendMail's: base64 of an S/MIME enveloped message.
      expect(new URL(r.url).pathname).toBe('/v1.0/me/sendMail');
      const mime = Buffer.from(r.text, 'base64').toString('latin1');
      expect(mime).toMatch(/Content-Type: application\/(x-)?pkcs7-mime;[^]*smime-type=enveloped-data/i);
      for (const t of [r.text, mime]) {
        expect(t).not.toContain(SECRET);
        expect(t).not.toContain('merger');
      }
    }
  });

  it('refreshes an expired access token by itself, and keeps the draft and asks to sign in again when the session is gone', async () => {
    entra.expireAccessTokens();
    await page.click('[data-sello="close"]');
    await page.click('[data-sello="reply"]');
    let frame = await frameOf('compose');
    await frame.waitForFunction(() => (document.querySelector('#body')?.textContent ?? '') !== '');
    const before = graph.sent.length;
    let n = await sendFrom(frame);
    expect(n.text).toBe('Sent, signed and encrypted.');
    expect(graph.sent.length).toBe(before + 1);
    expect(
      entra.requests.some((r) => r.endpoint === 'token' && r.params.grant_type === 'refresh_token'),
    ).toBe(true);

    await page.click('[data-sello="close"]');
    await page.click('[data-sello="reply"]');
    frame = await frameOf('compose');
    await frame.waitForFunction(() => (document.querySelector('#body')?.textContent ?? '') !== '');
    await frame.type('#to', ', bob@example.com');
    // While the user writes, the session ends (password change, admin revocation).
    entra.expireAccessTokens();
    entra.revokeRefreshTokens();
    n = await sendFrom(frame);
    expect(n.kind).toContain('bad');
    expect(n.text).toMatch(/sign in again/i);
    expect(n.text).toContain('Everything you wrote is kept.');
    expect(graph.sent.length).toBe(before + 1);
    await page.waitForSelector('[data-sello="account"][data-state="sign-in-again"]', { timeout: 10_000 });
    await page.click('[data-sello="sign-in"]');
    await page.waitForSelector('[data-sello="account"][data-state="signed-in"]', { timeout: 20_000 });
    n = await sendFrom(frame);
    expect(n.text).toBe('Sent, signed and encrypted.');
    expect(graph.sent.length).toBe(before + 2);
    expect(await pageHtml()).not.toContain(SECRET);
  });

  it('sends a message too large for sendMail as IPM.Note.SMIME through an upload session, with progress', async () => {
    await page.click('[data-sello="close"]');
    await page.click('#new-mail');
    await page.waitForSelector('[data-sello="compose-bar"]');
    await page.click('[data-sello="compose"]');
    const frame = await frameOf('compose');
    // Nothing typed in OWA, nothing saved on the server: no warning, nothing to delete.
    expect(await page.$('[data-note="server-draft"]')).toBeNull();
    await frame.type('#to', 'bob@example.com');
    await frame.type('#subject', 'Scans');
    await frame.click('#body');
    await frame.type('#body', 'The scans are attached.');
    const big = write(f, 'scans.bin', randomBytes(3_300_000));
    const input = (await frame.$('#attach')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(big);
    await frame.waitForFunction(
      () => document.querySelector('#attachments')?.textContent?.includes('ready'),
      {
        timeout: 30_000,
      },
    );
    const before = graph.sent.length;
    // Record the panel's progress notes as the page would see them (numbers only).
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const p = document.querySelector('[data-note="progress"]');
        if (p?.textContent && !seen.includes(p.textContent)) seen.push(p.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const n = await sendFrom(frame);
    expect(n.text).toBe('Sent, signed and encrypted.');
    await page.waitForSelector('[data-note="sent"]');
    const progress = await page.evaluate(
      () => (window as unknown as { progressSeen: string[] }).progressSeen,
    );
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.every((p) => /^Uploading: \d+%$/.test(p))).toBe(true);
    expect(graph.sent.length).toBe(before + 1);
    const sent = graph.sent.at(-1)!;
    expect(sent.via).toBe('draft-send');
    expect(sent.messageClass).toBe('IPM.Note.SMIME');
    expect(sent.draft!.toRecipients).toEqual(['bob@example.com']);
    expect(sent.draft!.attachments.map((a) => a.name)).toEqual(['smime.p7m']);
    const chunks = graph.requests.filter((r) => r.method === 'PUT' && r.path.startsWith('/upload/'));
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expect(graph.requests.some((r) => r.path.endsWith('/attachments/createUploadSession'))).toBe(true);
    const mime = write(f, 'owa-large.eml', Buffer.from(sent.mime));
    // Output goes to files: it is larger than spawnSync's pipe buffer.
    const inner = `${mime}.inner`;
    const out = `${mime}.verified`;
    openssl(['cms', '-decrypt', '-in', mime, '-recip', f.bob.cert, '-inkey', f.bob.key, '-out', inner]);
    openssl(['cms', '-verify', '-in', inner, '-CAfile', f.caPem, '-out', out]);
    const verified = readFileSync(out).toString('latin1');
    expect(verified).toContain('The scans are attached.');
    expect(verified).toContain('scans.bin');
  });

  it('sends a large clear-signed message as IPM.Note.SMIME.MultipartSigned carrying the signed entity', async () => {
    await page.click('[data-sello="close"]');
    await page.click('#new-mail');
    await page.waitForSelector('[data-sello="compose-bar"]');
    await page.click('[data-sello="compose"]');
    const frame = await frameOf('compose');
    await frame.type('#to', 'dave@example.com');
    await frame.type('#subject', 'Public report');
    await frame.click('#body');
    await frame.type('#body', 'The public report, signed.');
    await setChecked(frame, '#encrypt', false);
    const input = (await frame.$('#attach')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(write(f, 'report.bin', randomBytes(3_300_000)));
    await frame.waitForFunction(
      () => document.querySelector('#attachments')?.textContent?.includes('ready'),
      {
        timeout: 30_000,
      },
    );
    const n = await sendFrom(frame);
    expect(n.text).toBe('Sent, signed.');
    const sent = graph.sent.at(-1)!;
    expect(sent.via).toBe('draft-send');
    expect(sent.messageClass).toBe('IPM.Note.SMIME.MultipartSigned');
    expect(sent.draft!.toRecipients).toEqual(['dave@example.com']);
    const mime = write(f, 'owa-large-signed.eml', Buffer.from(sent.mime));
    const out = `${mime}.verified`;
    openssl(['cms', '-verify', '-in', mime, '-CAfile', f.caPem, '-out', out]);
    const verified = readFileSync(out).toString('latin1');
    expect(verified).toContain('The public report, signed.');
    expect(verified).toContain('report.bin');
  });

  it('ignores Open, Reply and Compose clicked by a page script: no Graph fetch, no decryption, nothing in the page', async () => {
    await page.click('[data-sello="close"]');
    const secret = 'Salary review: 12% for the whole team (synthetic-click e2e)';
    const id = graph.addMessage(
      new Uint8Array(Buffer.from(encryptedMessage(f, f.carol, f.alice, 'Salaries', secret, true), 'latin1')),
      'Salaries',
    );
    await page.click('#refresh');
    await page.waitForSelector(`[role="option"][data-id="${id}"]`);
    await page.click(`[role="option"][data-id="${id}"]`);
    await page.waitForSelector(`[data-sello="banner"][data-message-id="${id}"]`);
    const fetched = () =>
      graph.requests.filter((r) => decodeURIComponent(r.path) === `/v1.0/me/messages/${id}/$value`).length;
    const before = { requests: graph.requests.length, worker: workerRequests.length };
    // The page's own script (main world), as a hostile OWA would do it.
    await page.evaluate(() => {
      for (const sel of ['[data-sello="open"]', '[data-sello="reply"]']) {
        const b = document.querySelector<HTMLButtonElement>(sel)!;
        b.click();
        b.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
        b.focus();
        b.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        b.dispatchEvent(new PointerEvent('pointerup', { bubbles: true }));
      }
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(fetched()).toBe(0);
    expect(graph.requests.slice(before.requests)).toEqual([]);
    expect(workerRequests.slice(before.worker)).toEqual([]);
    expect(await page.$('[data-sello^="overlay-"]')).toBeNull();
    expect(page.frames().filter((x) => x.url().includes('/frames/'))).toEqual([]);
    expect(await page.$eval('[data-sello="banner-status"]', (e) => e.textContent)).toBe('');

    // The user's own activation still works: Enter on the focused button is a trusted click.
    await page.focus('[data-sello="open"]');
    await page.keyboard.press('Enter');
    const frame = await frameOf('read');
    await frame.waitForSelector('body[data-opened="true"]', { timeout: 30_000 });
    expect(await frame.childFrames()[0]!.evaluate(() => document.body.innerText)).toContain(secret);
    expect(fetched()).toBe(1);
    expect(await pageHtml()).not.toContain(secret);
    await page.click('[data-sello="close"]');

    await page.click('#new-mail');
    await page.waitForSelector('[data-sello="compose-bar"]');
    await page.evaluate(() => {
      const b = document.querySelector<HTMLButtonElement>('[data-sello="compose"]')!;
      b.click();
      b.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect(await page.$('[data-sello^="overlay-"]')).toBeNull();
    expect(await page.$eval('[data-sello="compose-hint"]', (e) => e.textContent)).toContain(
      'Write it in Sello from the start',
    );
  });

  it('shows the page the same thing whether a message opens or not: outcomes stay in Sello’s frames', async () => {
    const good = graph.addMessage(
      new Uint8Array(Buffer.from(encryptedMessage(f, f.carol, f.alice, 'Opens', SECRET, true), 'latin1')),
      'Opens',
    );
    // Encrypted to Bob only: Alice's Sello cannot decrypt it.
    const bad = graph.addMessage(
      new Uint8Array(Buffer.from(encryptedMessage(f, f.carol, f.bob, 'Fails', SECRET, true), 'latin1')),
      'Fails',
    );
    /** Everything Sello put into the page, minus the per-message id and the per-open token. */
    const seen = () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-sello]')].map((e) => {
          const attrs = [...e.attributes]
            .filter((a) => !['src', 'data-message-id'].includes(a.name))
            .map((a) => `${a.name}=${a.value}`);
          const own = [...e.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent);
          return `${e.tagName} ${attrs.join(' ')} ${own.join('')}`;
        }),
      );
    const views: Record<string, { open: string[]; reply: string[]; frame: string }> = {};
    for (const [name, id] of [
      ['good', good],
      ['bad', bad],
    ] as const) {
      await page.click('#refresh');
      await page.waitForSelector(`[role="option"][data-id="${id}"]`);
      await clickSettled(`[role="option"][data-id="${id}"]`);
      await page.waitForSelector(`[data-sello="banner"][data-message-id="${id}"]`);
      await clickSettled('[data-sello="open"]');
      const read = await frameOf('read');
      await read.waitForSelector('body[data-opened]', { timeout: 30_000 });
      const frameSaid = await read.$eval(
        'body',
        (b) =>
          `${b.dataset.opened ?? ''}: ${document.querySelector<HTMLElement>('#status-bar')?.innerText ?? ''}`,
      );
      await new Promise((r) => setTimeout(r, 300));
      const open = await seen();
      await clickSettled('[data-sello="close"]');
      await clickSettled('[data-sello="reply"]');
      for (let i = 0; i < 200 && !page.frames().some((x) => x.url().includes('/frames/compose/')); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const compose = page.frames().find((x) => x.url().includes('/frames/compose/'))!;
      await compose.waitForFunction(
        () => document.body.dataset.ready !== undefined || document.querySelector('#notice.bad') !== null,
        { timeout: 30_000 },
      );
      await new Promise((r) => setTimeout(r, 300));
      const reply = await seen();
      await clickSettled('[data-sello="close"]');
      views[name] = { open, reply, frame: frameSaid };
    }
    // Sello's frames know: the good one opened, the bad one says why not.
    expect(views.good!.frame).toContain('The From address (carol@example.com) matches the signer.');
    expect(views.bad!.frame).not.toContain('matches the signer');
    expect(views.bad!.frame).not.toBe(views.good!.frame);
    // The page does not.
    expect(views.bad!.open).toEqual(views.good!.open);
    expect(views.bad!.reply).toEqual(views.good!.reply);
    expect(views.good!.open.join('\n')).toContain('overlay-read');
    expect(views.good!.reply.join('\n')).toContain('overlay-compose');
    expect(await pageHtml()).not.toContain(SECRET);
  });

  it('keeps the token while the keys are locked: Open and Reply finish in Sello’s frame after unlocking there', async () => {
    const options = await openPage(s, 'options');
    const set = await send(options, {
      type: 'keystore.set-passphrase',
      current: null,
      next: 'correct horse battery',
    });
    if (!set.ok) throw new Error(`set-passphrase: ${JSON.stringify(set.error)}`);
    expect((await send(options, { type: 'keystore.lock' })).ok).toBe(true);
    const secret = 'Locked-keys e2e: the audit starts Monday';
    const id = graph.addMessage(
      new Uint8Array(Buffer.from(encryptedMessage(f, f.carol, f.alice, 'Audit', secret, true), 'latin1')),
      'Audit',
    );
    await page.bringToFront();
    await page.click('#refresh');
    await clickSettled(`[role="option"][data-id="${id}"]`);
    await page.waitForSelector(`[data-sello="banner"][data-message-id="${id}"]`);
    await clickSettled('[data-sello="open"]');
    const read = await frameOf('read');
    await read.waitForFunction(() => !(document.querySelector('#unlock-form') as HTMLFormElement).hidden);
    expect(await page.$eval('[data-sello="banner-status"]', (e) => e.textContent)).toBe('');
    await read.type('#unlock-passphrase', 'correct horse battery');
    await read.click('#unlock-form button[type=submit]');
    await read.waitForSelector('body[data-opened="true"]', { timeout: 30_000 });
    expect(await read.childFrames()[0]!.evaluate(() => document.body.innerText)).toContain(secret);
    // Fetched once: the retry after unlocking used the message the token already held.
    expect(
      graph.requests.filter((r) => decodeURIComponent(r.path) === `/v1.0/me/messages/${id}/$value`).length,
    ).toBe(1);

    expect((await send(options, { type: 'keystore.lock' })).ok).toBe(true);
    await options.close();
    await clickSettled('[data-sello="close"]');
    await clickSettled('[data-sello="reply"]');
    let compose: Frame | undefined;
    for (let i = 0; i < 200 && !compose; i++) {
      compose = page.frames().find((x) => x.url().includes('/frames/compose/'));
      if (!compose) await new Promise((r) => setTimeout(r, 50));
    }
    await compose!.waitForFunction(
      () => !(document.querySelector('#unlock-form') as HTMLFormElement).hidden,
      { timeout: 20_000 },
    );
    await compose!.type('#unlock-passphrase', 'correct horse battery');
    await compose!.click('#unlock-form button[type=submit]');
    await compose!.waitForSelector('body[data-ready]', { timeout: 30_000 });
    expect(await compose!.$eval('#body', (e) => (e as HTMLElement).innerText)).toContain(secret);
    expect(await compose!.$eval('#to', (e) => (e as HTMLInputElement).value)).toBe('carol@example.com');
    expect(await pageHtml()).not.toContain(secret);
  });
});
