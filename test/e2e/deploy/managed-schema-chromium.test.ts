/**
 * Chromium itself parses managed_schema.json when it loads the extension and refuses the whole
 * extension when a `pattern` is not valid RE2. This loads a minimal extension carrying the schema
 * that `sello deploy build` and the extension build write, in real Chromium (no root needed; the
 * force-install test checks that Chromium withholds a policy value that fails a pattern).
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { managedSchema } from '../../../shared/policy/managed-schema';

async function loadWithSchema(schema: unknown): Promise<{ loaded: boolean; error?: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sello-schema-ext-'));
  const ext = join(dir, 'ext');
  mkdirSync(ext);
  writeFileSync(
    join(ext, 'manifest.json'),
    JSON.stringify({
      manifest_version: 3,
      name: 'schema check',
      version: '1.0',
      background: { service_worker: 'sw.js' },
      permissions: ['storage'],
      storage: { managed_schema: 'managed_schema.json' },
    }),
  );
  writeFileSync(join(ext, 'sw.js'), '');
  writeFileSync(join(ext, 'managed_schema.json'), JSON.stringify(schema));
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    pipe: true,
    userDataDir: join(dir, 'profile'),
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
    enableExtensions: true,
  });
  try {
    await browser.installExtension(ext);
    return { loaded: true };
  } catch (e) {
    return { loaded: false, error: (e as Error).message };
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('managed_schema.json in real Chromium', () => {
  it('loads with every pattern Sello generates, and refuses a pattern RE2 cannot parse', async () => {
    expect(await loadWithSchema(managedSchema())).toEqual({ loaded: true });
    // The check can fail: a lookahead (JavaScript, not RE2) makes Chromium refuse the extension.
    const broken = managedSchema() as { properties: Record<string, Record<string, unknown>> };
    broken.properties.graphClientId!.pattern = '^(?=[0-9a-f])[0-9a-f-]{36}$';
    const refused = await loadWithSchema(broken);
    expect(refused.loaded).toBe(false);
    expect(refused.error).toMatch(/invalid regex/);
  }, 120_000);
});
