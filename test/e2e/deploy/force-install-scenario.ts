/**
 * Runs inside a private mount namespace (see force-install.test.ts): /etc/chromium/policies is a
 * bind mount of a temp folder here, so the test policy reaches only this Chromium. Prints one JSON
 * line with what it observed; the test asserts on it.
 *
 * argv: workDir port
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type WebWorker } from 'puppeteer-core';
import { serveDirectory } from '../../../shared/deploy/static-server';

const [workDir, portArg] = process.argv.slice(2) as [string, string];
const port = Number(portArg);
const out = join(workDir, 'deploy');
const updateUrl = `http://127.0.0.1:${port}/sello/updates.xml`;
const sello = (args: string[]) =>
  execFileSync(process.execPath, ['bin/sello.js', ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

function build(version: string): string {
  return sello([
    'deploy', 'build',
    '--settings', join(workDir, 'settings.json'),
    '--trust', join(workDir, 'roots.sst'),
    '--key', join(workDir, 'extension-key.pem'),
    '--update-url', updateUrl,
    '--out', join(out, 'sello'),
    ...(process.env.SELLO_EXTENSION_DIR ? ['--extension-dir', process.env.SELLO_EXTENSION_DIR] : []),
    '--set-version', version,
    '--json',
  ]); // prettier-ignore
}

const observed: Record<string, unknown> = {};
const id = (JSON.parse(build('1.0.0')) as { extensionId: string }).extensionId;
observed.extensionId = id;

// The admin's Linux policy as generated, plus what puppeteer needs to see the extension's targets.
const policy = JSON.parse(
  readFileSync(join(out, 'sello/policies/linux/chromium/etc/chromium/policies/managed/sello.json'), 'utf8'),
) as Record<string, unknown>;
policy.DeveloperToolsAvailability = 1;
// A value `sello deploy build` would refuse, slipped into the policy as a hand edit would: Chromium
// itself must withhold it, by the pattern in managed_schema.json.
const extensionPolicy = (policy['3rdparty'] as { extensions: Record<string, Record<string, unknown>> })
  .extensions[id]!;
extensionPolicy.graphClientId = 'not-a-guid';
mkdirSync('/etc/chromium/policies/managed', { recursive: true });
writeFileSync('/etc/chromium/policies/managed/sello.json', JSON.stringify(policy));

const launch = () =>
  puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    userDataDir: join(workDir, 'profile'),
    // Force-install needs extensions and background networking (the CRX download) enabled.
    ignoreDefaultArgs: [
      '--disable-extensions',
      '--disable-background-networking',
      '--disable-component-update',
    ],
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });

async function worker(b: Browser): Promise<WebWorker> {
  const t = await b.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${id}/`),
    { timeout: 90_000 },
  );
  const w = await t.worker();
  if (!w) throw new Error('no worker');
  // The target can appear before the worker's module ran: wait for the flag it sets.
  for (let i = 0; i < 100; i++) {
    const ready = await w
      .evaluate(() => (globalThis as { __selloReady?: boolean }).__selloReady === true)
      .catch(() => false);
    if (ready) return w;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the service worker never became ready');
}

const requests: string[] = [];
const server = await serveDirectory(out, port, '127.0.0.1', (r) =>
  requests.push(`${r.method} ${r.path} ${r.status}`),
);
let browser: Browser | null = null;
try {
  browser = await launch();
  let w = await worker(browser);
  observed.installedVersion = await w.evaluate(() => chrome.runtime.getManifest().version);
  observed.updateUrlInManifest = await w.evaluate(
    () => (chrome.runtime.getManifest() as { update_url?: string }).update_url,
  );

  // Managed storage arrives a moment after install.
  const deadline = Date.now() + 30_000;
  let managed: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    managed = (await w.evaluate(() => chrome.storage.managed.get(null))) as Record<string, unknown>;
    if ('alwaysSign' in managed) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  observed.managed = {
    alwaysSign: managed.alwaysSign,
    trustAnchorCount: (managed.trustAnchors as unknown[] | undefined)?.length ?? 0,
    graphTenantId: managed.graphTenantId,
    graphClientIdPublished: 'graphClientId' in managed,
  };

  // The compose frame shows signing forced and locked.
  const page = await browser.newPage();
  await page.goto(`chrome-extension://${id}/frames/compose/index.html`);
  await page
    .waitForFunction(() => (document.querySelector('#sign') as HTMLInputElement | null)?.disabled === true, {
      timeout: 20_000,
    })
    .catch(() => undefined);
  observed.composeSign = await page.$eval('#sign', (el) => ({
    checked: (el as HTMLInputElement).checked,
    disabled: (el as HTMLInputElement).disabled,
  }));
  observed.composeSignNote = await page.$eval('#sign-note', (el) => el.textContent ?? '');
  await page.close();

  // The SST's CA is trusted: a message signed under it opens as trusted in the read frame, with no
  // anchor imported by the user.
  const read = await browser.newPage();
  await read.goto(`chrome-extension://${id}/frames/read/index.html`);
  const input = await read.waitForSelector('#message-file');
  await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(
    join(workDir, 'signed.eml'),
  );
  await read.waitForSelector('body[data-opened]', { timeout: 30_000 });
  observed.readStatus = await read.$eval('#status-lines', (el) => (el as HTMLElement).innerText);
  await read.close();

  // A newer version on the update URL replaces the installed one. The browser's updater is asked to
  // look now (instead of in hours); a downloaded update is installed when the extension is idle or at
  // the next start, and puppeteer's attachment keeps the worker busy, so the browser is restarted.
  build('1.0.1');
  observed.updateCheck = await w.evaluate(async () => {
    const r = (await chrome.runtime.requestUpdateCheck()) as unknown as { status: string };
    return r.status;
  });
  let version: unknown = observed.installedVersion;
  for (let attempt = 0; attempt < 6 && version !== '1.0.1'; attempt++) {
    await new Promise((r) => setTimeout(r, 5000));
    await browser.close();
    browser = await launch();
    try {
      w = await worker(browser);
      version = await w.evaluate(() => chrome.runtime.getManifest().version);
    } catch {
      // The worker was being replaced while we looked; look again after the next restart.
    }
  }
  observed.versionAfterUpdate = version;
} catch (e) {
  observed.error = e instanceof Error ? e.message : String(e);
} finally {
  await browser?.close();
  server.close();
  observed.requests = requests;
}
process.stdout.write(JSON.stringify(observed) + '\n');
