/**
 * An OWA draft's attachments taken over into Sello's compose frame, end to end in real Chromium: the
 * OWA fixture saves the typed draft to the Graph stand-in with the files the user attached in OWA (a
 * binary file, an inline image, an attached item); "Sign / Encrypt with Sello" opens the compose frame,
 * whose first load makes the service worker list GET /me/messages/{id}/attachments. The frame lists the
 * files and says which attachment it could not take over; the message is sent signed and encrypted,
 * and OpenSSL (decrypt, verify) plus Python's email parser find the attachment bytes byte for byte.
 * Setup as in owa-graph.test.ts.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';
import { startOwaFixture, type OwaFixture } from '../../stand-ins/owa/owa-fixture';
import { makeFixtures, openssl, write, type Fixtures } from '../extension/fixtures';
import { close, launch, openPage, send, type Session } from '../extension/harness';

const CLIENT_ID = '3f2c1a9e-5b7d-4c8e-9f01-23456789abcd';
const TENANT = 'contoso.example';
const TYPED = 'Contract draft attached, typed into the OWA form first';
const FILE = new Uint8Array(randomBytes(40_000));
const IMAGE = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, ...randomBytes(600)]);

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

async function composeFrame(): Promise<Frame> {
  for (let i = 0; i < 200; i++) {
    const fr = page.frames().find((x) => x.url().includes('/frames/compose/index.html'));
    if (fr) {
      await fr.waitForSelector('body[data-ready]', { timeout: 20_000 });
      return fr;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no compose frame');
}

/** A MIME part of `mime` (files written for Python's email parser), by filename. */
function partOf(mimePath: string, filename: string): { bytes: Buffer; contentId: string | null } {
  const out = execFileSync('python3', [
    '-c',
    [
      'import sys, json, base64, email, email.policy',
      'm = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)',
      'p = next(p for p in m.walk() if p.get_filename() == sys.argv[2])',
      'print(json.dumps({"b": base64.b64encode(p.get_payload(decode=True)).decode(), "cid": p["Content-ID"]}))',
    ].join('\n'),
    mimePath,
    filename,
  ]).toString();
  const j = JSON.parse(out) as { b: string; cid: string | null };
  return { bytes: Buffer.from(j.b, 'base64'), contentId: j.cid };
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
  owa = await startOwaFixture(graph, {
    draftAttachments: [
      { name: 'contract.bin', contentType: 'application/octet-stream', content: FILE },
      {
        name: 'image001.png',
        contentType: 'image/png',
        content: IMAGE,
        isInline: true,
        contentId: 'image001.png@01DB0000.5E110000',
      },
      { name: 'Earlier thread', contentType: '', content: new Uint8Array(0), kind: 'itemAttachment' },
    ],
  });
  s = await launch();
  entra.options.redirectUris.push(`https://${s.extensionId}.chromiumapp.org/`);

  const options = await openPage(s, 'options');
  const imported = await send(options, {
    type: 'identities.import-pkcs12',
    file: b64(f.alice.p12),
    password: f.p12Password,
  });
  if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported.error)}`);
  await send(options, { type: 'recipients.import', file: b64(f.bob.cer), fileName: `${f.bob.email}.cer` });
  const trusted = await send(options, { type: 'trust.import', file: b64(f.caPem), fileName: 'ca.pem' });
  if (!trusted.ok) throw new Error(`trust import failed: ${JSON.stringify(trusted.error)}`);
  await setSetting(options, 'graphClientId', CLIENT_ID);
  await setSetting(options, 'graphTenantId', TENANT);
  await setSetting(options, 'authorityUrl', entra.authority);
  await setSetting(options, 'graphUrl', graph.baseUrl);
  await setSetting(options, 'owaHosts', [owa.host]);
  for (let i = 0; ; i++) {
    const registered = await s.worker.evaluate(async () =>
      (await chrome.scripting.getRegisteredContentScripts()).flatMap((c) => c.matches ?? []),
    );
    if (registered.includes('http://127.0.0.1/*')) break;
    if (i > 100) throw new Error(`content script not registered: ${JSON.stringify(registered)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await options.close();
  page = await s.browser.newPage();
  await page.setViewport({ width: 1300, height: 900 });
  await page.goto(`${owa.url}/mail/inbox`);
  await page.waitForSelector('body[data-ready]');
  await page.waitForSelector('[data-sello="account"][data-state]', { timeout: 15_000 });
  await page.click('[data-sello="sign-in"]');
  await page.waitForSelector('[data-sello="account"][data-state="signed-in"]', { timeout: 20_000 });
});

afterAll(async () => {
  await close(s);
  await owa?.stop();
  await graph?.stop();
  await entra?.stop();
});

describe('OWA draft attachments in Sello', () => {
  it('takes the server draft’s files into the compose frame, reports the attached item, sends them encrypted byte for byte', async () => {
    await page.click('#new-mail');
    await page.waitForSelector('[role="textbox"][aria-label^="Message body"]');
    await page.waitForSelector('[data-sello="compose-bar"]');
    await page.type('[aria-label="To"]', 'bob@example.com');
    await page.type('[aria-label="Add a subject"]', 'Contract');
    await page.type('[role="textbox"][aria-label^="Message body"]', TYPED);
    await page.waitForFunction(
      () =>
        location.pathname.startsWith('/mail/drafts/id/') && document.body.dataset.draftSaved !== undefined,
    );
    await new Promise((r) => setTimeout(r, 700));
    const owaDraftId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(graph.messages.get(owaDraftId)!.attachments.map((a) => a.name)).toEqual([
      'contract.bin',
      'image001.png',
      'Earlier thread',
    ]);
    const listedBefore = graph.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/attachments'));
    expect(listedBefore).toEqual([]);

    // A trusted (puppeteer) click: the content script ignores a page script's click.
    await page.click('[data-sello="compose"]');
    const frame = await composeFrame();
    await frame.waitForSelector('#attachments li[data-name="contract.bin"]', { timeout: 20_000 });
    const listed = await frame.$$eval('#attachments li', (lis) => lis.map((li) => li.textContent ?? ''));
    expect(listed).toHaveLength(2);
    expect(listed[0]).toContain('contract.bin (40 KB)');
    expect(listed[1]).toContain('image001.png');
    expect(await frame.$eval('#not-taken-over', (e) => e.textContent)).toBe(
      'Not taken over: Earlier thread (a linked/cloud file or an attached item). Add it here yourself if it must go.',
    );
    expect(await frame.$eval('#body', (e) => (e as HTMLElement).innerText)).toContain(TYPED);

    const listRequests = graph.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/attachments'));
    expect(listRequests).toEqual([
      { method: 'GET', path: `/v1.0/me/messages/${encodeURIComponent(owaDraftId)}/attachments`, status: 200 },
    ]);
    // Neither the file nor the image went into the page; it received only the draft id.
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    expect(html).not.toContain(Buffer.from(FILE.subarray(0, 300)).toString('base64').slice(0, 200));
    expect(html).not.toContain('contract.bin');

    await frame.$eval('#notice', (n) => (n.textContent = ''));
    await frame.click('#send');
    await frame.waitForFunction(
      () => {
        const t = document.querySelector('#notice')?.textContent ?? '';
        return t !== '' && !t.endsWith('…');
      },
      { timeout: 45_000 },
    );
    expect(await frame.$eval('#notice', (n) => n.textContent)).toBe('Sent, signed and encrypted.');

    expect(graph.sent).toHaveLength(1);
    const mime = write(f, 'owa-attach-sent.eml', Buffer.from(graph.sent[0]!.mime));
    const decrypted = openssl(['cms', '-decrypt', '-in', mime, '-recip', f.bob.cert, '-inkey', f.bob.key]);
    const inner = write(f, 'owa-attach-inner.eml', decrypted);
    const verified = write(
      f,
      'owa-attach-verified.eml',
      openssl(['cms', '-verify', '-in', inner, '-CAfile', f.caPem]),
    );
    const file = partOf(verified, 'contract.bin');
    expect(file.bytes.equals(Buffer.from(FILE))).toBe(true);
    const image = partOf(verified, 'image001.png');
    expect(image.bytes.equals(Buffer.from(IMAGE))).toBe(true);
    expect(image.contentId).toBe('<image001.png@01DB0000.5E110000>');
  });
});
