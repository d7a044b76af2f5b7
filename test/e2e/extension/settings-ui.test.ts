/**
 * The options page in real Chromium says plainly which settings are unsafe legacy switches and which
 * this version accepts but does not apply yet (docs/extension.md "Settings: where each is enforced").
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtures, signedMessage, write } from './fixtures';
import { close, launch, openPage, send, textOf, type Session, uploadTo } from './harness';

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

  it('marks no setting as not applied (encryptionAlgorithmNegotiation is), and no other setting as unsafe', async () => {
    const notApplied = await page.$$eval(
      '[data-setting] .badge.warn',
      (badges) => badges.filter((b) => b.textContent === 'Not applied yet').length,
    );
    expect(notApplied).toBe(0);
    const marked = await page.$$eval('[data-setting]', (rows) =>
      rows
        .filter((r) => r.querySelector('.badge.bad, p.muted'))
        .map((r) => r.getAttribute('data-setting'))
        .sort(),
    );
    expect(marked).toEqual(['allowLegacyAlgorithms', 'allowWeakCertificates']);
  });
});

describe('read frame: senderCertificateAttributesToDisplay', () => {
  async function statusFor(path: string): Promise<string> {
    const read = await openPage(s, 'read');
    await read.waitForSelector('#message-file');
    await uploadTo(read, '#message-file', path);
    await read.waitForSelector('body[data-opened]', { timeout: 30_000 });
    const text = await textOf(read, '#status-lines');
    await read.close();
    return text;
  }

  it('shows the certificate attributes the organisation asks for next to the signer, and none by default', async () => {
    const f = makeFixtures();
    const path = write(f, 'signed.eml', signedMessage(f, f.alice, f.bob, 'Attributes', 'Hello.'));
    expect(await statusFor(path)).not.toContain('Certificate:');
    const set = await send(page, {
      type: 'settings.set',
      key: 'senderCertificateAttributesToDisplay',
      value: ['O', 'email'],
    });
    expect(set.ok).toBe(true);
    expect(await statusFor(path)).toContain('Certificate: O: Sello Tests; email: alice@example.com');
    await send(page, { type: 'settings.set', key: 'senderCertificateAttributesToDisplay', value: null });
  });
});

describe('keys policy', () => {
  it('requirePassphrase: no import without a passphrase', async () => {
    const f = makeFixtures();
    expect((await send(page, { type: 'settings.set', key: 'requirePassphrase', value: true })).ok).toBe(true);
    const r = await send(page, {
      type: 'identities.import-pkcs12',
      file: readFileSync(f.alice.p12).toString('base64'),
      password: f.p12Password,
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'keystore.passphrase-required' } });
    await send(page, { type: 'settings.set', key: 'requirePassphrase', value: null });
  });
});
