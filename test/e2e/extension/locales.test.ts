/** Every user-facing string exists in English and Spanish, and every key the frames use is defined. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_KEYS } from '../../../shared/policy/settings-definition';

const root = resolve(__dirname, '../../../extension');
const load = (lang: string) =>
  JSON.parse(readFileSync(join(root, '_locales', lang, 'messages.json'), 'utf8')) as Record<
    string,
    { message: string }
  >;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.(ts|html)$/.test(n) ? [readFileSync(p, 'utf8')] : [];
  });
}

describe('locales', () => {
  const en = load('en');
  const es = load('es');
  it('has the same keys in English and Spanish, none empty', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(es)) expect(v.message, k).not.toBe('');
  });
  it('defines every key the frames use and a label for every setting', () => {
    const text = sources(join(root, 'frames')).join('\n');
    const used = new Set([
      ...[...text.matchAll(/\bt\('([A-Za-z_]+)'/g)].map((m) => m[1]!),
      ...[...text.matchAll(/data-i18n="([A-Za-z_]+)"/g)].map((m) => m[1]!),
      ...[...text.matchAll(/add\('\w+', '([A-Za-z_]+)'/g)].map((m) => m[1]!),
      ...SETTING_KEYS.map((k) => `setting_${k}`),
    ]);
    const missing = [...used].filter((k) => !(k in en));
    expect(missing).toEqual([]);
  });
});
