/**
 * Opening OpenSSL-made messages in the secure read frame and checking what the user sees: the status
 * bar (drawn by the frame), the sanitised content and that nothing remote is loaded.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  encryptedMessage,
  makeFixtures,
  openssl,
  partiallySigned,
  signedMessage,
  tampered,
  write,
  type Fixtures,
} from './fixtures';
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
let tracker: Server;
let trackerHits = 0;
let trackerUrl: string;

async function open(name: string, content: string): Promise<string> {
  const path = write(f, name, content);
  await page.evaluate(() => delete document.body.dataset.opened);
  await uploadTo(page, '#message-file', path);
  await page.waitForSelector('body[data-opened]', { timeout: 30_000 });
  return (await page.$('#status-bar:not([hidden])'))
    ? textOf(page, '#status-lines')
    : textOf(page, '#notice');
}

/** The text the user sees inside the sandboxed content frame (as rendered, not as written). */
async function renderedText(): Promise<string> {
  const frame = page.frames().find((fr) => fr.url() === 'about:srcdoc');
  return frame ? frame.evaluate(() => document.body.innerText) : '';
}

async function contentOf(i = 0): Promise<string> {
  return page.$$eval('iframe.content', (frames, n) => (frames[n] as HTMLIFrameElement).srcdoc, i);
}

beforeAll(async () => {
  f = makeFixtures();
  tracker = createServer((_req, res) => {
    trackerHits++;
    res.end();
  });
  await new Promise<void>((r) => tracker.listen(0, '127.0.0.1', r));
  trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}/pixel.png`;
  s = await launch();
  const options = await openPage(s, 'options');
  const r = await send(options, {
    type: 'identities.import-pkcs12',
    file: readFileSync(f.alice.p12).toString('base64'),
    password: f.p12Password,
  });
  if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.error)}`);
  await send(options, {
    type: 'trust.import',
    file: readFileSync(f.caPem).toString('base64'),
    fileName: 'ca.pem',
  });
  await options.close();
  page = await openPage(s, 'read');
});

afterAll(async () => {
  await close(s);
  tracker.close();
});

describe('secure read frame', () => {
  it('shows who signed a message, that From matches and that the whole message is covered', async () => {
    const status = await open(
      'signed.eml',
      signedMessage(f, f.carol, f.alice, 'Signed hello', 'Hello Alice, signed by Carol.'),
    );
    expect(status).toContain('Signed by Carol Example <carol@example.com>');
    expect(status).toContain('The From address (carol@example.com) matches the signer.');
    expect(status).toContain('The signature covers the whole message.');
    expect(status).toContain('Not encrypted.');
    expect(await contentOf()).toContain('Hello Alice, signed by Carol.');
    expect(await renderedText()).toContain('Hello Alice, signed by Carol.');
    expect(await textOf(page, '#subject')).toBe('Signed hello');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'read-signed');
  });

  it('says the signer is trusted when the issuing CA is a trust anchor, and why not otherwise', async () => {
    const status = await open(
      'signed.eml',
      signedMessage(f, f.carol, f.alice, 'Trusted', 'Chain to the anchor.'),
    );
    expect(status).toMatch(/The signer's certificate is trusted \(issued under [^)]*CN=Sello E2E Root CA/);
    // A self-issued signer no anchor vouches for.
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      join(f.dir, 'mallory.key'),
      '-out',
      join(f.dir, 'mallory.pem'),
      '-days',
      '30',
      '-subj',
      '/CN=Carol Example',
      '-addext',
      'subjectAltName=email:carol@example.com',
    ]);
    const entity = 'Content-Type: text/plain\r\n\r\nTrust me.\r\n';
    const forged = openssl(
      [
        'cms',
        '-sign',
        '-binary',
        '-signer',
        join(f.dir, 'mallory.pem'),
        '-inkey',
        join(f.dir, 'mallory.key'),
        '-from',
        f.carol.email,
        '-to',
        f.alice.email,
        '-subject',
        'Forged',
      ],
      entity,
    ).toString('latin1');
    const untrusted = await open('forged.eml', forged);
    expect(untrusted).toContain('Signed by Carol Example <carol@example.com>');
    expect(untrusted).toContain("The signer's certificate is not trusted");
  });

  it('opens a message encrypted to the user and says with what', async () => {
    const status = await open(
      'encrypted.eml',
      encryptedMessage(f, f.carol, f.alice, 'Secret', 'The launch is on Tuesday.', true),
    );
    expect(status).toContain('Encrypted with AES-256-CBC');
    expect(status).toContain('Signed by Carol Example <carol@example.com>');
    expect(await contentOf()).toContain('The launch is on Tuesday.');
    await screenshot(page, 'read-encrypted');
  });

  it('warns that encryption without a signature is not integrity-protected', async () => {
    const status = await open(
      'encrypted-only.eml',
      encryptedMessage(f, f.carol, f.alice, 'Unsigned secret', 'No signature here.', false),
    );
    expect(status).toContain('Not signed');
    expect(status).toContain('Not integrity-protected');
    expect(await contentOf()).toContain('No signature here.');
  });

  it('says a tampered message has an invalid signature', async () => {
    const signed = signedMessage(f, f.carol, f.alice, 'Pay', 'Please pay invoice 100 to account A.');
    const status = await open('tampered.eml', tampered(signed, 'account A', 'account B'));
    expect(status).toContain('The signature by Carol Example <carol@example.com> is not valid');
    expect(status).not.toContain('Signed by');
    expect(await page.$eval('#status-bar', (b) => b.className)).toContain('danger');
    await screenshot(page, 'read-tampered');
  });

  it('says which part a partially signed message covers and labels the unsigned part', async () => {
    const msg = partiallySigned(
      f,
      f.carol,
      f.alice,
      'Partial',
      'This part is signed.',
      'This part was added later.',
    );
    const status = await open('partial.eml', msg);
    expect(status).toContain('Signed by Carol Example');
    expect(status).toMatch(/The signature covers only part 1; part 2 is not signed\./);
    const labels = await textOf(page, '#sections');
    expect(labels).toContain('Not covered by the signature');
    expect(
      await page.$$eval('#sections .unsigned iframe', (fs) =>
        fs.map((x) => (x as HTMLIFrameElement).srcdoc).join(),
      ),
    ).toContain('This part was added later.');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'read-partial');
  });

  it('lists attachments and saves them as they were sent', async () => {
    const pdf = Buffer.from('%PDF-1.4 fake report\n');
    const entity = [
      'Content-Type: multipart/mixed; boundary="mix"',
      '',
      '--mix',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The report is attached.',
      '--mix',
      'Content-Type: application/pdf; name="report.pdf"',
      'Content-Disposition: attachment; filename="report.pdf"',
      'Content-Transfer-Encoding: base64',
      '',
      pdf.toString('base64'),
      '--mix--',
      '',
    ].join('\r\n');
    const signed = openssl(
      [
        'cms',
        '-sign',
        '-binary',
        '-signer',
        f.carol.cert,
        '-inkey',
        f.carol.key,
        '-from',
        f.carol.email,
        '-to',
        f.alice.email,
        '-subject',
        'Report',
      ],
      entity,
    ).toString('latin1');
    await open('attachment.eml', signed);
    expect(await textOf(page, '#attachments')).toContain('report.pdf (application/pdf, 1 KB)');
    const downloads = mkdtempSync(join(tmpdir(), 'sello-dl-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.click('#attachments button');
    for (let i = 0; i < 50 && !existsSync(join(downloads, 'report.pdf')); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(join(downloads, 'report.pdf'))).toEqual(pdf);
  });

  it('saves an attachment with the keyboard alone: Tab to its Save button, Enter', async () => {
    // The message of the test above is still open.
    expect(await textOf(page, '#attachments')).toContain('report.pdf');
    const downloads = mkdtempSync(join(tmpdir(), 'sello-dl-keys-'));
    const cdp = await page.createCDPSession();
    await cdp.send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: downloads });
    await page.bringToFront();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const stops: string[] = [];
    for (let i = 0; i < 20; i++) {
      await page.keyboard.press('Tab');
      const label = await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
      stops.push(label);
      if (label === 'Save report.pdf') break;
    }
    expect(stops.at(-1), `Tab stops: ${stops.join(' | ')}`).toBe('Save report.pdf');
    await page.keyboard.press('Enter');
    for (let i = 0; i < 50 && !existsSync(join(downloads, 'report.pdf')); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(join(downloads, 'report.pdf'))).toEqual(Buffer.from('%PDF-1.4 fake report\n'));
  });

  it('says when From does not match the signer', async () => {
    const msg = signedMessage(f, f.carol, f.alice, 'Spoof', 'I am the boss.').replace(
      /^From: carol@example.com/m,
      'From: boss@example.com',
    );
    const status = await open('from-mismatch.eml', msg);
    expect(status).toContain(
      "The From address (boss@example.com) does not match the signer's certificate (carol@example.com).",
    );
  });

  it('renders HTML without scripts or remote content, in a sandboxed frame with its own CSP', async () => {
    const html = `Content-Type: text/html; charset=utf-8\r\n\r\n<p onclick="x()">Hi <b>there</b></p><script>parent.alert(1)</script><img src="${trackerUrl}"><div style="background:url(${trackerUrl})">x</div>\r\n`;
    const signed = openssl(
      [
        'cms',
        '-sign',
        '-binary',
        '-signer',
        f.carol.cert,
        '-inkey',
        f.carol.key,
        '-from',
        f.carol.email,
        '-to',
        f.alice.email,
        '-subject',
        'HTML',
      ],
      html,
    ).toString('latin1');
    await open('html.eml', signed);
    const doc = await contentOf();
    expect(doc).toContain('<b>there</b>');
    expect(doc).not.toContain('<script');
    expect(doc).not.toContain('onclick');
    expect(doc).not.toMatch(/<img[^>]+src=/);
    expect(doc).toContain("default-src 'none'; img-src data:");
    expect(await page.$eval('iframe.content', (i) => i.getAttribute('sandbox'))).not.toContain(
      'allow-scripts',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(trackerHits).toBe(0);
  });

  it("remembers a verified signer's certificate, so a reply can be encrypted to them", async () => {
    // Carol's signed mail was opened above (harvestCertificates is on by default).
    const compose = await openPage(s, 'compose');
    await compose.type('#to', 'carol@example.com');
    await compose.waitForSelector('#to-status li[data-state]');
    expect(await textOf(compose, '#to-status')).toBe('carol@example.com: certificate found');
    const options = await openPage(s, 'options');
    expect(await textOf(options, '#recipients')).toContain('from signed mail');
    await compose.close();
    await options.close();
  });
});
