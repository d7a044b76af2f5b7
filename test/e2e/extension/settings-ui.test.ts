/**
 * The options page in real Chromium says plainly which settings are unsafe legacy switches and which
 * this version accepts but does not apply yet (docs/extension.md "Settings: where each is enforced").
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { close, launch, openPage, textOf, type Session } from './harness';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await launch();
  page = await openPage(s, 'options');
  await page.waitForSelector('[data-setting="allowLegacyAlgorithms"]');
});

afterAll(async () => {
  await close(s);
});

describe('options page: unsafe and not-applied settings', () => {
  it('marks both legacy switches as unsafe, with the reason, visibly', async () => {
    for (const key of ['allowLegacyAlgorithms', 'allowWeakCertificates']) {
      const row = `[data-setting="${key}"]`;
      expect(await textOf(page, `${row} .badge.bad`)).toBe('Unsafe: legacy switch');
      expect(await textOf(page, `${row} p.bad`)).toMatch(/^Unsafe\. .*forged/);
      expect(await page.$eval(`${row} p.bad`, (e) => (e as HTMLElement).offsetHeight > 0)).toBe(true);
    }
  });

  it('says which settings are not applied yet, and no other setting carries either mark', async () => {
    for (const key of ['encryptionAlgorithmNegotiation', 'senderCertificateAttributesToDisplay'])
      expect(await textOf(page, `[data-setting="${key}"] .badge.warn`)).toBe('Not applied yet');
    const marked = await page.$$eval('[data-setting]', (rows) =>
      rows
        .filter((r) => r.querySelector('.badge.bad, p.muted'))
        .map((r) => r.getAttribute('data-setting'))
        .sort(),
    );
    expect(marked).toEqual([
      'allowLegacyAlgorithms',
      'allowWeakCertificates',
      'encryptionAlgorithmNegotiation',
      'senderCertificateAttributesToDisplay',
    ]);
  });
});
