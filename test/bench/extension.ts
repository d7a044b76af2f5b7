/**
 * The extension path of `npm run bench` (issue 4 "Speed"; not a test): real Chromium with the built
 * extension (extension/dist), a passphrase-protected key store unlocked, and the secure compose frame
 * sending through the local-http transport to a stand-in on 127.0.0.1. Measures, inside the frame,
 * click on Send -> "Sent, signed and encrypted." (the worker builds the MIME, signs, encrypts and
 * POSTs it), and the longest main-thread task in the frame (PerformanceObserver 'longtask').
 * Targets: short message p50 <= 50 ms; 25 MB attachment within 2x the CLI's time for the same job,
 * with no frame task longer than 100 ms.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type ElementHandle, type Page } from 'puppeteer-core';
import { makeFixtures } from '../e2e/extension/fixtures';
import { startTransportStandIn } from '../e2e/extension/local-transport-stand-in';

const DIST =
  process.env.SELLO_EXTENSION_DIST ?? fileURLToPath(new URL('../../extension/dist', import.meta.url));
const SELLO = fileURLToPath(new URL('../../bin/sello.js', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RUNS = Number(process.env.SELLO_BENCH_EXTENSION_RUNS ?? 20);
const ATTACHMENT_MB = 25;

interface Timed {
  ms: number;
  text: string;
  longestTaskMs: number;
}

/**
 * Clicks Send as a user does (puppeteer's click: scrolled into view, a trusted event; the frame refuses
 * a scripted or unseen Send) and times it inside the frame from that click to the final notice; also
 * the longest task meanwhile.
 */
async function timedSend(page: Page): Promise<Timed> {
  await page.evaluate(() => {
    const w = window as unknown as { __selloLongest: number; __selloSend: Promise<Timed> };
    w.__selloLongest = 0;
    const notice = document.querySelector('#notice')!;
    notice.textContent = '';
    w.__selloSend = new Promise<Timed>((resolve) => {
      let t0 = 0;
      document.querySelector('#send')!.addEventListener('click', () => (t0 = performance.now()), {
        capture: true,
        once: true,
      });
      const mo = new MutationObserver(() => {
        const text = notice.textContent ?? '';
        if (text === '' || text.endsWith('\u2026')) return;
        const ms = performance.now() - t0;
        mo.disconnect();
        // Long tasks are reported after they end: give the observer a moment.
        setTimeout(() => resolve({ ms, text, longestTaskMs: w.__selloLongest }), 50);
      });
      mo.observe(notice, { childList: true, characterData: true, subtree: true });
    });
  });
  await page.click('#send');
  return page.evaluate(() => (window as unknown as { __selloSend: Promise<Timed> }).__selloSend);
}

async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __selloLongest: number };
    w.__selloLongest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.__selloLongest = Math.max(w.__selloLongest, e.duration);
    }).observe({ type: 'longtask' });
  });
}

async function fill(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (el) => ((el as HTMLInputElement).value = ''));
  await page.type(selector, value);
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** A message like the frame's: short text plus one attachment of `mb` MB, for the CLI's run. */
function cliMessage(path: string, attachment: Buffer): void {
  const b64 = attachment.toString('base64').replace(/.{76}/g, '$&\r\n');
  writeFileSync(
    path,
    [
      'From: alice@example.com',
      'To: bob@example.com',
      'Subject: Bench',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The attachment is the payload.',
      '--b',
      'Content-Type: application/octet-stream; name="payload.bin"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="payload.bin"',
      '',
      b64,
      '--b--',
      '',
    ].join('\r\n'),
  );
}

export async function benchExtension(): Promise<void> {
  console.log('\nextension (Chromium, compose frame -> signed+encrypted MIME, after unlock)');
  if (!existsSync(join(DIST, 'manifest.json'))) {
    console.log('  skipped: extension/dist is missing (npm run build)');
    return;
  }
  const f = makeFixtures();
  const server = await startTransportStandIn();
  const profile = mkdtempSync(join(tmpdir(), 'sello-bench-chromium-'));
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--no-sandbox',
      `--disable-extensions-except=${DIST}`,
      `--load-extension=${DIST}`,
      '--disable-gpu',
    ],
  });
  try {
    const target = await browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().endsWith('/service-worker-loader.js'),
      { timeout: 30_000 },
    );
    const worker = (await target.worker())!;
    for (let i = 0; ; i++) {
      const ready = await worker
        .evaluate(() => (globalThis as { __selloReady?: boolean }).__selloReady === true)
        .catch(() => false);
      if (ready) break;
      if (i > 200) throw new Error('the service worker did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const origin = `chrome-extension://${new URL(target.url()).host}`;
    const open = async (name: string): Promise<Page> => {
      const p = await browser.newPage();
      await p.goto(`${origin}/frames/${name}/index.html`);
      await p.waitForSelector('body[data-ready]', { timeout: 20_000 });
      return p;
    };
    const options = await open('options');
    const call = (msg: unknown) =>
      options.evaluate((m) => chrome.runtime.sendMessage(m), msg as never) as Promise<{
        ok: boolean;
        error?: unknown;
      }>;
    const b64 = (p: string) => spawnSync('base64', ['-w0', p]).stdout.toString();
    const steps = [
      { type: 'identities.import-pkcs12', file: b64(f.alice.p12), password: f.p12Password },
      { type: 'recipients.import', file: b64(f.bob.cer), fileName: 'bob.cer' },
      { type: 'transport.set', url: server.url },
      { type: 'keystore.set-passphrase', current: null, next: 'bench passphrase' },
      { type: 'keystore.lock' },
      { type: 'keystore.unlock', passphrase: 'bench passphrase' },
    ];
    for (const s of steps) {
      const r = await call(s);
      if (!r.ok) throw new Error(`${(s as { type: string }).type} failed: ${JSON.stringify(r.error)}`);
    }
    await options.close();

    const page = await open('compose');
    await watchLongTasks(page);
    await fill(page, '#to', 'bob@example.com');
    await fill(page, '#subject', 'Bench');
    await page.click('#body');
    await page.type('#body', 'Hello Bob, a short signed and encrypted note.');
    // The frame's init can still reset the boxes from settings after data-ready: set them before each send.
    const protect = async () => {
      for (const box of ['#sign', '#encrypt'])
        if (!(await page.$eval(box, (c) => (c as HTMLInputElement).checked))) await page.click(box);
    };
    const SENT = 'Sent, signed and encrypted.';

    const short: Timed[] = [];
    for (let i = 0; i < RUNS + 2; i++) {
      await protect();
      const r = await timedSend(page);
      if (r.text !== SENT) {
        await page.screenshot({ path: `${join(tmpdir(), 'sello-bench-failed-send')}.png` });
        throw new Error(`short send ${i + 1}: ${r.text} (screenshot in ${tmpdir()})`);
      }
      if (i >= 2) short.push(r); // two warm-up runs
      server.received.length = 0;
    }
    const ms = short.map((r) => r.ms);
    const shortLongest = Math.max(...short.map((r) => r.longestTaskMs));
    console.log(
      `  short message        p50 ${percentile(ms, 50).toFixed(0)} ms, p90 ${percentile(ms, 90).toFixed(0)} ms` +
        ` over ${RUNS} runs (target p50 <= 50 ms); longest frame task ${shortLongest.toFixed(0)} ms`,
    );

    // 25 MB attachment: picked in the frame, then sent; the CLI does the same job on the same bytes.
    const payload = Buffer.alloc(ATTACHMENT_MB * 1024 * 1024);
    for (let i = 0; i < payload.length; i += 65536) payload.fill(i & 0xff, i, i + 65536);
    const attachment = join(f.dir, 'payload.bin');
    writeFileSync(attachment, payload);
    await page.evaluate(() => ((window as unknown as { __selloLongest: number }).__selloLongest = 0));
    const tAttach = Date.now();
    const input = (await page.$('#attach')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(attachment);
    await page.waitForFunction(() => document.querySelector('#attachments')?.textContent?.includes('ready'), {
      timeout: 120_000,
      polling: 50,
    });
    const attachMs = Date.now() - tAttach;
    const attachLongest = await page.evaluate(
      () => (window as unknown as { __selloLongest: number }).__selloLongest,
    );
    await protect();
    const big = await timedSend(page);
    if (big.text !== SENT) throw new Error(`25 MB send: ${big.text}`);
    const sentBytes = server.received[0]?.body.length ?? 0;
    server.received.length = 0;

    const msg = join(f.dir, 'bench-25.eml');
    cliMessage(msg, payload);
    const pass = join(f.dir, 'pass.txt');
    writeFileSync(pass, f.p12Password);
    const t0 = process.hrtime.bigint();
    const cli = spawnSync(
      process.execPath,
      [SELLO, 'encrypt', '--to', f.bob.cert, '--sign-key', f.alice.p12, '--pass-file', pass, msg],
      { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1024 * 1024 * 1024 },
    );
    const cliMs = Number(process.hrtime.bigint() - t0) / 1e6;
    if (cli.status !== 0) console.log(`  CLI failed: ${cli.stderr.toString().split('\n')[0]}`);
    console.log(
      `  ${ATTACHMENT_MB} MB attachment     send ${big.ms.toFixed(0)} ms (${(sentBytes / 1048576).toFixed(1)} MB posted)` +
        ` vs CLI sign+encrypt ${cliMs.toFixed(0)} ms: ${(big.ms / cliMs).toFixed(2)}x (target <= 2x)`,
    );
    console.log(
      `                       longest frame task while sending ${big.longestTaskMs.toFixed(0)} ms` +
        ` (target <= 100 ms); picking the file took ${attachMs} ms, longest task then ${attachLongest.toFixed(0)} ms`,
    );
  } finally {
    await browser.close();
    await server.close();
    rmSync(profile, { recursive: true, force: true });
    rmSync(f.dir, { recursive: true, force: true });
  }
}
