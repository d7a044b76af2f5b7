/**
 * The patterns in managed_schema.json: Chrome matches a policy string against `pattern` (RE2, a
 * partial match, which is why every pattern is anchored) and withholds a value that fails from
 * storage.managed. Here each pattern is checked against good and bad values the way Chrome applies
 * it, and against Sello's own validation so both say the same. That Chromium accepts the schema and
 * withholds a bad value is checked with the real browser in test/e2e/deploy.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { managedSchema } from '../../../shared/policy/managed-schema';
import { checkSettings } from '../../../shared/policy/validate-settings';

interface PropertySchema {
  type: string;
  pattern?: string;
  items?: { type: string; pattern?: string };
}
const properties = (managedSchema() as { properties: Record<string, PropertySchema> }).properties;

/** Chrome's rule for one string: no pattern, or the pattern found somewhere in it (RE2::PartialMatch). */
function chromeAccepts(key: string, value: string): boolean {
  const p = properties[key]!;
  const pattern = p.type === 'array' ? p.items!.pattern : p.pattern;
  return pattern === undefined || new RegExp(pattern).test(value);
}

function sampleCert(): { multiLine: string; oneLine: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sello-schema-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=Schema CA',
      '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem'), '-days', '30',
    ], { stdio: 'ignore' }); // prettier-ignore
    const multiLine = readFileSync(join(dir, 'c.pem'), 'utf8');
    const oneLine = multiLine.replace(/\n/g, '').trim();
    return { multiLine, oneLine };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Splits a pattern at the | that are outside every group and character class. */
function topLevelAlternatives(pattern: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inClass = false;
  let start = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (inClass) inClass = c !== ']';
    else if (c === '[') inClass = true;
    else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) {
      out.push(pattern.slice(start, i));
      start = i + 1;
    }
  }
  return [...out, pattern.slice(start)];
}

const GUID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const cert = sampleCert();

const cases: Record<string, { good: string[]; bad: string[] }> = {
  graphTenantId: {
    good: [GUID, GUID.toUpperCase(), 'contoso.onmicrosoft.com', 'common', 'organizations', 'consumers', ''],
    bad: ['contoso onmicrosoft.com', 'https://login.microsoftonline.com/contoso', '-contoso.com', 'a..b', 'x/../y'],
  },
  graphClientId: {
    good: [GUID, ''],
    bad: ['-'.repeat(36), 'my-app', `{${GUID}}`, `${GUID}x`, GUID.replace(/-/g, '')],
  },
  directoryGatewayUrl: {
    good: ['http://127.0.0.1:8389', 'https://dir.example.com/certificates?x=1', 'http://[::1]:8389/', ''],
    bad: ['dir.example.com', 'ftp://dir.example.com', 'https://', 'https://dir example.com', 'javascript:alert(1)'],
  },
  authorityUrl: {
    good: ['https://login.microsoftonline.com', 'https://login.microsoftonline.us/', 'https://login.chinacloudapi.cn'],
    bad: ['login.microsoftonline.com', 'https://login.microsoftonline.com:123456/', 'https://a b'],
  },
  graphUrl: {
    good: ['https://graph.microsoft.com', 'https://microsoftgraph.chinacloudapi.cn/'],
    bad: ['https//graph.microsoft.com', 'http:/graph.microsoft.com', 'https://graph.microsoft.com/v1.0 x'],
  },
  owaHosts: {
    good: ['mail.example.com', 'owa.example.org:8443', 'exchange01'],
    bad: ['https://mail.example.com', 'mail.example.com/owa', '.example.com', '', 'mail.example.com:'],
  },
  trustAnchors: {
    good: [cert.multiLine, cert.oneLine],
    bad: ['hello', cert.multiLine.replace(/CERTIFICATE/g, 'PRIVATE KEY'), `${cert.oneLine} trailing`],
  },
}; // prettier-ignore

describe('managed_schema.json patterns', () => {
  it('gives a pattern to every tenant/client id, URL, host and PEM setting', () => {
    for (const key of ['graphTenantId', 'graphClientId', 'directoryGatewayUrl', 'authorityUrl', 'graphUrl']) {
      expect(properties[key], key).toMatchObject({ type: 'string', pattern: expect.any(String) });
    }
    for (const key of ['owaHosts', 'trustAnchors']) {
      expect(properties[key], key).toMatchObject({
        type: 'array',
        items: { type: 'string', pattern: expect.any(String) },
      });
    }
  });

  it('uses only syntax RE2 (Chrome) understands, anchored at both ends because Chrome matches partially', () => {
    const patterns = Object.values(properties).flatMap((p) => [p.pattern, p.items?.pattern]);
    const present = patterns.filter((p): p is string => p !== undefined);
    expect(present.length).toBe(7);
    for (const p of present) {
      expect(p, 'lookaround').not.toMatch(/\(\?[=!<]/);
      expect(p, 'backreference').not.toMatch(/\\[1-9]/);
      expect(p, 'possessive or lazy quantifier').not.toMatch(/[+*}]\+/);
      for (const alternative of topLevelAlternatives(p)) {
        expect(alternative.startsWith('^'), p).toBe(true);
        expect(alternative.endsWith('$'), p).toBe(true);
      }
    }
  });

  for (const [key, { good, bad }] of Object.entries(cases)) {
    it(`${key}: Chrome and Sello both accept the good values and both refuse the bad ones`, () => {
      const wrap = (v: string) => (properties[key]!.type === 'array' ? [v] : v);
      for (const v of good) {
        expect(chromeAccepts(key, v), `schema should accept ${JSON.stringify(v)}`).toBe(true);
        expect(checkSettings({ [key]: wrap(v) }), `Sello should accept ${JSON.stringify(v)}`).toEqual([]);
      }
      for (const v of bad) {
        expect(chromeAccepts(key, v), `schema should refuse ${JSON.stringify(v)}`).toBe(false);
        expect(checkSettings({ [key]: wrap(v) }), `Sello should refuse ${JSON.stringify(v)}`).not.toEqual([]);
      }
    });
  }
});
