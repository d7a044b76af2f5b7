/**
 * A correspondent moves to a new key from the same CA. Bob (the extension's user) has Alice's
 * certificate; a message Alice signs with her new key makes the read frame say her certificate
 * changed, and composing to her is blocked ("certificate changed") until Bob answers in the compose
 * frame. OpenSSL then tells which of Alice's keys the sent message is encrypted to.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  issuePerson,
  makeFixtures,
  openssl,
  signedMessage,
  write,
  type Fixtures,
  type Person,
} from './fixtures';
import {
  axeViolations,
  close,
  launch,
  openPage,
  screenshot,
  send,
  textOf,
  uploadTo,
  type Session,
} from './harness';
import { startTransportStandIn, type TransportStandIn } from './local-transport-stand-in';

let s: Session;
let f: Fixtures;
let aliceNew: Person;
let aliceThird: Person;
let server: TransportStandIn;

const b64 = (path: string) => readFileSync(path).toString('base64');
const fullFingerprint = (who: Person) =>
  openssl(['x509', '-in', who.cert, '-noout', '-fingerprint', '-sha256'])
    .toString()
    .split('=')[1]!
    .trim()
    .replace(/:/g, '')
    .toLowerCase();
/** What the frames show: the first 64 bits of the SHA-256 fingerprint in groups of four. */
const shortFingerprint = (who: Person) =>
  openssl(['x509', '-in', who.cert, '-noout', '-fingerprint', '-sha256'])
    .toString()
    .split('=')[1]!
    .replace(/:/g, '')
    .slice(0, 16)
    .match(/.{4}/g)!
    .join(' ');

async function readMessage(name: string, content: string): Promise<{ page: Page; status: string }> {
  const page = await openPage(s, 'read');
  await uploadTo(page, '#message-file', write(f, name, content));
  await page.waitForSelector('body[data-opened]', { timeout: 30_000 });
  return { page, status: await textOf(page, '#status-lines') };
}

async function composeToAlice(subject: string): Promise<Page> {
  const page = await openPage(s, 'compose');
  await page.type('#to', 'alice@example.com');
  await page.type('#subject', subject);
  await page.click('#body');
  await page.type('#body', `${subject}: body.`);
  for (const box of ['#sign', '#encrypt'])
    if (!(await page.$eval(box, (c) => (c as HTMLInputElement).checked))) await page.click(box);
  await page.waitForSelector('#to-status li[data-state]');
  return page;
}

async function sendAndWait(page: Page): Promise<string> {
  await page.$eval('#notice', (n) => (n.textContent = ''));
  await page.click('#send');
  await page.waitForFunction(
    () => {
      const t = document.querySelector('#notice')?.textContent ?? '';
      return t !== '' && !t.endsWith('…');
    },
    { timeout: 30_000 },
  );
  return textOf(page, '#notice');
}

function decryptsWith(mail: Buffer, name: string, who: Person): boolean {
  const mime = write(f, `${name}.eml`, mail);
  try {
    openssl(['cms', '-decrypt', '-in', mime, '-recip', who.cert, '-inkey', who.key]);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  f = makeFixtures();
  aliceNew = issuePerson(f.dir, f.p12Password, 'alice-new', 'Alice Example', { email: 'alice@example.com' });
  aliceThird = issuePerson(f.dir, f.p12Password, 'alice-third', 'Alice Example', {
    email: 'alice@example.com',
  });
  server = await startTransportStandIn();
  s = await launch();
  const options = await openPage(s, 'options');
  const imported = await send(options, {
    type: 'identities.import-pkcs12',
    file: b64(f.bob.p12),
    password: f.p12Password,
  });
  if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported.error)}`);
  for (const [type, file, fileName] of [
    ['trust.import', f.caPem, 'ca.pem'],
    ['recipients.import', f.alice.cer, 'alice.cer'],
  ] as const) {
    const r = await send(options, { type, file: b64(file), fileName });
    if (!r.ok) throw new Error(`${type} failed: ${JSON.stringify(r.error)}`);
  }
  await send(options, { type: 'transport.set', url: server.url });
  await options.close();
});

afterAll(async () => {
  await close(s);
  await server?.close();
});

describe("a correspondent's new key", () => {
  it('is used for nothing before a message shows it: Alice is encrypted to with her known certificate', async () => {
    const page = await composeToAlice('Before');
    expect(await textOf(page, '#to-status')).toBe('alice@example.com: certificate found');
    expect(await sendAndWait(page)).toBe('Sent, signed and encrypted.');
    const mail = server.received.at(-1)!.body;
    expect(decryptsWith(mail, 'before', f.alice)).toBe(true);
    expect(decryptsWith(mail, 'before-new', aliceNew)).toBe(false);
    await page.close();
  });

  it('is announced by the read frame when a verified message from Alice carries it', async () => {
    const { page, status } = await readMessage(
      'alice-new-key.eml',
      signedMessage(f, aliceNew, f.bob, 'New key', 'Hello Bob, this is my new key.'),
    );
    expect(status).toContain('Signed by Alice Example <alice@example.com>');
    expect(status).toContain(
      `Alice Example's certificate changed: new key from Sello E2E Root CA (fingerprint ${shortFingerprint(aliceNew)}, was ${shortFingerprint(f.alice)}). Encrypting to them waits for your confirmation.`,
    );
    expect(
      await page.$eval('#status-lines li[data-key="statusCertificateChanged"]', (li) => li.className),
    ).toBe('warn');
    expect(await page.$eval('#status-bar', (b) => b.className)).toContain('warning');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'read-certificate-changed');
    await page.close();
  });

  it('blocks encryption to Alice as "certificate changed" until Bob confirms, then encrypts to the new key', async () => {
    const page = await composeToAlice('After the change');
    expect(await page.$eval('#to-status li', (li) => li.getAttribute('data-state'))).toBe(
      'certificate-changed',
    );
    expect(await textOf(page, '#to-status li')).toContain(
      `alice@example.com: certificate changed (new key from Sello E2E Root CA; was ${shortFingerprint(f.alice)}, now ${shortFingerprint(aliceNew)})`,
    );
    expect(await textOf(page, '#blockers')).toBe(
      'Encryption is blocked by: alice@example.com (certificate changed)',
    );
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'compose-certificate-changed');
    const before = server.received.length;
    const refused = await sendAndWait(page);
    expect(refused).toMatch(/^Not sent: No usable certificate for: alice@example.com \(/);
    expect(server.received).toHaveLength(before);

    expect(await page.$eval('#to-status button.use-new', (b) => b.getAttribute('aria-label'))).toBe(
      'Use the new certificate for alice@example.com',
    );
    await page.click('#to-status button.use-new');
    await page.waitForFunction(
      () => document.querySelector('#to-status li')?.getAttribute('data-state') === 'found',
    );
    expect(await textOf(page, '#notice')).toBe(
      'Encrypting to the new certificate of alice@example.com from now on.',
    );
    expect(await textOf(page, '#blockers')).toBe('');
    expect(await sendAndWait(page)).toBe('Sent, signed and encrypted.');
    expect(server.received).toHaveLength(before + 1);
    const mail = server.received.at(-1)!.body;
    expect(decryptsWith(mail, 'confirmed-new', aliceNew)).toBe(true);
    expect(decryptsWith(mail, 'confirmed-old', f.alice)).toBe(false);
    expect(decryptsWith(mail, 'confirmed-bob', f.bob)).toBe(true);
    await page.close();
  });

  it('is no longer announced once confirmed', async () => {
    const { page, status } = await readMessage(
      'alice-new-key-again.eml',
      signedMessage(f, aliceNew, f.bob, 'Again', 'Same new key.'),
    );
    expect(status).toContain('Signed by Alice Example <alice@example.com>');
    expect(status).not.toContain('certificate changed');
    await page.close();
  });

  it('after one accepted change, a further key is announced but not switched to; declining it in the options page removes it', async () => {
    const read = await readMessage(
      'alice-third-key.eml',
      signedMessage(f, aliceThird, f.bob, 'Third key', 'Yet another key.'),
    );
    expect(read.status).toContain(
      `(fingerprint ${shortFingerprint(aliceThird)}, was ${shortFingerprint(aliceNew)})`,
    );
    await read.page.close();
    // The certificate Bob accepted stays chosen, so composing to Alice switches to nothing.
    const page = await composeToAlice('Kept');
    expect(await textOf(page, '#to-status')).toBe('alice@example.com: certificate found');
    // The options page lists the change waiting for an answer, with both choices.
    const options = await openPage(s, 'options');
    await options.waitForSelector('#recipient-changes article.card');
    expect(await textOf(options, '#recipient-changes')).toContain(
      `certificate changed: new key from Sello E2E Root CA; was ${shortFingerprint(aliceNew)}, now ${shortFingerprint(aliceThird)}`,
    );
    expect(await options.$eval('#recipient-changes article.card', (a) => a.getAttribute('aria-label'))).toBe(
      'Alice Example (alice@example.com)',
    );
    expect(await axeViolations(options)).toEqual([]);
    await screenshot(options, 'options-certificate-change');
    await options.click('#recipient-changes button.keep-previous');
    await options.waitForFunction(() => document.querySelectorAll('#recipient-changes article').length === 0);
    expect(await textOf(options, '#notice')).toBe(
      'Keeping the previous certificate of alice@example.com; the new one was removed.',
    );
    // Alice's third certificate is gone from the address book; the one she moved to first stays.
    const listed = await send<{ fingerprint: string }[]>(options, { type: 'recipients.list' });
    const stored = listed.value!.map((c) => c.fingerprint);
    expect(stored).toContain(fullFingerprint(aliceNew));
    expect(stored).not.toContain(fullFingerprint(aliceThird));
    await options.close();
    expect(await sendAndWait(page)).toBe('Sent, signed and encrypted.');
    const mail = server.received.at(-1)!.body;
    expect(decryptsWith(mail, 'kept-new', aliceNew)).toBe(true);
    expect(decryptsWith(mail, 'kept-third', aliceThird)).toBe(false);
    await page.close();
  });

  it('is announced but not blocking when the new certificate could not be used anyway (self-issued, untrusted)', async () => {
    // Mallory signs with a self-issued certificate naming Alice's address: no trust anchor vouches for it.
    const mallory = {
      email: 'alice@example.com',
      cert: join(f.dir, 'mallory.pem'),
      key: join(f.dir, 'mallory.key'),
    };
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      mallory.key,
      '-out',
      mallory.cert,
      '-days',
      '30',
      '-subj',
      '/CN=Alice Example',
      '-addext',
      'subjectAltName=email:alice@example.com',
    ]);
    const read = await readMessage(
      'mallory.eml',
      signedMessage(f, { ...f.alice, ...mallory }, f.bob, 'Forged', 'Trust me.'),
    );
    expect(read.status).toContain("The signer's certificate is not trusted");
    expect(read.status).toContain("Alice Example's certificate changed: new key from Alice Example");
    await read.page.close();
    // The address book would not choose it, so nothing switches: Alice stays encrypted to her accepted key.
    const page = await composeToAlice('Still the accepted key');
    expect(await textOf(page, '#to-status')).toBe('alice@example.com: certificate found');
    expect(await sendAndWait(page)).toBe('Sent, signed and encrypted.');
    const mail = server.received.at(-1)!.body;
    expect(decryptsWith(mail, 'after-mallory', aliceNew)).toBe(true);
    expect(decryptsWith(mail, 'after-mallory-forged', { ...f.alice, ...mallory })).toBe(false);
    await page.close();
  });
});
