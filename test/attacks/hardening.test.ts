/**
 * The hardening review as tests: the built manifest (CSP, web-accessible resources, no
 * externally_connectable, permissions), the built bundle (no eval, no Function constructor, no remote
 * scripts), the content script (no keys, no plaintext handling), the message router (sender and schema
 * checks on every message), logs (no secrets), tokens (memory and session storage only) and the draft
 * oracle (nothing outside Sello's frames can make it sign, encrypt or open content).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('webextension-polyfill', () => ({ default: { runtime: { id: 'x' } } }));
// The OWA sender check reads the owaHosts setting first; no extra host is configured here.
vi.mock('../../extension/background/settings', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  currentSettings: async () => ({ owaHosts: [] }),
}));

const ROOT = resolve(__dirname, '../..');
const DIST = join(ROOT, 'extension/dist');

function files(dir: string, ext: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, ext));
    else if (ext.test(name)) out.push(p);
  }
  return out;
}

const read = (p: string) => readFileSync(p, 'utf8');
const manifest = JSON.parse(read(join(DIST, 'manifest.json'))) as {
  content_security_policy?: { extension_pages?: string; sandbox?: string };
  externally_connectable?: unknown;
  web_accessible_resources?: { resources: string[]; matches: string[]; use_dynamic_url?: boolean }[];
  permissions?: string[];
  host_permissions?: string[];
  protocol_handlers?: unknown;
  content_scripts?: { js: string[] }[];
};

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

describe('the built manifest', () => {
  it('allows only our own scripts on extension pages: no eval, no remote code, no plugins', () => {
    const csp = directives(manifest.content_security_policy?.extension_pages ?? '');
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(manifest.content_security_policy?.sandbox).toBeUndefined();
  });

  it('has no externally_connectable: no web page or other extension can message Sello', () => {
    expect(manifest.externally_connectable).toBeUndefined();
  });

  it('exposes only the compose and read frames, under per-session dynamic URLs', () => {
    const war = manifest.web_accessible_resources ?? [];
    expect(war.flatMap((w) => w.resources).sort()).toEqual([
      'frames/compose/index.html',
      'frames/read/index.html',
    ]);
    // <all_urls> because administrators add OWA hosts by policy; the dynamic URL changes every session,
    // so a page cannot probe for Sello or frame it without being handed the URL by our content script.
    for (const w of war) expect(w.use_dynamic_url).toBe(true);
  });

  it('asks for no powerful permission it does not use', () => {
    const forbidden = [
      'tabs',
      'webRequest',
      'webRequestBlocking',
      'debugger',
      'nativeMessaging',
      'cookies',
      'history',
      'clipboardRead',
      '<all_urls>',
    ];
    for (const p of [...(manifest.permissions ?? []), ...(manifest.host_permissions ?? [])])
      expect(forbidden, p).not.toContain(p);
    expect(manifest.host_permissions ?? []).not.toContain('https://*/*');
    expect(manifest.protocol_handlers, 'no mailto: handler').toBeUndefined();
  });
});

describe('the built bundle', () => {
  const js = files(DIST, /\.js$/);
  const html = files(DIST, /\.html$/);

  it('has bundles to check', () => {
    expect(js.length).toBeGreaterThan(3);
  });

  it.each(js.map((p) => [p.slice(DIST.length + 1), p]))(
    '%s: no eval, no Function constructor, no string timers',
    (_, p) => {
      const src = read(p);
      expect(src).not.toMatch(/(^|[^\w$.])eval\s*\(/);
      expect(src).not.toMatch(/new\s+Function\s*\(/);
      expect(src).not.toMatch(/\bFunction\s*\(\s*["'`]/);
      expect(src).not.toMatch(/set(Timeout|Interval)\s*\(\s*["'`]/);
      expect(src).not.toMatch(/importScripts\s*\(\s*["'`]https?:/);
      expect(src).not.toMatch(/import\s*\(\s*["'`]https?:/);
    },
  );

  it.each(html.map((p) => [p.slice(DIST.length + 1), p]))(
    '%s: loads scripts and styles from the package only',
    (_, p) => {
      const src = read(p);
      expect(src).not.toMatch(/<script[^>]+src=["']?(https?:)?\/\//i);
      expect(src).not.toMatch(/<link[^>]+href=["']?(https?:)?\/\//i);
      expect(src).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/i);
    },
  );

  it('keeps keys and plaintext out of the content script (no CMS, key or sanitiser code in it)', () => {
    const scripts = (manifest.content_scripts ?? []).flatMap((c) => c.js);
    expect(scripts.length).toBeGreaterThan(0);
    for (const s of scripts) {
      const src = read(join(DIST, s));
      expect(src).not.toMatch(/pkcs8|privateKey|unwrapKey|EnvelopedData|SignedData|DOMPurify|decrypt/i);
    }
  });
});

describe('the message router', () => {
  const self = { id: 'sello', origin: 'chrome-extension://sello' };
  // A handler that runs would answer message.internal: every refusal below happens before it.
  const never = new Proxy({}, { get: () => () => Promise.reject(new Error('handler must not run')) });
  const owaPage = {
    id: 'sello',
    url: 'https://outlook.office.com/mail/',
    origin: 'https://outlook.office.com',
    tab: { id: 1 },
    frameId: 0,
  };
  const webPage = {
    id: 'sello',
    url: 'https://evil.example/',
    origin: 'https://evil.example',
    tab: { id: 2 },
    frameId: 0,
  };
  const other = { id: 'other', url: 'chrome-extension://other/x.html', origin: 'chrome-extension://other' };
  const ourPage = (name: 'options' | 'compose' | 'read') => ({
    id: 'sello',
    url: `chrome-extension://sello/frames/${name}/index.html`,
    origin: 'chrome-extension://sello',
  });
  const draft = {
    to: ['bob@example.org'],
    cc: [],
    bcc: [],
    subject: 'Hi',
    html: '<p>Hi</p>',
    text: 'Hi',
    sign: true,
    encrypt: true,
    attachments: [],
  };
  const id = 'abcdefgh12345678';
  /** One schema-valid request per type, so that a refusal can only come from the sender check. */
  const VALID = {
    'keystore.status': {},
    'keystore.unlock': { passphrase: 'correct horse' },
    'keystore.lock': {},
    'keystore.set-passphrase': { current: null, next: 'correct horse' },
    'identities.list': {},
    'identities.import-pkcs12': { file: 'AAAA', password: 'long enough' },
    'identities.export-pkcs12': { id, password: 'long enough' },
    'identities.remove': { id },
    'identities.set-default-signing': { id },
    'identities.set-encryption-for': { address: 'bob@example.org', id },
    'recipients.list': {},
    'recipients.import': { file: 'AAAA', fileName: 'bob.cer' },
    'recipients.remove': { fingerprint: 'a'.repeat(64) },
    'recipients.changes': {},
    'recipients.resolve-change': { address: 'alice@example.com', decision: 'use-new' },
    'trust.list': {},
    'trust.import': { file: 'AAAA', fileName: 'ca.pem' },
    'trust.remove': { fingerprint: 'a'.repeat(64) },
    'settings.get': {},
    'settings.set': { key: 'alwaysSign', value: true },
    'transport.get': {},
    'transport.set': { url: 'https://graph.microsoft.com' },
    'compose.recipient-status': { addresses: ['bob@example.org'] },
    'compose.stage-attachment': { draftId: id, index: 0, slice: 'AAAA', first: true },
    'compose.send': { draftId: id, draft },
    'drafts.save': { draftId: id, draft, keepAttachments: false },
    'drafts.load': { draftId: id },
    'drafts.delete': { draftId: id },
    'read.stage': { message: 'AAAA' },
    'read.open': { source: { kind: 'token', token: id } },
    'owa.status': {},
    'owa.sign-in': {},
    'owa.sign-out': {},
    'owa.open': { messageId: id },
    'owa.compose': { prefill: null, owaDraftId: null },
    'owa.delete-draft': { owaDraftId: id },
    'owa.reply': { messageId: id },
  };

  it('has a schema-valid request for every message type (so the refusals below are the sender check)', async () => {
    const { MESSAGE_ACCESS, requestSchema } = await import('../../extension/background/messages');
    const v = await import('valibot');
    expect(Object.keys(VALID).sort()).toEqual(Object.keys(MESSAGE_ACCESS).sort());
    for (const [type, body] of Object.entries(VALID)) {
      const r = v.safeParse(requestSchema, { type, ...body });
      expect(r.success, `${type}: ${JSON.stringify(r.issues?.map((i) => i.message))}`).toBe(true);
    }
  });

  it('refuses every message type from every sender MESSAGE_ACCESS does not name, before any handler runs', async () => {
    const { dispatch } = await import('../../extension/background/message-router');
    const { MESSAGE_ACCESS } = await import('../../extension/background/messages');
    const { CONTENT_SCRIPT_TYPES } = await import('../../extension/background/graph/owa-messages');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let checked = 0;
    for (const [type, pages] of Object.entries(MESSAGE_ACCESS)) {
      const owa = CONTENT_SCRIPT_TYPES.has(type);
      const refused: [string, object][] = [
        ['another extension', other],
        ['a web page', webPage],
        // Outlook's page itself may send only the owa.* messages (through our content script).
        ...(owa ? [] : ([['the OWA page', owaPage]] as [string, object][])),
        ...(['options', 'compose', 'read'] as const)
          .filter((p) => !(pages as string[]).includes(p))
          .map((p) => [`our ${p} page`, ourPage(p)] as [string, object]),
      ];
      for (const [who, sender] of refused) {
        const msg = { type, ...VALID[type as keyof typeof VALID] };
        const r = await dispatch(msg, sender as never, self, never as never);
        expect(r.ok ? 'accepted' : r.error.code, `${type} from ${who}`).toBe('message.sender-refused');
        checked++;
      }
    }
    // 34 types, each refused to at least the other extension and a web page.
    expect(checked).toBeGreaterThan(2 * Object.keys(MESSAGE_ACCESS).length);
    // Each refusal is logged once, with the sender URL only.
    expect(warn).toHaveBeenCalledTimes(checked);
    warn.mockRestore();
  });

  it('refuses malformed messages as invalid whoever sends them', async () => {
    const { dispatch } = await import('../../extension/background/message-router');
    for (const msg of [
      { type: 'read.open', extra: '<script>' },
      { type: 'no.such-type' },
      { type: 'identities.export-pkcs12', id, password: 'p' },
      { type: 'compose.send', draftId: id },
    ]) {
      const r = await dispatch(msg, ourPage('read') as never, self, never as never);
      expect(r.ok ? 'accepted' : r.error.code, JSON.stringify(msg)).toBe('message.invalid');
    }
  });

  it('lets only the compose frame send and only the read frame open (draft oracle: no page can make Sello sign or decrypt unseen)', async () => {
    const { MESSAGE_ACCESS } = await import('../../extension/background/messages');
    expect(MESSAGE_ACCESS['compose.send']).toEqual(['compose']);
    expect(MESSAGE_ACCESS['read.open']).toEqual(['read']);
    expect(MESSAGE_ACCESS['identities.export-pkcs12']).toEqual(['options']);
  });
});

describe('the source', () => {
  const sources = [
    ...files(join(ROOT, 'extension'), /\.ts$/).filter((p) => !p.includes('/dist/')),
    ...files(join(ROOT, 'shared'), /\.ts$/).filter((p) => !p.includes('/cli/')),
    ...files(join(ROOT, 'addin'), /\.ts$/).filter((p) => !p.endsWith('serve.ts')),
  ];

  it('logs no secrets: console calls carry fixed text, an error class name or the sender URL only', () => {
    const offending: string[] = [];
    for (const p of sources) {
      read(p)
        .split('\n')
        .forEach((line, i) => {
          if (!/console\.(log|info|debug|warn|error|trace|dir)\s*\(/.test(line)) return;
          const values = [...line.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]!.trim());
          const allowed = (x: string) =>
            /^((e instanceof SelloError \? e\.code : )?e instanceof Error \? e\.name : typeof e|sender\.url \?\? 'an unknown sender')$/.test(
              x,
            );
          const bare =
            /console\.\w+\(\s*['"`][^'"`]*['"`]\s*,/.test(line) ||
            /console\.\w+\(\s*[a-z]\w*\s*\)/i.test(line);
          if (
            values.some((x) => !allowed(x)) ||
            bare ||
            /(key|pass|token|secret|plain|pkcs|content)/i.test(line.replace(/['"`][^'"`]*['"`]/g, ''))
          )
            offending.push(`${p.slice(ROOT.length + 1)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(offending).toEqual([]);
  });

  it('keeps Graph tokens out of storage.local and session storage closed to content scripts', () => {
    for (const p of sources) {
      const src = read(p);
      expect(src, p).not.toMatch(/setAccessLevel/);
      for (const m of src.matchAll(/storage\.local\.set\(([^)]*)\)/g)) expect(m[1], p).not.toMatch(/token/i);
    }
  });

  it('never saves plaintext to the server as a draft: the only message Sello creates in Drafts has an empty body', () => {
    const graph = read(join(ROOT, 'shared/graph/graph-client.ts'));
    expect([...graph.matchAll(/request\('\/me\/messages',/g)].length).toBe(1);
    expect(graph).toContain("body: { contentType: 'text', content: '' }");
    expect(graph).not.toMatch(/method: 'PATCH'/);
  });

  it('acts in the OWA page on trusted clicks only: every listener goes through onUserClick, which checks isTrusted', () => {
    const content = files(join(ROOT, 'extension/content/owa'), /\.ts$/).map(read).join('\n');
    const listeners = [...content.matchAll(/addEventListener\(\s*'(\w+)'/g)].map((m) => m[1]);
    // One click listener (inside onUserClick) and the navigation listener; no keydown/pointer paths.
    expect(listeners.sort()).toEqual(['click', 'popstate']);
    expect(content).toMatch(/function onUserClick[^]*?if \(!event\.isTrusted\) return;/);
    expect(content).not.toMatch(/\.onclick\s*=/);
  });

  it('drops unlocked keys after the idle time', () => {
    const keystore = read(join(ROOT, 'extension/background/keystore.ts'));
    expect(keystore).toMatch(/setTimeout\(lock,/);
  });

  it('the compose frame takes only a draft id from its URL: no mailto-style body, recipients or attachments', () => {
    const compose = files(join(ROOT, 'extension/frames/compose'), /\.ts$/).map(read).join('\n');
    expect(compose).not.toMatch(/URLSearchParams|searchParams|mailto:/);
    expect([...compose.matchAll(/location\.(hash|search|href)/g)].length).toBe(1);
    expect(compose).toMatch(/\/draft=\(\[A-Za-z0-9_-\]\{1,64\}\)\/\.exec\(location\.hash\)/);
  });
});
