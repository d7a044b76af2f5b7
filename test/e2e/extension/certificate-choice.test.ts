/**
 * Two certificates for the same address: the one the user picks in the options page ("Use for
 * signing", "Use for encryption to …") is the one the compose frame signs with and encrypts to self
 * with. OpenSSL reads the sent mail: the signer certificate it prints and which key decrypts it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuePerson, makeFixtures, openssl, write, type Fixtures, type Person } from './fixtures';
import { close, launch, openPage, send, setChecked, textOf, type Session } from './harness';
import { startTransportStandIn, type TransportStandIn } from './local-transport-stand-in';

let s: Session;
let f: Fixtures;
let second: Person;
let server: TransportStandIn;

const b64 = (path: string) => readFileSync(path).toString('base64');
const fingerprint = (pem: string | Buffer) =>
  openssl(['x509', '-noout', '-fingerprint', '-sha256'], pem).toString().trim();

async function sendSignedAndEncrypted(subject: string): Promise<Buffer> {
  const page = await openPage(s, 'compose');
  await page.type('#to', 'bob@example.com');
  await page.type('#subject', subject);
  await page.click('#body');
  await page.type('#body', `${subject}: body.`);
  for (const box of ['#sign', '#encrypt']) await setChecked(page, box, true);
  const before = server.received.length;
  await page.click('#send');
  await page.waitForFunction(
    () => {
      const t = document.querySelector('#notice')?.textContent ?? '';
      return t !== '' && !t.endsWith('…');
    },
    { timeout: 30_000 },
  );
  expect(await textOf(page, '#notice')).toBe('Sent, signed and encrypted.');
  await page.close();
  expect(server.received).toHaveLength(before + 1);
  return server.received.at(-1)!.body;
}

/** Decrypts with Bob's key, verifies, and returns the signer certificate OpenSSL found. */
function signerOf(mail: Buffer, name: string): string {
  const mime = write(f, `${name}.eml`, mail);
  const inner = write(
    f,
    `${name}-inner.eml`,
    openssl(['cms', '-decrypt', '-in', mime, '-recip', f.bob.cert, '-inkey', f.bob.key]),
  );
  const signer = join(f.dir, `${name}-signer.pem`);
  openssl(['cms', '-verify', '-in', inner, '-CAfile', f.caPem, '-signer', signer, '-out', '/dev/null']);
  return readFileSync(signer, 'utf8');
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

async function cardButton(page: Page, card: string, label: string): Promise<void> {
  const clicked = await page.$$eval(
    'article.card',
    (cards, c, l) => {
      const card = cards.find((a) => a.getAttribute('aria-label') === c);
      const button = [...(card?.querySelectorAll('button') ?? [])].find((b) => b.textContent === l);
      button?.click();
      return button !== undefined;
    },
    card,
    label,
  );
  expect(clicked, `${label} on ${card}`).toBe(true);
}

beforeAll(async () => {
  f = makeFixtures();
  second = issuePerson(f.dir, f.p12Password, 'alice2', 'Alice Second', { email: 'alice@example.com' });
  server = await startTransportStandIn();
  s = await launch();
  const options = await openPage(s, 'options');
  for (const p12 of [f.alice.p12, second.p12]) {
    const r = await send(options, {
      type: 'identities.import-pkcs12',
      file: b64(p12),
      password: f.p12Password,
    });
    if (!r.ok) throw new Error(`import failed: ${JSON.stringify(r.error)}`);
  }
  await send(options, { type: 'recipients.import', file: b64(f.bob.cer), fileName: 'bob.cer' });
  await send(options, { type: 'transport.set', url: server.url });
  await options.close();
});

afterAll(async () => {
  await close(s);
  await server?.close();
});

describe('choosing among several own certificates', () => {
  it('signs with and encrypts to the first imported certificate until the user chooses another', async () => {
    const mail = await sendSignedAndEncrypted('Before choosing');
    expect(fingerprint(signerOf(mail, 'before'))).toBe(fingerprint(readFileSync(f.alice.cert)));
    expect(decryptsWith(mail, 'before', f.alice)).toBe(true);
    expect(decryptsWith(mail, 'before', second)).toBe(false);
  });

  it('uses the certificate chosen in the options page for signing and for encryption to self', async () => {
    const options = await openPage(s, 'options');
    await options.waitForSelector('article.card[aria-label="Alice Second"] button');
    await cardButton(options, 'Alice Second', 'Use for signing');
    await options.waitForFunction(() =>
      document.querySelector('article.card[aria-label="Alice Second"] h3')?.textContent?.includes('Default'),
    );
    await cardButton(options, 'Alice Second', 'Use for encryption to alice@example.com');
    await options.waitForFunction(() =>
      [...document.querySelectorAll('article.card[aria-label="Alice Second"] p.ok')].some((p) =>
        p.textContent?.includes('alice@example.com'),
      ),
    );
    // The first certificate now offers both choices back.
    const first = await textOf(options, 'article.card[aria-label="Alice Example"]');
    expect(first).toContain('Use for signing');
    expect(first).toContain('Use for encryption to alice@example.com');
    await options.close();

    const mail = await sendSignedAndEncrypted('After choosing');
    expect(fingerprint(signerOf(mail, 'after'))).toBe(fingerprint(readFileSync(second.cert)));
    expect(decryptsWith(mail, 'after', second)).toBe(true);
    expect(decryptsWith(mail, 'after', f.alice)).toBe(false);
    // Bob, the recipient, is unaffected by the sender's choice.
    expect(decryptsWith(mail, 'after-bob', f.bob)).toBe(true);
  });
});
