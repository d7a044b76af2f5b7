/**
 * The service worker answers only our own extension pages, each only for the messages its role needs;
 * web pages, other extensions and content-script contexts are refused. Decided from what Chromium
 * reports about the sender.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizeSender } from '../../../extension/background/sender-policy';
import { DIST, unpackedExtensionId, close, launch, openPage, send, type Session } from './harness';

let s: Session;
let otherDir: string;
let server: Server;
let webUrl: string;

beforeAll(async () => {
  // Another extension, installed next to Sello, that tries to talk to it.
  otherDir = mkdtempSync(join(tmpdir(), 'sello-other-ext-'));
  writeFileSync(
    join(otherDir, 'manifest.json'),
    JSON.stringify({ manifest_version: 3, name: 'Other', version: '1.0' }),
  );
  writeFileSync(join(otherDir, 'page.html'), '<!doctype html><title>other</title><p>other extension</p>');
  server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end('<!doctype html><title>web</title><p>a web page</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  webUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  s = await launch({ extraExtensions: [otherDir] });
});

afterAll(async () => {
  await close(s);
  server.close();
});

describe('the built extension', () => {
  it('asks for few permissions, has a strict CSP, no externally_connectable and hides its frames', () => {
    const m = JSON.parse(readFileSync(join(DIST, 'manifest.json'), 'utf8'));
    expect(m.manifest_version).toBe(3);
    // storage for this issue; identity and scripting for the OWA integration (docs/owa.md).
    expect(m.permissions).toContain('storage');
    for (const p of m.permissions) expect(['storage', 'identity', 'scripting']).toContain(p);
    for (const h of m.host_permissions ?? [])
      expect(h).toMatch(
        /^(https:\/\/(graph\.microsoft\.com|login\.microsoftonline\.com|outlook\.office\.com|outlook\.office365\.com)|http:\/\/(127\.0\.0\.1|localhost))\//,
      );
    expect(m.externally_connectable).toBeUndefined();
    expect(m.content_security_policy.extension_pages).toMatch(/^script-src 'self'; object-src 'none'/);
    expect(m.storage.managed_schema).toBe('managed_schema.json');
    const schema = JSON.parse(readFileSync(join(DIST, 'managed_schema.json'), 'utf8'));
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toContain('alwaysSign');
    const war = m.web_accessible_resources as { resources: string[]; matches: string[] }[];
    expect(war.flatMap((w) => w.resources).sort()).toEqual([
      'frames/compose/index.html',
      'frames/read/index.html',
    ]);
    // Either only Outlook may load the frames, or they hide behind the per-session dynamic URL.
    for (const w of war as { matches: string[]; use_dynamic_url?: boolean }[]) {
      const onlyOwa = w.matches.every((match) => /^https:\/\/outlook\./.test(match));
      expect(onlyOwa || w.use_dynamic_url === true).toBe(true);
    }
  });
});

describe('messages to the service worker', () => {
  it('answers the options page', async () => {
    const page = await openPage(s, 'options');
    const r = await send(page, { type: 'keystore.status' });
    expect(r).toMatchObject({ ok: true, value: { locked: false } });
    await page.close();
  });

  it('refuses a message its page may not send (compose asking for a key export)', async () => {
    const page = await openPage(s, 'compose');
    const r = await send(page, { type: 'identities.export-pkcs12', id: 'abc', password: 'long enough' });
    expect(r).toMatchObject({ ok: false, error: { code: 'message.sender-refused' } });
    await page.close();
  });

  it('refuses a malformed message and unknown fields', async () => {
    const page = await openPage(s, 'options');
    expect(await send(page, { type: 'keystore.unlock' })).toMatchObject({
      ok: false,
      error: { code: 'message.invalid' },
    });
    expect(await send(page, { type: 'keystore.status', extra: 1 })).toMatchObject({
      ok: false,
      error: { code: 'message.invalid' },
    });
    expect(await send(page, { type: 'no.such-thing' })).toMatchObject({
      ok: false,
      error: { code: 'message.invalid' },
    });
    await page.close();
  });

  it('gives another extension no way in', async () => {
    const otherId = unpackedExtensionId(otherDir);
    const page = await s.browser.newPage();
    await page.goto(`chrome-extension://${otherId}/page.html`);
    const outcome = await page.evaluate(async (id) => {
      try {
        const r = await chrome.runtime.sendMessage(id, { type: 'keystore.status' });
        return { answered: r };
      } catch (e) {
        return { error: String(e) };
      }
    }, s.extensionId);
    expect(outcome).toMatchObject({
      error: expect.stringMatching(/Receiving end does not exist|Could not establish connection/),
    });
    await page.close();
  });

  it('gives web pages no messaging API and no way to embed the frames', async () => {
    const page = await s.browser.newPage();
    await page.goto(webUrl);
    const hasRuntime = await page.evaluate(
      () =>
        typeof (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime
          ?.sendMessage,
    );
    expect(hasRuntime).toBe('undefined');
    const loaded = await page.evaluate(async (origin) => {
      const f = document.createElement('iframe');
      f.src = `${origin}/frames/read/index.html`;
      document.body.append(f);
      await new Promise((r) => setTimeout(r, 1500));
      try {
        return f.contentWindow?.location.href ?? null;
      } catch {
        return 'cross-origin';
      }
    }, s.origin);
    // Not web-accessible to this origin: Chromium shows an error page instead of the frame.
    const frameLoaded = page.frames().some((f) => f.url().startsWith(s.origin));
    expect(frameLoaded && loaded === 'cross-origin').toBe(false);
    await page.close();
  });
});

describe('the sender policy (as Chromium reports senders)', () => {
  const self = {
    id: 'abcdefghijklmnopabcdefghijklmnop',
    origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
  };
  it('accepts our options page, also when embedded', () => {
    expect(
      authorizeSender(
        { id: self.id, url: `${self.origin}/frames/options/index.html`, origin: self.origin },
        'trust.import',
        self,
      ),
    ).toBe('options');
    expect(
      authorizeSender(
        { id: self.id, url: `${self.origin}/frames/read/index.html#token=x` },
        'read.open',
        self,
      ),
    ).toBe('read');
  });
  it('refuses our own content script in a web page (it reports the page URL and origin)', () => {
    expect(() =>
      authorizeSender(
        { id: self.id, url: 'https://outlook.office.com/mail/', origin: 'https://outlook.office.com' },
        'read.open',
        self,
      ),
    ).toThrow(/not an extension page/);
  });
  it('refuses another extension, a page that is not one of ours and a mismatched origin', () => {
    expect(() =>
      authorizeSender(
        { id: 'other', url: `chrome-extension://other/frames/options/index.html` },
        'keystore.status',
        self,
      ),
    ).toThrow(/not from this extension/);
    expect(() =>
      authorizeSender({ id: self.id, url: `${self.origin}/other.html` }, 'keystore.status', self),
    ).toThrow(/unknown extension page/);
    expect(() =>
      authorizeSender(
        { id: self.id, url: `${self.origin}/frames/options/index.html`, origin: 'null' },
        'keystore.status',
        self,
      ),
    ).toThrow(/not an extension page/);
    expect(() => authorizeSender({ id: self.id }, 'keystore.status', self)).toThrow(/no sender URL/);
  });
  it('refuses a frame a message meant for another role', () => {
    expect(() =>
      authorizeSender({ id: self.id, url: `${self.origin}/frames/read/index.html` }, 'compose.send', self),
    ).toThrow(/read may not send compose.send/);
  });
});
