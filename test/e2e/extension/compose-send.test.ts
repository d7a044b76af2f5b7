/**
 * Composing in the secure compose frame and sending through the local-http transport to a stand-in on
 * 127.0.0.1; OpenSSL then decrypts and verifies exactly what was sent.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issuePerson, makeFixtures, openssl, revokeAndMakeCrl, write, type Fixtures } from './fixtures';
import {
  axeViolations,
  close,
  launch,
  openPage,
  screenshot,
  send,
  setChecked as setCheckedIn,
  textOf,
  type Session,
  uploadTo,
} from './harness';
import { startTransportStandIn, type TransportStandIn } from './local-transport-stand-in';

let s: Session;
let f: Fixtures;
let server: TransportStandIn;
let page: Page;

const b64 = (path: string) => readFileSync(path).toString('base64');

async function setField(selector: string, value: string): Promise<void> {
  await page.$eval(selector, (el) => ((el as HTMLInputElement).value = ''));
  await page.type(selector, value);
}

async function sendAndWait(): Promise<{ text: string; kind: string }> {
  await page.$eval('#notice', (n) => (n.textContent = ''));
  await page.click('#send');
  await page.waitForFunction(
    () => {
      const t = document.querySelector('#notice')?.textContent ?? '';
      return t !== '' && !t.endsWith('…');
    },
    { timeout: 30_000 },
  );
  return page.$eval('#notice', (n) => ({ text: n.textContent ?? '', kind: n.className }));
}

const setChecked = (selector: string, on: boolean) => setCheckedIn(page, selector, on);

beforeAll(async () => {
  f = makeFixtures();
  server = await startTransportStandIn();
  s = await launch();
  const options = await openPage(s, 'options');
  const imported = await send(options, {
    type: 'identities.import-pkcs12',
    file: b64(f.alice.p12),
    password: f.p12Password,
  });
  if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported.error)}`);
  await send(options, { type: 'recipients.import', file: b64(f.bob.cer), fileName: 'bob.cer' });
  // Oscar's only certificate expired at the start of 2021 (openssl ca with exact dates).
  const oscar = issuePerson(f.dir, f.p12Password, 'oscar', 'Oscar Expired', {
    validity: { start: '20200101000000Z', end: '20210101000000Z' },
  });
  const expired = await send(options, {
    type: 'recipients.import',
    file: b64(oscar.cer),
    fileName: 'oscar.cer',
  });
  if (!expired.ok) throw new Error(`import failed: ${JSON.stringify(expired.error)}`);
  await send(options, { type: 'transport.set', url: server.url });
  await options.close();
  page = await openPage(s, 'compose');
});

afterAll(async () => {
  await close(s);
  await server.close();
});

describe('secure compose frame', () => {
  it('shows the certificate status of each recipient and who blocks encryption', async () => {
    await setField('#to', 'bob@example.com, dave@example.com');
    await page.waitForFunction(() => document.querySelectorAll('#to-status li[data-state]').length === 2);
    const status = await textOf(page, '#to-status');
    expect(status).toContain('bob@example.com: certificate found');
    expect(status).toContain('dave@example.com: no certificate');
    await setChecked('#encrypt', true);
    expect(await textOf(page, '#blockers')).toBe(
      'Encryption is blocked by: dave@example.com (no certificate)',
    );
    const n = await sendAndWait();
    expect(n.kind).toContain('bad');
    expect(n.text).toBe(
      'Not sent: No usable certificate for: dave@example.com (no certificate is known for dave@example.com). Everything you wrote is kept.',
    );
    expect(server.received).toHaveLength(0);
  });

  it('says a recipient certificate expired and when, and that it blocks encryption', async () => {
    await setField('#to', 'oscar@example.com');
    await page.waitForFunction(() =>
      document.querySelector('#to-status li[data-state]')?.textContent?.startsWith('oscar@'),
    );
    expect(await page.$eval('#to-status li', (li) => li.getAttribute('data-state'))).toBe('expired');
    expect(await textOf(page, '#to-status')).toBe(
      'oscar@example.com: certificate expired (expired on Jan 1, 2021)',
    );
    await setChecked('#encrypt', true);
    expect(await textOf(page, '#blockers')).toBe(
      'Encryption is blocked by: oscar@example.com (certificate expired)',
    );
    const n = await sendAndWait();
    expect(n.kind).toContain('bad');
    expect(n.text).toMatch(/^Not sent: No usable certificate for: oscar@example.com \(/);
    expect(server.received).toHaveLength(0);
  });

  it('sends a signed and encrypted message with an attachment that OpenSSL decrypts and verifies', async () => {
    await setField('#to', 'bob@example.com');
    await setField('#subject', 'Quarterly numbers ¿sí?');
    await page.click('#body');
    await page.type('#body', 'Hello Bob, the numbers are attached.');
    const attachment = write(f, 'numbers.csv', 'q1,q2\n10,20\n');
    await uploadTo(page, '#attach', attachment);
    await page.waitForFunction(() => document.querySelector('#attachments')?.textContent?.includes('ready'));
    await setChecked('#sign', true);
    await setChecked('#encrypt', true);
    const n = await sendAndWait();
    expect(n.text).toBe('Sent, signed and encrypted.');
    expect(server.received).toHaveLength(1);
    const mail = server.received[0]!;
    expect(mail.headers['x-sello-rcpt-to']).toBe('bob@example.com');
    const mime = write(f, 'sent-encrypted.eml', mail.body);
    const decrypted = openssl(['cms', '-decrypt', '-in', mime, '-recip', f.bob.cert, '-inkey', f.bob.key]);
    const inner = write(f, 'sent-decrypted.eml', decrypted);
    const verified = openssl(['cms', '-verify', '-in', inner, '-CAfile', f.caPem]).toString('latin1');
    expect(verified).toContain('Hello Bob, the numbers are attached.');
    expect(verified).toContain('numbers.csv');
    // Alice can read her own sent mail: she is a recipient too.
    openssl(['cms', '-decrypt', '-in', mime, '-recip', f.alice.cert, '-inkey', f.alice.key]);
    const top = mail.body.toString('latin1').split(/\r?\n\r?\n/)[0]!;
    expect(top).toMatch(/^To: bob@example.com/m);
    expect(top).toMatch(/^From: alice@example.com/m);
    expect(top).toMatch(/application\/(x-)?pkcs7-mime/i);
  });

  it('sends a clear-signed message that OpenSSL verifies', async () => {
    await page.goto(`${s.origin}/frames/compose/index.html`);
    await page.waitForSelector('body[data-ready]');
    await setField('#to', 'dave@example.com');
    await setField('#subject', 'Signed only');
    await page.click('#body');
    await page.type('#body', 'Plain signed text.');
    await setChecked('#sign', true);
    await setChecked('#encrypt', false);
    expect((await sendAndWait()).text).toBe('Sent, signed.');
    const mime = write(f, 'sent-signed.eml', server.received.at(-1)!.body);
    const verified = openssl(['cms', '-verify', '-in', mime, '-CAfile', f.caPem]).toString('latin1');
    expect(verified).toContain('Plain signed text.');
  });

  it('keeps everything and says why when sending fails, and restores the draft after a reload', async () => {
    await page.goto(`${s.origin}/frames/compose/index.html`);
    await page.waitForSelector('body[data-ready]');
    await setField('#to', 'bob@example.com');
    await setField('#subject', 'Will fail');
    await page.click('#body');
    await page.type('#body', 'Do not lose me.');
    await uploadTo(page, '#attach', write(f, 'keep-me.txt', 'attachment that must survive'));
    await page.waitForFunction(() => document.querySelector('#attachments')?.textContent?.includes('ready'));
    await setChecked('#sign', true);
    server.status = 503;
    const n = await sendAndWait();
    server.status = 202;
    expect(n.kind).toContain('bad');
    expect(n.text).toBe(
      'Not sent: The mail server refused the message (HTTP 503). Everything you wrote is kept.',
    );
    expect(await page.$eval('#subject', (i) => (i as HTMLInputElement).value)).toBe('Will fail');
    expect(await textOf(page, '#body')).toBe('Do not lose me.');
    await page.reload();
    await page.waitForSelector('body[data-ready]');
    expect(await page.$eval('#subject', (i) => (i as HTMLInputElement).value)).toBe('Will fail');
    expect(await textOf(page, '#body')).toBe('Do not lose me.');
    expect(await textOf(page, '#draft-state')).toBe('Draft restored.');
    expect(await textOf(page, '#attachments')).toContain('keep-me.txt');
  });

  it('keeps keys and drafts sealed at rest: a non-extractable device key, no key or draft text in IndexedDB', async () => {
    // Runs right after the failed send above, so the drafts store holds that draft.
    const hex = (label: string) => {
      const text = openssl(['rsa', '-in', f.alice.key, '-noout', '-text']).toString();
      const block = new RegExp(`${label}:\\s*\\n((?:\\s+[0-9a-f:]+\\n)+)`).exec(text)![1]!;
      return [...Buffer.from(block.replace(/[\s:]/g, ''), 'hex')].slice(1, 33); // skip the sign byte
    };
    const pkcs8 = [...openssl(['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER', '-in', f.alice.key])];
    const bytes = (t: string) => [...Buffer.from(t, 'utf8')];
    const needles: Record<string, number[]> = {
      privateExponent: hex('privateExponent'),
      prime1: hex('prime1'),
      pkcs8Tail: pkcs8.slice(-48),
      certificateTail: [...readFileSync(f.alice.cer)].slice(-48), // must be found: the search works
      subject: bytes('Will fail'),
      body: bytes('Do not lose me.'),
      attachment: bytes('attachment that must survive'),
      attachmentBase64: bytes(Buffer.from('attachment that must survive').toString('base64').slice(0, 24)),
    };
    const found = await s.worker.evaluate(async (needles: Record<string, number[]>) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('sello');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const all = (store: string) =>
        new Promise<{ keys: IDBValidKey[]; values: unknown[] }>((resolve, reject) => {
          const os = db.transaction(store).objectStore(store);
          const keys = os.getAllKeys();
          const values = os.getAll();
          values.onsuccess = () => resolve({ keys: keys.result, values: values.result });
          values.onerror = () => reject(values.error);
        });
      const chunks = (v: unknown, out: Uint8Array[] = []): Uint8Array[] => {
        if (v instanceof Uint8Array) out.push(v);
        else if (v instanceof ArrayBuffer) out.push(new Uint8Array(v));
        else if (typeof v === 'string') out.push(new TextEncoder().encode(v));
        else if (Array.isArray(v)) v.forEach((x) => chunks(x, out));
        else if (v && typeof v === 'object' && !(v instanceof CryptoKey))
          Object.values(v).forEach((x) => chunks(x, out));
        return out;
      };
      const has = (hay: Uint8Array, n: number[]) => {
        outer: for (let i = 0; i + n.length <= hay.length; i++) {
          for (let j = 0; j < n.length; j++) if (hay[i + j] !== n[j]) continue outer;
          return true;
        }
        return false;
      };
      const hits = (values: unknown[]) =>
        Object.keys(needles).filter((k) => chunks(values).some((c) => has(c, needles[k]!)));
      const meta = await all('meta');
      const device = meta.values[meta.keys.indexOf('device-key')];
      const identities = await all('identities');
      const drafts = await all('drafts');
      db.close();
      return {
        device:
          device instanceof CryptoKey
            ? { extractable: device.extractable, algorithm: device.algorithm.name, usages: device.usages }
            : null,
        identityCount: identities.values.length,
        protections: identities.values.map((r) => (r as { protection: string }).protection),
        identityHits: hits(identities.values),
        metaHits: hits(meta.values),
        draftCount: drafts.values.length,
        draftFields: drafts.values.map((d) =>
          Object.keys(d as object)
            .sort()
            .join(','),
        ),
        draftHits: hits(drafts.values),
      };
    }, needles);
    expect(found.device).toEqual({
      extractable: false,
      algorithm: 'AES-GCM',
      usages: ['encrypt', 'decrypt'],
    });
    expect(found.identityCount).toBe(1);
    expect(found.protections).toEqual(['device']);
    // The certificate is stored as is; not one run of 32 bytes of the private key is.
    expect(found.identityHits).toEqual(['certificateTail']);
    expect(found.metaHits).toEqual([]);
    expect(found.draftCount).toBeGreaterThan(0);
    expect(new Set(found.draftFields)).toEqual(new Set(['id,savedAt,sealed']));
    expect(found.draftHits).toEqual([]);
  });

  it('sends when Send is partly scrolled out of view (clipped is not covered)', async () => {
    await page.goto(`${s.origin}/frames/compose/index.html`);
    await page.waitForSelector('body[data-ready]');
    await setField('#to', 'dave@example.com');
    await setField('#subject', 'Half in view');
    await page.click('#body');
    await page.type('#body', 'Send is half below the fold.');
    await setChecked('#sign', true);
    await setChecked('#encrypt', false);
    // Make the window end halfway down Send, then click its visible top. First let the layout settle:
    // the recipient's status chip appears asynchronously above Send and moves it.
    await page.waitForFunction(() => (document.querySelector('#to-status')?.textContent ?? '') !== '');
    const settle = () =>
      page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await settle();
    const viewport = page.viewport()!;
    const send = await page.$eval('#send', (b) => {
      window.scrollTo(0, 0);
      const r = b.getBoundingClientRect();
      return { top: r.top, height: r.height, docHeight: document.documentElement.scrollHeight };
    });
    const height = Math.floor(send.top + send.height / 2);
    await page.setViewport({ ...viewport, height });
    await settle();
    const box = await page.$eval('#send', (b) => {
      window.scrollTo(0, 0);
      const r = b.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + 3, bottom: r.bottom };
    });
    expect(box.bottom).toBeGreaterThan(height);
    await page.$eval('#notice', (n) => (n.textContent = ''));
    await page.mouse.click(box.x, box.y);
    await page.waitForFunction(
      () => {
        const t = document.querySelector('#notice')?.textContent ?? '';
        return t !== '' && !t.endsWith('\u2026');
      },
      { timeout: 30_000 },
    );
    const notice = await textOf(page, '#notice');
    await page.setViewport(viewport);
    expect(notice).toBe('Sent, signed.');
  });

  it("starts with a user's own alwaysEncrypt checked but lets them send one message unencrypted", async () => {
    const setAlwaysEncrypt = async (value: boolean | null) => {
      const options = await openPage(s, 'options');
      const r = await send(options, { type: 'settings.set', key: 'alwaysEncrypt', value });
      await options.close();
      expect(r.ok).toBe(true);
    };
    await setAlwaysEncrypt(true);
    try {
      await page.bringToFront();
      await page.goto(`${s.origin}/frames/compose/index.html`);
      await page.waitForSelector('body[data-ready]');
      expect(
        await page.$eval('#encrypt', (c) => [
          (c as HTMLInputElement).checked,
          (c as HTMLInputElement).disabled,
        ]),
      ).toEqual([true, false]);
      await setField('#to', 'dave@example.com'); // no certificate: encrypted, this could not be sent
      await setField('#subject', 'Unencrypted on purpose');
      await page.click('#body');
      await page.type('#body', 'Readable without S/MIME.');
      await setChecked('#sign', true);
      await setChecked('#encrypt', false);
      expect((await sendAndWait()).text).toBe('Sent, signed.');
      const top = server.received.at(-1)!.body.toString('latin1');
      expect(top).toMatch(/multipart\/signed/i);
      expect(top).not.toMatch(/pkcs7-mime/i);
    } finally {
      await setAlwaysEncrypt(null);
      await page.bringToFront();
    }
  });

  it('is accessible (axe)', async () => {
    await page.goto(`${s.origin}/frames/compose/index.html`);
    await page.waitForSelector('body[data-ready]');
    await setField('#to', 'bob@example.com, dave@example.com');
    await setField('#subject', 'Contract draft');
    await page.click('#body');
    await page.type('#body', 'Hi both, the draft is attached. ');
    await page.click('[data-command=bold]');
    await page.type('#body', 'Please reply by Friday.');
    await uploadTo(page, '#attach', write(f, 'contract-draft.pdf', Buffer.alloc(180_000, 7)));
    await page.waitForFunction(() => document.querySelector('#attachments')?.textContent?.includes('ready'));
    await setChecked('#sign', true);
    await setChecked('#encrypt', true);
    await page.waitForFunction(() => document.querySelectorAll('#to-status li[data-state]').length === 2);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'compose');
  });

  it('blocks encryption to a certificate no trusted authority issued, once trust anchors are set', async () => {
    const eveKey = join(f.dir, 'eve.key');
    const eveCert = join(f.dir, 'eve.pem');
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      eveKey,
      '-out',
      eveCert,
      '-days',
      '30',
      '-subj',
      '/CN=Eve',
      '-addext',
      'subjectAltName=email:eve@example.com',
      '-addext',
      'keyUsage=critical,digitalSignature,keyEncipherment',
    ]);
    const options = await openPage(s, 'options');
    await send(options, { type: 'recipients.import', file: b64(eveCert), fileName: 'eve.pem' });
    await send(options, { type: 'trust.import', file: b64(f.caPem), fileName: 'ca.pem' });
    await options.close();
    await page.goto(`${s.origin}/frames/compose/index.html`);
    await page.waitForSelector('body[data-ready]');
    await setField('#to', 'bob@example.com, eve@example.com');
    await page.waitForFunction(() => document.querySelectorAll('#to-status li[data-state]').length === 2);
    const status = await textOf(page, '#to-status');
    expect(status).toContain('bob@example.com: certificate found');
    expect(status).toContain('eve@example.com: certificate not trusted (issued by CN=Eve)');
  });

  it('blocks a recipient whose certificate its CA revoked (CRL fetched from 127.0.0.1)', async () => {
    // Runs after the trust anchor was set above: revocation is checked on a path to an anchor.
    let crl: Buffer = Buffer.alloc(0);
    let crlFetches = 0;
    const crlServer = createServer((_req, res) => {
      crlFetches++;
      res.writeHead(200, { 'Content-Type': 'application/pkix-crl' }).end(crl);
    });
    await new Promise<void>((r) => crlServer.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(crlServer.address() as AddressInfo).port}/ca.crl`;
      const rita = issuePerson(f.dir, f.p12Password, 'rita', 'Rita Revoked', {
        validity: { start: '20250101000000Z', end: '20350101000000Z' },
        crlUrl: url,
      });
      crl = revokeAndMakeCrl(f.dir, 'rita');
      const options = await openPage(s, 'options');
      const imported = await send(options, {
        type: 'recipients.import',
        file: b64(rita.cer),
        fileName: 'rita.cer',
      });
      await options.close();
      expect(imported.ok).toBe(true);
      await page.bringToFront();
      await page.goto(`${s.origin}/frames/compose/index.html`);
      await page.waitForSelector('body[data-ready]');
      await setField('#to', 'rita@example.com');
      await page.waitForFunction(
        () => document.querySelector('#to-status li[data-state]')?.textContent?.startsWith('rita@'),
        { timeout: 20_000 },
      );
      expect(await page.$eval('#to-status li', (li) => li.getAttribute('data-state'))).toBe('revoked');
      expect(await textOf(page, '#to-status')).toBe(
        'rita@example.com: certificate revoked (issued by CN=Sello E2E Root CA, O=Sello Tests)',
      );
      await setChecked('#encrypt', true);
      expect(await textOf(page, '#blockers')).toBe(
        'Encryption is blocked by: rita@example.com (certificate revoked)',
      );
      expect(crlFetches).toBeGreaterThan(0);
    } finally {
      await new Promise((r) => crlServer.close(r));
    }
  });

  it('sends a 6 MB attachment that goes to the worker in slices and arrives byte for byte', async () => {
    await page.bringToFront();
    await page.goto(`${s.origin}/frames/compose/index.html`);
    await page.waitForSelector('body[data-ready]');
    await setField('#to', 'bob@example.com');
    await setField('#subject', 'Big one');
    const payload = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 2654435761) >>> 24;
    await uploadTo(page, '#attach', write(f, 'six.bin', payload));
    await page.waitForFunction(() => document.querySelector('#attachments')?.textContent?.includes('ready'), {
      timeout: 60_000,
    });
    await setChecked('#sign', true);
    await setChecked('#encrypt', true);
    expect((await sendAndWait()).text).toBe('Sent, signed and encrypted.');
    // Past execFileSync's 1 MB output buffer: OpenSSL writes to files.
    const mime = write(f, 'sent-six.eml', server.received.at(-1)!.body);
    const inner = join(f.dir, 'sent-six-inner.eml');
    const plain = join(f.dir, 'sent-six-verified.eml');
    openssl(['cms', '-decrypt', '-in', mime, '-recip', f.bob.cert, '-inkey', f.bob.key, '-out', inner]);
    openssl(['cms', '-verify', '-in', inner, '-CAfile', f.caPem, '-out', plain]);
    const verified = readFileSync(plain).toString('latin1');
    const b64 = /filename="?six\.bin"?[\s\S]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(verified)?.[1] ?? '';
    expect(Buffer.from(b64.replace(/\s/g, ''), 'base64').equals(payload)).toBe(true);
  });

  it('shows a progress bar while a 20 MB attachment is read, before it is ready', async () => {
    await page.goto(`${s.origin}/frames/compose/index.html`);
    await page.waitForSelector('body[data-ready]');
    // Recorded by an observer set up before the file is picked: the bar may be gone by the next poll.
    await page.evaluate(() => {
      const w = window as unknown as { __sawProgress: boolean };
      w.__sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('#attachments progress')) w.__sawProgress = true;
      }).observe(document.querySelector('#attachments')!, { childList: true, subtree: true });
    });
    await uploadTo(page, '#attach', write(f, 'big.bin', Buffer.alloc(20 * 1024 * 1024, 0x5a)));
    await page.waitForFunction(() => document.querySelector('#attachments')?.textContent?.includes('ready'), {
      timeout: 60_000,
    });
    expect(await page.evaluate(() => (window as unknown as { __sawProgress: boolean }).__sawProgress)).toBe(
      true,
    );
    expect(await page.$('#attachments progress')).toBeNull();
    expect(await textOf(page, '#attachments')).toContain('big.bin');
  });

  it('can be filled in and sent with the keyboard alone: Tab from field to field, Enter on Send', async () => {
    await page.bringToFront();
    await page.goto(`${s.origin}/frames/compose/index.html`);
    await page.waitForSelector('body[data-ready]');
    const visited: string[] = [];
    /** Presses Tab until `id` has the focus (at most 12 times), noting every stop on the way. */
    const tabTo = async (id: string) => {
      for (let i = 0; i < 12; i++) {
        await page.keyboard.press('Tab');
        const at = await page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
        visited.push(at ?? '');
        if (at === id) return;
      }
      throw new Error(`Tab never reached #${id}; stops: ${visited.join(' ')}`);
    };
    await tabTo('to');
    await page.keyboard.type('bob@example.com');
    await tabTo('subject');
    await page.keyboard.type('Typed, not clicked');
    await tabTo('body');
    await page.keyboard.type('Sent from the keyboard.');
    await tabTo('sign');
    if (!(await page.$eval('#sign', (c) => (c as HTMLInputElement).checked)))
      await page.keyboard.press('Space');
    await tabTo('encrypt');
    if (!(await page.$eval('#encrypt', (c) => (c as HTMLInputElement).checked)))
      await page.keyboard.press('Space');
    await tabTo('send');
    // The stops come in reading order, and To, Cc, Bcc and Subject are each one Tab apart.
    const order = ['to', 'cc', 'bcc', 'subject', 'body', 'attach', 'sign', 'encrypt', 'send'];
    expect(visited.filter((v) => order.includes(v))).toEqual(order);
    expect(visited.slice(visited.indexOf('to'), visited.indexOf('subject') + 1)).toEqual([
      'to',
      'cc',
      'bcc',
      'subject',
    ]);
    const before = server.received.length;
    await page.$eval('#notice', (n) => (n.textContent = ''));
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      () => {
        const t = document.querySelector('#notice')?.textContent ?? '';
        return t !== '' && !t.endsWith('…');
      },
      { timeout: 30_000 },
    );
    expect(await textOf(page, '#notice')).toBe('Sent, signed and encrypted.');
    expect(server.received).toHaveLength(before + 1);
    const mime = write(f, 'sent-keyboard.eml', server.received.at(-1)!.body);
    const inner = write(
      f,
      'sent-keyboard-inner.eml',
      openssl(['cms', '-decrypt', '-in', mime, '-recip', f.bob.cert, '-inkey', f.bob.key]),
    );
    expect(openssl(['cms', '-verify', '-in', inner, '-CAfile', f.caPem]).toString('latin1')).toContain(
      'Sent from the keyboard.',
    );
  });
});
