/**
 * Outlook on the web through Microsoft Graph, end to end in real Chromium: the OWA fixture page is
 * reached through the "additional OWA hosts" setting (the content script is registered with
 * chrome.scripting once the host is granted), sign-in runs chrome.identity.launchWebAuthFlow against
 * the Entra stand-in, and mail goes through the Graph stand-in. OpenSSL checks what was sent and makes
 * what is read. The OWA page's DOM must never contain a message's plaintext.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ElementHandle, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';
import { startOwaFixture, type OwaFixture } from '../../stand-ins/owa/owa-fixture';
import { encryptedMessage, makeFixtures, openssl, write, type Fixtures } from '../extension/fixtures';
import { unpackedExtensionId } from '../../stand-ins/demo-mailbox';
import { DIST, close, launch, openPage, screenshot, send, type Session } from '../extension/harness';

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
    await page.waitForSelector('[aria-label="Message body"]');
    await page.waitForSelector('[data-sello="compose-bar"]');
    expect(await page.$eval('[data-sello="compose-hint"]', (e) => e.textContent)).toContain(
      'Write it in Sello from the start',
    );
    await page.type('[aria-label="To"]', 'bob@example.com');
    await page.type('[aria-label="Add a subject"]', 'Q3 numbers');
    await page.type('[aria-label="Message body"]', TYPED);
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
    await page.click('[data-sello="overlay-reply"]');
    const frame = await frameOf('compose');
    await frame.waitForFunction(() => (document.querySelector('#body')?.textContent ?? '') !== '');
    expect(await frame.$eval('#to', (e) => (e as HTMLInputElement).value)).toBe('carol@example.com');
    expect(await frame.$eval('#subject', (e) => (e as HTMLInputElement).value)).toBe('Re: Board minutes');
    expect(await frame.$eval('#body', (e) => (e as HTMLElement).innerText)).toContain(SECRET);
    expect(await frame.$eval('#encrypt', (e) => (e as HTMLInputElement).checked)).toBe(true);
    expect(await pageHtml()).not.toContain(SECRET);
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
    if (await frame.$eval('#encrypt', (e) => (e as HTMLInputElement).checked)) await frame.click('#encrypt');
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
});
