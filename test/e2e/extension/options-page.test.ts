/**
 * The options page in real Chromium: importing OpenSSL-made PKCS#12 files, the identity list, backup
 * export that OpenSSL reads back, correspondents' certificates, trust anchors and settings.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtures, openssl, write, type Fixtures } from './fixtures';
import {
  axeViolations,
  close,
  launch,
  openPage,
  screenshot,
  send,
  textOf,
  type Session,
  uploadTo,
} from './harness';

let s: Session;
let f: Fixtures;
let page: Page;

async function upload(selector: string, path: string): Promise<void> {
  await uploadTo(page, selector, path);
}

async function noticeAfter(action: () => Promise<void>): Promise<{ text: string; kind: string }> {
  await page.$eval('#notice', (n) => {
    n.textContent = '';
    n.className = 'notice';
  });
  await action();
  await page.waitForFunction(
    () => {
      const n = document.querySelector('#notice')!;
      return n.textContent !== '' && !/…$/.test(n.textContent ?? '');
    },
    { timeout: 30_000 },
  );
  return page.$eval('#notice', (n) => ({ text: n.textContent ?? '', kind: n.className }));
}

beforeAll(async () => {
  f = makeFixtures();
  s = await launch();
  page = await openPage(s, 'options');
});

afterAll(async () => {
  await close(s);
});

describe('options page', () => {
  it('refuses a PKCS#12 with the wrong password without a stack trace', async () => {
    await upload('#p12-file', f.alice.p12);
    await page.type('#p12-password', 'not the password');
    const n = await noticeAfter(() => page.click('#import-form button[type=submit]'));
    expect(n.kind).toContain('bad');
    expect(n.text).toBe('The file password is not correct.');
    expect(n.text).not.toMatch(/at \w+ \(|Error:/);
  });

  it('imports an OpenSSL-made PKCS#12 and lists subject, email, issuer, validity and usage', async () => {
    await page.$eval('#p12-password', (i) => ((i as HTMLInputElement).value = ''));
    await upload('#p12-file', f.alice.p12);
    await page.type('#p12-password', f.p12Password);
    const n = await noticeAfter(() => page.click('#import-form button[type=submit]'));
    expect(n.text).toContain('Imported: alice@example.com');
    const card = await textOf(page, '#identities');
    expect(card).toContain('Alice Example');
    expect(card).toContain('alice@example.com');
    expect(card).toContain('CN=Sello E2E Root CA');
    expect(card).toMatch(/Expires in 39\d days/);
    expect(card).toContain('digitalSignature, keyEncipherment, emailProtection');
    expect(card).toContain('Default for signing');
    expect(card).toContain('Encryption certificate for alice@example.com');
    // The password field is cleared: it does not linger in the page.
    expect(await page.$eval('#p12-password', (i) => (i as HTMLInputElement).value)).toBe('');
  });

  it('imports a legacy PKCS#12 (3DES/RC2-40, SHA-1 MAC) as Windows exports it', async () => {
    await upload('#p12-file', f.carol.p12Legacy);
    await page.type('#p12-password', f.p12Password);
    const n = await noticeAfter(() => page.click('#import-form button[type=submit]'));
    expect(n.text).toContain('carol@example.com');
    expect(n.text).toContain('old protection');
    expect(await textOf(page, '#identities')).toContain('Carol Example');
  });

  it('removes an identity after confirmation', async () => {
    page.once('dialog', (d) => void d.accept());
    const removed = await noticeAfter(() =>
      page.$$eval('#identities article', (cards) => {
        const carol = cards.find((c) => c.textContent?.includes('Carol Example'));
        (carol?.querySelector('button.danger') as HTMLButtonElement).click();
      }),
    );
    expect(removed.text).toBe('Removed.');
    expect(await textOf(page, '#identities')).not.toContain('Carol Example');
  });

  it('exports a PKCS#12 backup that OpenSSL opens with the backup password', async () => {
    const downloads = mkdtempSync(join(tmpdir(), 'sello-dl-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    const card = (await page.$('#identities article'))!;
    await (await card.$('input[type=password]'))!.type('backup pass 123');
    const n = await noticeAfter(async () => (await card.$('form button[type=submit]'))!.click());
    expect(n.text).toBe('Saved alice@example.com-backup.p12.');
    for (let i = 0; i < 50 && !existsSync(join(downloads, 'alice@example.com-backup.p12')); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const file = join(downloads, readdirSync(downloads)[0]!);
    const out = execFileSync(
      'openssl',
      ['pkcs12', '-in', file, '-passin', 'pass:backup pass 123', '-nodes', '-info'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const text = out.toString();
    expect(text).toContain('BEGIN PRIVATE KEY');
    expect(text).toContain('subject=CN = Alice Example');
  });

  it("imports correspondents' certificates from .cer (DER), .pem and .p7b", async () => {
    const pem = write(f, 'carol.pem.txt', openssl(['x509', '-in', f.carol.cert]));
    const p7b = write(
      f,
      'both.p7b',
      openssl(['crl2pkcs7', '-nocrl', '-certfile', f.bob.cert, '-certfile', f.carol.cert, '-outform', 'DER']),
    );
    for (const [file, count] of [
      [f.bob.cer, 1],
      [pem, 1],
      [p7b, 2],
    ] as const) {
      await upload('#recipient-file', file);
      const n = await noticeAfter(() => page.click('#recipient-form button[type=submit]'));
      expect(n.text).toBe(`${count} certificate(s) imported.`);
    }
    const list = await textOf(page, '#recipients');
    expect(list).toContain('bob@example.com');
    expect(list).toContain('carol@example.com');
  });

  it('imports a CA as a trust anchor and refuses a certificate that is not a CA', async () => {
    await upload('#trust-file', f.caPem);
    expect((await noticeAfter(() => page.click('#trust-form button[type=submit]'))).text).toBe(
      '1 certificate(s) imported.',
    );
    await upload('#trust-file', f.bob.cer);
    expect((await noticeAfter(() => page.click('#trust-form button[type=submit]'))).text).toContain(
      '1 refused: not a certificate authority',
    );
    const list = await textOf(page, '#trust');
    expect(list).toContain('Sello E2E Root CA');
    expect(list).not.toContain('Bob Example');
  });

  it('saves a setting and refuses an invalid one', async () => {
    await page.select('#setting-encryptionAlgorithm', 'aes-256-gcm');
    await page.waitForFunction(() => document.querySelector('#notice')?.textContent === 'Saved.');
    const r = await send<{ values: Record<string, unknown> }>(page, { type: 'settings.get' });
    expect(r.value?.values.encryptionAlgorithm).toBe('aes-256-gcm');
    const bad = await send(page, { type: 'settings.set', key: 'autoLockMinutes', value: 0 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'policy.invalid' } });
    await send(page, { type: 'settings.set', key: 'encryptionAlgorithm', value: null });
  });

  it('is accessible (axe) and keyboard reachable', async () => {
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    expect(await axeViolations(page)).toEqual([]);
    await page.focus('#new-passphrase');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Set passphrase');
    await screenshot(page, 'options');
  });
});
