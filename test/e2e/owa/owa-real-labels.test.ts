/**
 * The built extension against the OWA stand-in page carrying the compose body's label as real OWA
 * words it ("Message body, press Alt+F10 to exit"): the content script must still find the compose form
 * (landmarks match the start of the label). Also the options page's access list for the `owaHosts`
 * setting in a real browser: a loopback host is granted at install, so it is listed as allowed with no
 * button (an https host's grant prompt cannot be accepted headless; test/unit/owa/owa-host-access.test.ts).
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';
import { OWA_COMPOSE_BODY_LABEL, startOwaFixture, type OwaFixture } from '../../stand-ins/owa/owa-fixture';
import { close, launch, openPage, send, type Session } from '../extension/harness';

const CLIENT_ID = '3f2c1a9e-5b7d-4c8e-9f01-23456789abcd';
let s: Session;
let entra: EntraStandIn;
let graph: GraphStandIn;
let owa: OwaFixture;
let options: Page;

beforeAll(async () => {
  entra = new EntraStandIn({
    tenant: 'contoso.example',
    clientId: CLIENT_ID,
    redirectUris: [],
    requiredScopes: ['Mail.Send', 'Mail.Read', 'Mail.ReadWrite'],
  });
  await entra.start();
  graph = new GraphStandIn(entra);
  await graph.start();
  owa = await startOwaFixture(graph, { composeBodyLabel: OWA_COMPOSE_BODY_LABEL });
  s = await launch();
  options = await openPage(s, 'options');
  for (const [key, value] of [
    ['graphClientId', CLIENT_ID],
    ['graphTenantId', 'contoso.example'],
    ['authorityUrl', entra.authority],
    ['graphUrl', graph.baseUrl],
    ['owaHosts', [owa.host]],
  ] as const) {
    const r = await send(options, { type: 'settings.set', key, value });
    if (!r.ok) throw new Error(`settings.set ${key}: ${JSON.stringify(r.error)}`);
  }
  for (let i = 0; ; i++) {
    const registered = await s.worker.evaluate(async () =>
      (await chrome.scripting.getRegisteredContentScripts()).flatMap((c) => c.matches ?? []),
    );
    if (registered.includes('http://127.0.0.1/*')) break;
    if (i > 100) throw new Error(`content script not registered: ${JSON.stringify(registered)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(async () => {
  await close(s);
  await owa?.stop();
  await graph?.stop();
  await entra?.stop();
});

describe('OWA as it labels things', () => {
  it('lists the loopback OWA host as allowed on the options page, with no grant button', async () => {
    await options.reload();
    await options.waitForSelector('body[data-ready]');
    const row = await options.waitForSelector(`[data-owa-host-access] li[data-host="${owa.host}"]`);
    expect(await row!.evaluate((e) => e.getAttribute('data-granted'))).toBe('true');
    expect(await row!.evaluate((e) => e.textContent)).toContain(owa.host);
    expect(await options.$('[data-owa-host-access] button')).toBeNull();
  });

  it('finds the compose form whose body label is followed by keyboard help', async () => {
    const page = await s.browser.newPage();
    await page.goto(`${owa.url}/mail/inbox`);
    await page.waitForSelector('body[data-ready]');
    await page.click('#new-mail');
    const body = await page.waitForSelector('[role="textbox"][aria-label^="Message body"]');
    expect(await body!.evaluate((e) => e.getAttribute('aria-label'))).toBe(OWA_COMPOSE_BODY_LABEL);
    await page.waitForSelector('[data-sello="compose-bar"]', { timeout: 20_000 });
    expect(await page.$eval('[data-sello="compose-hint"]', (e) => e.textContent)).toContain(
      'Write it in Sello from the start',
    );
    await page.close();
  });
});
