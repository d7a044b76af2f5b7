/**
 * Draft oracles ("Mailto: Me Your Secrets", NDSS 2020) against the message router, as the OWA page
 * would try them: every case is a message sent with the sender facts of the OWA content script (an
 * Outlook on the web tab's top frame, our extension id), the only sender a hostile page could ride on.
 * The router must refuse each with the case's code and run no handler; the same request without the
 * injected part must pass (so the refusal comes from the injection). The page-driven side (synthetic
 * clicks, outcomes in the page, plaintext drafts on the server) runs in real Chromium in
 * test/e2e/owa/owa-graph.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { DRAFT_ORACLE_CASES } from './cases/draft-oracles';

// The browser's storage as an empty profile (no user settings, no policy): the OWA sender check reads
// the owaHosts setting from it. Nothing else of the extension APIs is reached by the router.
vi.mock('webextension-polyfill', () => ({
  default: {
    runtime: { id: 'sello' },
    storage: {
      local: { get: () => Promise.resolve({}), set: () => Promise.resolve() },
      managed: { get: () => Promise.resolve({}) },
      onChanged: { addListener: () => undefined },
    },
  },
}));

const self = { id: 'sello', origin: 'chrome-extension://sello' };
const owaTab = {
  id: 'sello',
  url: 'https://outlook.office.com/mail/inbox/id/AAMkAGI2TG93AAA%3D',
  origin: 'https://outlook.office.com',
  tab: { id: 7 },
  frameId: 0,
};

async function route(msg: unknown) {
  const { dispatch } = await import('../../extension/background/message-router');
  const calls: { type: string; req: Record<string, unknown> }[] = [];
  const handlers = new Proxy(
    {},
    {
      get: (_, type: string) => (req: Record<string, unknown>) => {
        calls.push({ type, req });
        return Promise.resolve(null);
      },
    },
  );
  const reply = await dispatch(msg, owaTab as never, self, handlers as never);
  return { reply, calls };
}

describe('draft oracles through the OWA content script', () => {
  it('has cases of every kind', () => {
    expect(DRAFT_ORACLE_CASES.length).toBeGreaterThanOrEqual(9);
    expect(new Set(DRAFT_ORACLE_CASES.map((c) => c.name)).size).toBe(DRAFT_ORACLE_CASES.length);
    for (const c of DRAFT_ORACLE_CASES) expect(c.class).toBe('draft-oracle');
  });

  it.each(DRAFT_ORACLE_CASES.map((c) => [c.name, c] as const))(
    '%s: refused, no handler runs',
    async (_, c) => {
      const { reply, calls } = await route(c.request);
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe(c.refusedWith);
      expect(calls).toEqual([]);
    },
  );

  it.each(DRAFT_ORACLE_CASES.filter((c) => c.honest).map((c) => [c.name, c] as const))(
    '%s: the honest request passes with nothing but its own fields',
    async (_, c) => {
      const { reply, calls } = await route(c.honest);
      expect(reply.ok).toBe(true);
      expect(calls.map((x) => x.type)).toEqual([c.honest!.type]);
      expect(calls[0]!.req).toEqual(c.honest);
    },
  );

  it('turns the OWA form text into escaped HTML: markup typed or planted in the form stays text', async () => {
    const { textToHtml } = await import('../../extension/background/graph/reply-quote');
    const html = textToHtml('Hi\n<div style="display:none"><img src="cid:decrypted-part"></div>');
    expect(html).not.toMatch(/<(img|div)\b/i);
    expect(html).toContain('&lt;img src=');
    expect(html).toContain('Hi<br>');
  });
});
