/**
 * Every regenerated attack case in the secure read frame of the built extension, in one Chromium: the
 * status bar (drawn by the frame) says what the case requires, the message content sits in sandboxed
 * frames that cannot script, navigate the top page or draw over the status bar, no active content
 * survives, and nothing remote is requested (the page's, its frames' and the service worker's network
 * events and a local tracker are all watched).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { CDPSession, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemEncode, toBase64 } from '../../shared/bytes';
import { exportPkcs12 } from '../../shared/keys/pkcs12-export';
import { close, launch, openPage, send, textOf, uploadTo, type Session } from '../e2e/extension/harness';
import { CASES } from './cases';
import type { AttackKeys } from './lib/attack-case';
import { makeAttackKeys } from './lib/keys';
import { env } from './lib/message';

let s: Session;
let page: Page;
let keys: AttackKeys & { dir: string };
let tracker: Server;
let trackerHits = 0;
const remoteRequests: string[] = [];
const LOCAL = /^(chrome-extension:|data:|about:|blob:)/;
/** The status bar text of every case, by name, for the comparisons after the per-case runs. */
const statuses = new Map<string, string>();

beforeAll(async () => {
  tracker = createServer((_req, res) => {
    trackerHits++;
    res.end();
  });
  await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', r));
  keys = await makeAttackKeys(`http://127.0.0.1:${(tracker.address() as AddressInfo).port}/exfil`);
  s = await launch();
  const options = await openPage(s, 'options');
  const p12 = await exportPkcs12(keys.bob, 'attack-test', env, { iterations: 1000 });
  const r = await send(options, {
    type: 'identities.import-pkcs12',
    file: toBase64(p12),
    password: 'attack-test',
  });
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.error)}`);
  const t = await send(options, {
    type: 'trust.import',
    file: Buffer.from(pemEncode('CERTIFICATE', keys.ca.certificate)).toString('base64'),
    fileName: 'ca.pem',
  });
  if (!t.ok) throw new Error(`trust import failed: ${JSON.stringify(t.error)}`);
  await options.close();
  page = await openPage(s, 'read');
  // The service worker opens the message: its requests count too (CRL, OCSP or AIA fetches would be a
  // backchannel telling the sender the message was read).
  const worker = (s.worker as unknown as { client: CDPSession }).client;
  await worker.send('Network.enable');
  worker.on('Network.requestWillBeSent', (e: { request: { url: string } }) => {
    if (!LOCAL.test(e.request.url)) remoteRequests.push(`worker: ${e.request.url}`);
  });
  // Every request of the read page and of the frames inside it, whatever the scheme.
  page.on('request', (req) => {
    if (!LOCAL.test(req.url())) remoteRequests.push(req.url());
  });
}, 120_000);

afterAll(async () => {
  await close(s);
  tracker?.close();
  if (keys) rmSync(keys.dir, { recursive: true, force: true });
});

async function openInFrame(name: string, bytes: Uint8Array): Promise<string> {
  const dir = mkdtempSync(join(keys.dir, 'eml-'));
  const path = join(dir, `${name}.eml`);
  writeFileSync(path, bytes);
  await page.evaluate(() => delete document.body.dataset.opened);
  await uploadTo(page, '#message-file', path);
  await page.waitForSelector('body[data-opened]', { timeout: 30_000 });
  return (await page.$('#status-bar:not([hidden])'))
    ? textOf(page, '#status-lines')
    : textOf(page, '#notice');
}

interface FrameFacts {
  sandbox: string[];
  overlapsStatusBar: boolean;
  belowStatusBar: boolean;
  rects: string;
}

async function contentFrameFacts(): Promise<FrameFacts[]> {
  return page.$$eval('iframe', (frames) => {
    const bar = document.getElementById('status-bar')!.getBoundingClientRect();
    const article = document.getElementById('message')!.getBoundingClientRect();
    // Frames of a previous message stay in the hidden article: only what is displayed is checked.
    return frames
      .filter((f) => f.getClientRects().length > 0)
      .map((f) => {
        const r = f.getBoundingClientRect();
        return {
          sandbox: [...f.sandbox],
          overlapsStatusBar:
            r.top < bar.bottom && r.bottom > bar.top && r.left < bar.right && r.right > bar.left,
          belowStatusBar: r.top >= bar.bottom,
          rects: JSON.stringify({ frame: r, bar, article }),
        };
      });
  });
}

/** Active content left in any content frame after sanitising: scripts, handlers, plugins, forms. */
async function activeContent(): Promise<string[]> {
  const found: string[] = [];
  for (const fr of page.frames()) {
    if (fr === page.mainFrame()) continue;
    found.push(
      ...(await fr.evaluate(() => {
        const out: string[] = [];
        for (const el of document.querySelectorAll('*')) {
          const tag = el.tagName.toLowerCase();
          if (['script', 'iframe', 'object', 'embed', 'form', 'svg', 'base', 'meta', 'link'].includes(tag)) {
            if (!(tag === 'meta' && el.parentElement?.tagName === 'HEAD')) out.push(tag);
          }
          for (const a of el.attributes) {
            if (/^on/i.test(a.name)) out.push(`${tag}[${a.name}]`);
            if (/^\s*(javascript|vbscript):/i.test(a.value)) out.push(`${tag}[${a.name}=${a.value}]`);
            if (
              ['src', 'href', 'background', 'poster', 'action'].includes(a.name) &&
              /^\s*(https?:)?\/\//i.test(a.value) &&
              tag !== 'a'
            )
              out.push(`${tag}[${a.name}=${a.value}]`);
          }
        }
        return out;
      })),
    );
  }
  return found;
}

interface SectionFacts {
  path: string;
  label: 'signed' | 'unsigned' | null;
  labelText: string;
  frames: number;
}

/** The displayed content sections: their part path, the coverage label above each, frames in each. */
async function sectionFacts(): Promise<SectionFacts[]> {
  if (await page.$eval('#message', (m) => (m as HTMLElement).hidden)) return [];
  return page.$$eval('#sections > div', (divs) =>
    divs.map((d) => {
      const label = d.querySelector('.section-label');
      return {
        path: d.getAttribute('data-path') ?? '?',
        label: label ? (d.classList.contains('unsigned') ? 'unsigned' : 'signed') : null,
        labelText: label?.textContent ?? '',
        frames: d.querySelectorAll('iframe').length,
      } as const;
    }),
  );
}

const SECTION_LABEL = {
  signed: 'Covered by the signature:',
  unsigned: 'Not covered by the signature: anyone could have added or changed this part.',
} as const;

/** The rendered text of the displayed content frames (innerText: what CSS hides is not in it). */
async function visibleText(): Promise<string> {
  const parts: string[] = [];
  for (const fr of page.frames()) {
    if (fr === page.mainFrame()) continue;
    const el = await fr.frameElement();
    if (!el || !(await el.evaluate((f) => f.getClientRects().length > 0))) continue;
    parts.push(await fr.evaluate(() => document.body?.innerText ?? ''));
  }
  return parts.join('\n');
}

/** Everything the page and its frames hold as text or markup, to look for plaintext that must not be there. */
async function everything(): Promise<string> {
  const parts = [await page.content()];
  for (const fr of page.frames()) if (fr !== page.mainFrame()) parts.push(await fr.content());
  return parts.join('\n');
}

describe('regenerated attacks, as the read frame shows them (one Chromium)', () => {
  it('sees a request the service worker makes (the watchers work)', async () => {
    const url = `${keys.remote}?probe`;
    await s.worker.evaluate((u) => fetch(u).then(() => undefined), url);
    await new Promise((r) => setTimeout(r, 100));
    expect(remoteRequests).toContain(`worker: ${url}`);
    expect(trackerHits).toBe(1);
    remoteRequests.length = 0;
    trackerHits = 0;
  });

  it.each(CASES.map((c) => [`${c.class}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const before = remoteRequests.length;
    const hitsBefore = trackerHits;
    const status = await openInFrame(c.name, await c.build(keys));
    // ATTACKS_DUMP=dir keeps what the user saw, for review.
    if (process.env.ATTACKS_DUMP) writeFileSync(join(process.env.ATTACKS_DUMP, `${c.name}.txt`), status);
    statuses.set(c.name, status);
    const sections = await sectionFacts();
    if (process.env.ATTACKS_DUMP)
      writeFileSync(join(process.env.ATTACKS_DUMP, `${c.name}.sections.json`), JSON.stringify(sections));
    for (const sec of sections) expect.soft(sec.frames, `frames in part ${sec.path}`).toBe(1);
    for (const sec of sections)
      if (sec.label) expect.soft(sec.labelText, `label of part ${sec.path}`).toBe(SECTION_LABEL[sec.label]);
    if (c.expect.frame.sections)
      expect
        .soft(
          sections.map(({ path, label }) => ({ path, label })),
          'displayed sections',
        )
        .toEqual(c.expect.frame.sections);
    for (const t of c.expect.frame.statusIncludes) expect.soft(status, 'status bar').toContain(t);
    for (const t of c.expect.frame.statusExcludes) expect.soft(status, 'status bar').not.toContain(t);
    if (c.expect.coverage.kind !== 'whole')
      expect.soft(status).not.toContain('The signature covers the whole message.');

    for (const f of await contentFrameFacts()) {
      // No scripts, no same origin (opaque), no top navigation, no forms, no pointer lock or modals.
      expect
        .soft(f.sandbox.filter((x) => !['allow-popups', 'allow-popups-to-escape-sandbox'].includes(x)))
        .toEqual([]);
      expect.soft(f.overlapsStatusBar, 'content frame over the status bar').toBe(false);
      expect.soft(f.belowStatusBar, `content frame below the status bar: ${f.rects}`).toBe(true);
    }
    expect.soft(await activeContent(), 'active content').toEqual([]);
    const all = await everything();
    for (const t of c.expect.frame.pageExcludes ?? []) expect.soft(all, 'page').not.toContain(t);
    if (c.expect.frame.visibleIncludes) {
      const visible = await visibleText();
      for (const t of c.expect.frame.visibleIncludes) expect.soft(visible, 'visible text').toContain(t);
    }
    // Give a remote load a moment to happen before saying it did not.
    await new Promise((r) => setTimeout(r, 150));
    expect.soft(remoteRequests.slice(before), 'remote requests').toEqual([]);
    expect.soft(trackerHits - hitsBefore, 'tracker hits').toBe(0);
  });

  it('shows one identical status bar for every padding-oracle kind (no oracle in the wording)', () => {
    const kinds = CASES.filter((c) => c.class === 'padding-oracle').map((c) => c.name);
    expect(kinds.length).toBe(4);
    const texts = kinds.map((k) => statuses.get(k));
    expect(texts[0]).toContain('The message could not be decrypted with your keys.');
    // Nothing about the cipher or key transport of a message that was not opened.
    expect(texts[0]).toContain('Encrypted, and none of your keys could open it.');
    expect(texts[0]).not.toMatch(/unknown/i);
    for (const [i, k] of kinds.entries()) expect(texts[i], k).toBe(texts[0]);
  });
});
