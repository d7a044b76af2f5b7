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
  it('refuses every request from a web page, from another extension and from a malformed message', async () => {
    const { dispatch } = await import('../../extension/background/message-router');
    const self = { id: 'sello', origin: 'chrome-extension://sello' };
    const never = new Proxy({}, { get: () => () => Promise.reject(new Error('handler must not run')) });
    const page = {
      id: 'sello',
      url: 'https://outlook.office.com/mail/',
      origin: 'https://outlook.office.com',
      tab: { id: 1 },
    };
    const other = { id: 'other', url: 'chrome-extension://other/x.html', origin: 'chrome-extension://other' };
    const read = {
      id: 'sello',
      url: 'chrome-extension://sello/frames/read/index.html',
      origin: 'chrome-extension://sello',
    };
    const cases: [unknown, object, string][] = [
      [{ type: 'read.open', source: { kind: 'token', token: 'abc' } }, page, 'message.sender-refused'],
      [{ type: 'compose.send', draftId: 'x' }, page, 'message.'],
      [{ type: 'identities.export-pkcs12', id: 'x', password: 'p' }, other, 'message.'],
      [{ type: 'identities.export-pkcs12', id: 'x', password: 'p' }, read, 'message.'],
      [{ type: 'read.open', extra: '<script>' }, read, 'message.invalid'],
      [{ type: 'no.such-type' }, read, 'message.invalid'],
    ];
    for (const [msg, sender, code] of cases) {
      const r = await dispatch(msg, sender as never, self, never as never);
      expect(r.ok, JSON.stringify(msg)).toBe(false);
      if (!r.ok) expect(r.error.code.startsWith(code), `${JSON.stringify(msg)}: ${r.error.code}`).toBe(true);
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
