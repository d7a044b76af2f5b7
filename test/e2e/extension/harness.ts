/**
 * Real Chromium (Debian's /usr/bin/chromium, headless=new) with the built extension (extension/dist)
 * loaded unpacked. One browser per test file; `restart` keeps the profile to test persistence.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, {
  type Browser,
  type ElementHandle,
  type Frame,
  type Page,
  type WebWorker,
} from 'puppeteer-core';

/** Chromium's id for an unpacked extension: SHA-256 of its path, first 32 hex digits mapped to a-p. */
export function unpackedExtensionId(path: string): string {
  const hex = createHash('sha256').update(path).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

export const DIST = resolve(__dirname, '../../../extension/dist');
export const SCREENSHOTS = resolve(__dirname, '../../../docs/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Session {
  browser: Browser;
  extensionId: string;
  origin: string;
  profile: string;
  worker: WebWorker;
}

export async function launch(
  opts: { profile?: string; extraExtensions?: string[]; lang?: string; executablePath?: string } = {},
): Promise<Session> {
  if (!existsSync(join(DIST, 'manifest.json')))
    throw new Error('extension/dist is missing: run npm run build');
  const profile = opts.profile ?? mkdtempSync(join(tmpdir(), 'sello-chromium-'));
  const extensions = [DIST, ...(opts.extraExtensions ?? [])].join(',');
  const browser = await puppeteer.launch({
    executablePath: opts.executablePath ?? CHROMIUM,
    headless: true,
    userDataDir: profile,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      // Tests run as root in CI containers, where Chromium's sandbox cannot start.
      '--no-sandbox',
      `--disable-extensions-except=${extensions}`,
      `--load-extension=${extensions}`,
      `--lang=${opts.lang ?? 'en-US'}`,
      '--disable-gpu',
    ],
    env: { ...process.env, LANGUAGE: opts.lang ?? 'en' },
  });
  const target = await browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().endsWith('/service-worker-loader.js'),
    { timeout: 30_000 },
  );
  const worker = (await target.worker())!;
  // The worker target can exist before its module ran: wait for the flag it sets last.
  for (let i = 0; ; i++) {
    const ready = await worker
      .evaluate(() => (globalThis as { __selloReady?: boolean }).__selloReady === true)
      .catch(() => false);
    if (ready) break;
    if (i > 200) throw new Error('the service worker did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const extensionId = new URL(target.url()).host;
  return { browser, extensionId, origin: `chrome-extension://${extensionId}`, profile, worker };
}

export async function close(s: Session | undefined, opts: { keepProfile?: boolean } = {}): Promise<void> {
  if (!s) return;
  await s.browser.close();
  if (!opts.keepProfile) rmSync(s.profile, { recursive: true, force: true });
}

export async function openPage(s: Session, page: 'options' | 'compose' | 'read', hash = ''): Promise<Page> {
  const p = await s.browser.newPage();
  await p.setViewport({ width: 1100, height: 900 });
  await p.goto(`${s.origin}/frames/${page}/index.html${hash}`);
  await p.waitForSelector('body[data-ready]', { timeout: 20_000 });
  return p;
}

/** Sends a request from inside one of our pages, as the frames do. */
export async function send<T = unknown>(
  page: Page,
  msg: unknown,
): Promise<{ ok: boolean; value?: T; error?: { code: string; message: string } }> {
  return page.evaluate((m) => chrome.runtime.sendMessage(m), msg as never) as never;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core run inside the page. The read frame's content iframes hold the message, not our UI, and are
 * sandboxed without scripts (axe cannot talk to them): they are left out with `iframes: false`.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: object,
          ) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { iframes: false });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) as `${string}.png`, fullPage: true });
}

/**
 * Sets a checkbox with the keyboard (focus, Space): a mouse click can land beside a box that the
 * layout just moved (recipient status chips appear asynchronously above the toggles).
 */
export async function setChecked(target: Page | Frame, selector: string, on: boolean): Promise<void> {
  const checked = () => target.$eval(selector, (c) => (c as HTMLInputElement).checked);
  if ((await checked()) === on) return;
  await target.focus(selector);
  const page = 'keyboard' in target ? target : target.page();
  await page.keyboard.press('Space');
  if ((await checked()) !== on) throw new Error(`${selector} did not become ${on ? 'checked' : 'unchecked'}`);
}

export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el as HTMLElement).innerText);
}

/** Puts a file into an <input type=file>, as a user picking it would. */
export async function uploadTo(page: Page, selector: string, path: string): Promise<void> {
  const input = (await page.$(selector)) as ElementHandle<HTMLInputElement> | null;
  if (!input) throw new Error(`no ${selector}`);
  await input.uploadFile(path);
}

/**
 * A Chromium that reads `settings` as Sello's administrator policy (storage.managed): the policy file
 * is mounted over /etc/chromium in a private mount namespace (unshare -m, needs root), so no other
 * Chromium on the machine sees it. Pass `executablePath` to `launch`; `dispose` removes the folder.
 */
export function chromiumWithPolicy(settings: Record<string, unknown>): {
  executablePath: string;
  dispose: () => void;
} {
  const etc = mkdtempSync(join(tmpdir(), 'sello-etc-chromium-'));
  for (const f of readdirSync('/etc/chromium')) {
    if (f.endsWith('preferences')) copyFileSync(join('/etc/chromium', f), join(etc, f));
  }
  mkdirSync(join(etc, 'policies/managed'), { recursive: true });
  const policy = { '3rdparty': { extensions: { [unpackedExtensionId(DIST)]: settings } } };
  writeFileSync(join(etc, 'policies/managed/sello.json'), JSON.stringify(policy));
  const wrapper = join(etc, 'chromium-with-policy.sh');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec unshare -m sh -c 'mount --bind "$0" /etc/chromium && exec ${CHROMIUM} "$@"' "${etc}" "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return { executablePath: wrapper, dispose: () => rmSync(etc, { recursive: true, force: true }) };
}
