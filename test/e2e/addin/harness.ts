/**
 * The add-in's task pane in real Chromium: the built pages (addin/dist) served by addin/serve.ts on
 * 127.0.0.1, with office-js/office.js answered by the Outlook host STAND-IN
 * (test/stand-ins/office-host) configured per test, and sello-settings.json pointing Graph and Entra at
 * their stand-ins, which is how an organisation points the add-in at its tenant (no test-only paths
 * in addin/).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer-core';
import ts from 'typescript';
import { serveAddin, type RunningAddinServer } from '../../../addin/serve';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';

export const ROOT = resolve(__dirname, '../../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CLIENT_ID = '0f6a1c55-7b0e-4c39-9d6e-5e2d8b1a9c01';
export const TENANT = 'contoso.test';
/** What the host stand-in writes to the console for a call outside its subset (office-host.ts). */
const UNSUPPORTED_PREFIX = 'office-host-stand-in: UNSUPPORTED ';

/** What the host stand-in is told (see office-host.ts for the fields). */
export type HostScenario = Record<string, unknown> & { mode: 'read' | 'compose'; mailbox: string };

export interface AddinSession {
  browser: Browser;
  server: RunningAddinServer;
  graph: GraphStandIn;
  entra: EntraStandIn;
  setScenario(s: HostScenario): void;
  setManaged(settings: Record<string, unknown>): void;
  /**
   * Every `UNSUPPORTED <path>` the host stand-in logged, from any page of the session (task pane,
   * sign-in dialog, event runtime): a call Outlook may not have. Suites assert it stays empty.
   */
  unsupported: string[];
  close(): Promise<void>;
}

function hostStandInScript(): string {
  const source = readFileSync(join(ROOT, 'test/stand-ins/office-host/office-host.ts'), 'utf8');
  return ts.transpileModule(source, {
    compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.None, removeComments: false },
  }).outputText;
}

export function buildAddin(): void {
  execFileSync('npm', ['run', '-s', 'build:addin'], { cwd: ROOT, stdio: 'pipe' });
}

export async function startAddinSession(): Promise<AddinSession> {
  const entra = new EntraStandIn({
    tenant: TENANT,
    clientId: CLIENT_ID,
    redirectUris: [],
    requiredScopes: ['Mail.Send', 'Mail.Read', 'Mail.ReadWrite'],
    userPrincipalName: 'alice@example.test',
    // The add-in's registration is a single-page application (docs/addin.md).
    spa: true,
  });
  await entra.start();
  const graph = new GraphStandIn(entra);
  await graph.start();
  const script = hostStandInScript();
  let scenario: HostScenario = { mode: 'read', mailbox: '1.8' };
  let managed: Record<string, unknown> = {};
  const server = await serveAddin({
    host: '127.0.0.1',
    port: 0,
    tls: null,
    // Graph's upload sessions live on another origin, as outlook.office.com does for graph.microsoft.com.
    connectSources: [graph.baseUrl, graph.uploadBaseUrl, entra.authority],
    extraRoutes: (req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/office-js/office.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        res.end(`window.__officeHostScenario = ${JSON.stringify(scenario)};\n${script}`);
        return true;
      }
      if (path === '/sello-settings.json') {
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(
          JSON.stringify({
            graphUrl: graph.baseUrl,
            authorityUrl: entra.authority,
            graphTenantId: TENANT,
            graphClientId: CLIENT_ID,
            ...managed,
          }),
        );
        return true;
      }
      return false;
    },
  });
  entra.options.redirectUris.push(`${server.url}auth-dialog.html`);
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--lang=en-US'],
  });
  const unsupported: string[] = [];
  // Pages and the dialog popups they open alike: the stand-in reports each probe on the console.
  browser.on('targetcreated', (target: Target) => {
    void target.page().then((page) =>
      page?.on('console', (m) => {
        const text = m.text();
        if (text.startsWith(UNSUPPORTED_PREFIX)) unsupported.push(text.slice(UNSUPPORTED_PREFIX.length));
      }),
    );
  });
  return {
    browser,
    server,
    graph,
    entra,
    unsupported,
    setScenario: (s) => {
      scenario = s;
    },
    setManaged: (m) => {
      managed = m;
    },
    close: async () => {
      await browser.close();
      await server.close();
      await graph.stop();
      await entra.stop();
    },
  };
}

export async function openPane(s: AddinSession, mode: 'read' | 'compose'): Promise<Page> {
  const page = await s.browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(`${s.server.url}taskpane.html?mode=${mode}`);
  // Ready when the pane has left "Loading…" (the element must exist: a page that is not yet the pane
  // has none) and shows its section for the mode, or an error.
  await page.waitForFunction(
    (m) => {
      const notice = document.getElementById('notice');
      if (!notice || notice.textContent === 'Loading…') return false;
      return (
        document.getElementById(m)?.hidden === false || document.getElementById('error')?.hidden === false
      );
    },
    { timeout: 20_000 },
    mode,
  );
  return page;
}

export async function hostCalls(page: Page): Promise<{ method: string; args: unknown[] }[]> {
  return page.evaluate(
    () =>
      (window as unknown as { __officeHostCalls: { method: string; args: unknown[] }[] }).__officeHostCalls,
  );
}

/** Clicks Sign in and completes the Entra stand-in's authorize redirect in the dialog popup. */
export async function signInThroughDialog(s: AddinSession, page: Page): Promise<void> {
  await page.waitForSelector('#signin:not([hidden])', { timeout: 20_000 });
  await page.click('#signin-button');
  await page.waitForFunction(() => document.getElementById('signin')?.hidden === true, { timeout: 20_000 });
}

export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => (el as HTMLElement).innerText);
}

/** The EWS form of a Graph (REST) id, as Outlook gives it to add-ins in item.itemId. */
export function ewsIdOf(restId: string): string {
  return restId.replace(/-/g, '/').replace(/_/g, '+');
}
