// @vitest-environment jsdom
/**
 * Additional OWA hosts need the user's grant (optional host permission): the options page offers a
 * button per host not yet granted, asks chrome.permissions inside the click, and the service worker
 * registers the content script for the host when the grant arrives (permissions.onAdded). The browser's
 * permissions and scripting APIs are modelled here; the real prompt cannot be accepted headless.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const granted = new Set<string>(['http://127.0.0.1/*', 'http://localhost/*']);
const listeners = {
  added: [] as (() => void)[],
  removed: [] as (() => void)[],
  settings: [] as (() => void)[],
};
let owaHosts: string[] = [];

vi.mock('webextension-polyfill', () => ({
  default: {
    i18n: {
      getMessage: (key: string, subs?: string | string[]) => `${key}(${[subs ?? []].flat().join(',')})`,
    },
    runtime: { getManifest: () => ({ content_scripts: [{ js: ['assets/owa.js'] }] }) },
    permissions: {
      getAll: async () => ({ origins: [...granted] }),
      onAdded: { addListener: (f: () => void) => listeners.added.push(f) },
      onRemoved: { addListener: (f: () => void) => listeners.removed.push(f) },
    },
  },
}));
vi.mock('../../../extension/background/settings', () => ({
  currentSettings: async () => ({ owaHosts }),
  onSettingsChanged: (f: () => void) => listeners.settings.push(f),
}));

const { renderOwaHostAccess } = await import('../../../extension/frames/options/owa-host-access');
const { installOwaContentScripts } = await import('../../../extension/background/graph/owa-content-scripts');

/** chrome.permissions as the options page uses it; request() grants when `answer` says so. */
function permissions(answer: boolean) {
  const requested: string[][] = [];
  return {
    requested,
    contains: async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o)),
    request: async ({ origins }: { origins: string[] }) => {
      requested.push(origins);
      if (answer) {
        for (const o of origins) granted.add(o);
        for (const f of listeners.added) f();
      }
      return answer;
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

let registered: { id: string; matches: string[]; js: string[] }[] = [];
beforeEach(() => {
  registered = [];
  (globalThis as unknown as { chrome: unknown }).chrome = {
    scripting: {
      getRegisteredContentScripts: async () => registered.map((r) => ({ id: r.id })),
      unregisterContentScripts: async () => void (registered = []),
      registerContentScripts: async (s: typeof registered) => void registered.push(...s),
    },
  };
});
afterEach(() => {
  for (const o of [...granted]) if (o.startsWith('https://')) granted.delete(o);
  listeners.added.length = 0;
  listeners.removed.length = 0;
  listeners.settings.length = 0;
});

describe('granting access to an additional OWA host', () => {
  it('offers a labelled button only for hosts not yet granted', async () => {
    const box = document.createElement('div');
    granted.add('https://granted.example/*');
    await renderOwaHostAccess(
      box,
      ['mail.contoso.example:8443', 'granted.example', '127.0.0.1:9000'],
      permissions(true),
    );
    const buttons = [...box.querySelectorAll('button')];
    expect(buttons.map((b) => b.textContent)).toEqual(['owaHostGrant(mail.contoso.example:8443)']);
    expect(buttons[0]!.type).toBe('button');
    expect(box.querySelector('[data-host="granted.example"]')!.textContent).toBe(
      'owaHostGranted(granted.example)',
    );
    expect(box.querySelector('ul')!.getAttribute('aria-label')).toBe('setting_owaHosts()');
    expect(box.querySelector('[role="status"]')).not.toBeNull();
    expect(box.textContent).toContain('owaHostAccessHelp');
  });

  it('asks for the host pattern on click; after the grant the worker registers the content script there', async () => {
    owaHosts = ['mail.contoso.example:8443', '127.0.0.1:9000'];
    installOwaContentScripts();
    await vi.waitFor(() => expect(registered[0]?.matches).toEqual(['http://127.0.0.1/*']));
    const box = document.createElement('div');
    const perms = permissions(true);
    await renderOwaHostAccess(box, owaHosts, perms);
    box.querySelector('button')!.click();
    expect(perms.requested).toEqual([['https://mail.contoso.example/*']]);
    await vi.waitFor(() =>
      expect(registered).toEqual([
        {
          id: 'sello-owa-additional-hosts',
          matches: ['https://mail.contoso.example/*', 'http://127.0.0.1/*'],
          js: ['assets/owa.js'],
          runAt: 'document_idle',
          persistAcrossSessions: true,
        },
      ]),
    );
    await vi.waitFor(() => expect(box.querySelector('button')).toBeNull());
    expect(box.querySelector('[data-host="mail.contoso.example:8443"]')!.getAttribute('data-granted')).toBe(
      'true',
    );
  });

  it('says so when the user declines, and registers nothing for the host', async () => {
    owaHosts = ['mail.contoso.example'];
    installOwaContentScripts();
    const box = document.createElement('div');
    await renderOwaHostAccess(box, owaHosts, permissions(false));
    box.querySelector('button')!.click();
    await settle();
    expect(box.querySelector('[role="status"]')!.textContent).toBe('owaHostDenied(mail.contoso.example)');
    expect(box.querySelector('button')).not.toBeNull();
    expect(registered).toEqual([]);
  });

  it('shows nothing when there are no additional hosts', async () => {
    const box = document.createElement('div');
    box.textContent = 'stale';
    await renderOwaHostAccess(box, [], permissions(true));
    expect(box.childNodes).toHaveLength(0);
  });
});
