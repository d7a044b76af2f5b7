/**
 * The add-in honours the administrator's settings (sello-settings.json) as the extension does, and
 * keeps what it promises about keys at rest, Office.js and inline images: real Chromium against the Outlook host,
 * Graph and Entra stand-ins; every message Sello sends is taken apart with the openssl command line.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpensslCa, type IssuedCertificate } from '../../stand-ins/openssl-ca';
import {
  buildAddin,
  ewsIdOf,
  hostCalls,
  openPane,
  ROOT,
  signInThroughDialog,
  startAddinSession,
  textOf,
  type AddinSession,
} from './harness';
import { composeScenario, importKeys, opensslIn, p12Of, smimeExtensions, waitForSent } from './pane-actions';

let s: AddinSession;
let ca: OpensslCa;
let work: string;
const users: Record<'alice' | 'bob' | 'carol' | 'dave', IssuedCertificate> = {} as never;

const openssl = (args: string[]) => opensslIn(work, args);
const p12For = (name: keyof typeof users) => p12Of(work, ca, users[name], name);

/** A certificate file to import as a recipient (or, with the CA, as a trusted issuer). */
function pemFile(name: string, pem: string): string {
  const path = join(work, `${name}.pem`);
  writeFileSync(path, pem);
  return path;
}

/** Opens a compose pane with Alice's key and the recipients' certificates imported. */
async function composePane(scenario: Record<string, unknown>, recipients: (keyof typeof users)[]) {
  s.setScenario(scenario as never);
  const page = await openPane(s, 'compose');
  await importKeys(
    page,
    p12For('alice'),
    recipients.map((r) => ({ path: pemFile(r, users[r].pem), trust: false })),
  );
  return page;
}

async function sendAndWait(page: Page): Promise<void> {
  await page.click('#send');
  await signInThroughDialog(s, page);
  await waitForSent(page);
}

/** Which of the users' certificates can open this enveloped message (openssl finds a RecipientInfo). */
function openableBy(file: string): string[] {
  return (Object.keys(users) as (keyof typeof users)[]).filter((name) => {
    try {
      openssl([
        'cms',
        '-decrypt',
        '-in',
        file,
        '-recip',
        users[name].certPath,
        '-inkey',
        users[name].keyPath,
      ]);
      return true;
    } catch {
      return false;
    }
  });
}

function keyTransRecipientCount(file: string): number {
  return (
    openssl(['cms', '-cmsout', '-print', '-in', file])
      .toString()
      .match(/d\.ktri:/g) ?? []
  ).length;
}

const SMIME_CAPABILITIES = /S\/MIME Capabilities|smimeCapabilities|1\.2\.840\.113549\.1\.9\.15\b/;
const ENCRYPTION_KEY_PREFERENCE = /encrypKeyPref|1\.2\.840\.113549\.1\.9\.16\.2\.11\b/;

function opensslSignedMessage(name: string, from: string, html: string): Uint8Array {
  writeFileSync(join(work, `${name}.txt`), `Content-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`);
  openssl([
    'cms',
    '-sign',
    '-in',
    `${name}.txt`,
    '-signer',
    users.alice.certPath,
    '-inkey',
    users.alice.keyPath,
    '-out',
    `${name}.eml`,
  ]);
  return Buffer.concat([
    Buffer.from(`From: ${from}\r\nTo: bob@example.test\r\nSubject: ${name}\r\n`),
    readFileSync(join(work, `${name}.eml`)),
  ]);
}

const readScenario = (read: Record<string, unknown>, mailbox = '1.14') => ({
  mode: 'read' as const,
  mailbox,
  displayLanguage: 'en-US',
  user: { emailAddress: 'bob@example.test', displayName: 'Bob' },
  read: { itemClass: 'IPM.Note.SMIME', subject: 'Policy', from: 'alice@example.test', ...read },
});

beforeAll(async () => {
  buildAddin();
  work = mkdtempSync(join(tmpdir(), 'sello-addin-policy-'));
  ca = new OpensslCa('/CN=Sello Add-in Policy CA/O=Sello Tests', work);
  for (const name of ['alice', 'bob', 'carol', 'dave'] as const) {
    users[name] = ca.issue({
      cn: name[0]!.toUpperCase() + name.slice(1),
      email: `${name}@example.test`,
      keyType: 'rsa2048',
      extensions: smimeExtensions(`${name}@example.test`),
    });
  }
  s = await startAddinSession();
}, 180_000);

afterAll(async () => {
  await s?.close();
});

beforeEach(() => {
  s.graph.sent.length = 0;
  s.graph.requests.length = 0;
  s.graph.faults.length = 0;
  s.setManaged({});
});

afterEach(() => {
  // Every Office.js call the pane made is one the host stand-in implements (see office-host.ts).
  expect(s.unsupported).toEqual([]);
});

describe('the add-in honours the administrator settings', () => {
  it('trusts a signer through the trustAnchors in sello-settings.json, which the user never imported', async () => {
    const eml = opensslSignedMessage('anchored', 'alice@example.test', '<p>Signed by the CA</p>');
    const scenario = readScenario({ itemId: 'AAMkAGanchor', eml: Buffer.from(eml).toString('base64') });
    s.setScenario(scenario);
    let page = await openPane(s, 'read');
    await page.waitForSelector('#status-bar li', { timeout: 30_000 });
    expect(await textOf(page, '#status-bar')).toContain('The certificate is not trusted');
    await page.close();

    s.setManaged({ trustAnchors: [ca.cert.pem] });
    page = await openPane(s, 'read');
    await page.waitForSelector('#status-bar li', { timeout: 30_000 });
    const status = await textOf(page, '#status-bar');
    expect(status).toContain('Signed by Alice <alice@example.test>');
    expect(status).toContain('The certificate is trusted (issued by');
    expect(status).not.toContain('not trusted');
    await page.close();
  });

  it('allowSoftCertificates false: refuses to sign (nothing sent, draft kept) and to decrypt', async () => {
    s.setManaged({ allowSoftCertificates: false });
    const page = await composePane(composeScenario(), ['bob']);
    await page.click('#send');
    await page.waitForSelector('#error:not([hidden])');
    const error = await textOf(page, '#error');
    expect(error).toContain('does not allow certificates stored in the browser');
    expect(error).toContain('Your draft is unchanged');
    expect(s.graph.requests).toHaveLength(0);
    await page.close();

    writeFileSync(join(work, 'plain.txt'), 'Content-Type: text/plain\r\n\r\nSecret.\r\n');
    openssl([
      'cms',
      '-encrypt',
      '-aes256',
      '-in',
      'plain.txt',
      '-out',
      'to-bob.eml',
      '-from',
      'alice@example.test',
      '-to',
      'bob@example.test',
      '-subject',
      'Policy',
      users.bob.certPath,
    ]);
    const eml = readFileSync(join(work, 'to-bob.eml'));
    s.setScenario(readScenario({ itemId: 'AAMkAGsoft', eml: eml.toString('base64') }));
    const reader = await openPane(s, 'read');
    await importKeys(reader, p12For('bob'), []);
    await reader.reload();
    await reader.waitForSelector('#error:not([hidden])', { timeout: 30_000 });
    expect(await textOf(reader, '#error')).toContain('does not allow certificates stored in the browser');
    expect(await reader.$$eval('#status-bar li', (l) => l.length)).toBe(0);
    await reader.close();
  });

  it('bccForking per-bcc-recipient: To gets one message, each Bcc recipient their own, and openssl finds no Bcc certificate in the To copy', async () => {
    s.setManaged({ bccForking: 'per-bcc-recipient' });
    const base = composeScenario();
    const page = await composePane(
      { ...base, compose: { ...base.compose, bcc: ['carol@example.test', 'dave@example.test'] } },
      ['bob', 'carol', 'dave'],
    );
    await sendAndWait(page);
    expect(s.graph.sent).toHaveLength(3);
    const [main, carol, dave] = s.graph.sent;
    expect(main!.via).toBe('sendMail');
    expect(carol!.via).toBe('draft-send');
    expect(carol!.draft!.bccRecipients).toEqual(['carol@example.test']);
    expect([...carol!.draft!.toRecipients, ...carol!.draft!.ccRecipients]).toEqual([]);
    expect(dave!.draft!.bccRecipients).toEqual(['dave@example.test']);
    const copies = s.graph.sent.map((sent, i) => {
      const file = join(work, `fork-${i}.eml`);
      writeFileSync(file, sent.mime);
      return file;
    });
    expect(copies.map(keyTransRecipientCount)).toEqual([2, 2, 2]);
    expect(openableBy(copies[0]!)).toEqual(['alice', 'bob']);
    expect(openableBy(copies[1]!)).toEqual(['alice', 'carol']);
    expect(openableBy(copies[2]!)).toEqual(['alice', 'dave']);
    for (const copy of s.graph.sent) expect(Buffer.from(copy.mime).toString('latin1')).not.toMatch(/^bcc:/im);
    await page.close();
  });

  it('bccForking: when a Bcc copy fails after the To copy went out, the pane names who did not get it and keeps the draft', async () => {
    s.setManaged({ bccForking: 'per-bcc-recipient' });
    // The Bcc copy goes through the draft path; creating its draft keeps failing.
    s.graph.injectFault({ kind: 'server-error', method: 'POST', path: /^\/me\/messages$/, times: 20 });
    const base = composeScenario();
    const page = await composePane({ ...base, compose: { ...base.compose, bcc: ['carol@example.test'] } }, [
      'bob',
      'carol',
    ]);
    await page.click('#send');
    await signInThroughDialog(s, page);
    await page.waitForSelector('#error:not([hidden])', { timeout: 60_000 });
    expect(s.graph.sent.map((m) => m.via)).toEqual(['sendMail']);
    const notice = await textOf(page, '#notice');
    expect(notice).toContain('Sent to some recipients only: carol@example.test did not get the message');
    expect(notice).not.toContain('Nothing was sent');
    expect(await textOf(page, '#error')).toContain('server error');
    expect((await hostCalls(page)).map((c) => c.method)).not.toContain('closeAsync');
    expect(await page.$eval('#send', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await page.close();
  }, 90_000);

  it('bccForking no-forking: one message whose RecipientInfos name every Bcc recipient too', async () => {
    s.setManaged({ bccForking: 'no-forking' });
    const base = composeScenario();
    const page = await composePane({ ...base, compose: { ...base.compose, bcc: ['carol@example.test'] } }, [
      'bob',
      'carol',
    ]);
    await sendAndWait(page);
    expect(s.graph.sent).toHaveLength(1);
    const file = join(work, 'no-fork.eml');
    writeFileSync(file, s.graph.sent[0]!.mime);
    expect(openableBy(file)).toEqual(['alice', 'bob', 'carol']);
    expect(s.graph.sent[0]!.draft!.bccRecipients).toEqual(['carol@example.test']);
    await page.close();
  });

  it('signs with SMIMECapabilities and the encryption key preference by default (openssl cms -cmsout -print)', async () => {
    const page = await composePane(composeScenario(), ['bob']);
    await page.click('#opt-encrypt');
    await sendAndWait(page);
    const file = join(work, 'default-signed.eml');
    writeFileSync(file, s.graph.sent[0]!.mime);
    expect(openssl(['cms', '-verify', '-in', file, '-CAfile', ca.cert.certPath]).toString()).toContain(
      'confidential',
    );
    const printed = openssl(['cms', '-cmsout', '-print', '-in', file]).toString();
    expect(printed).toMatch(SMIME_CAPABILITIES);
    expect(printed).toMatch(ENCRYPTION_KEY_PREFERENCE);
    await page.close();
  });

  it('tripleWrap signs around the encryption; includeSmimeCapabilities and includeEncryptionCertificate false leave those attributes out', async () => {
    s.setManaged({ tripleWrap: true, includeSmimeCapabilities: false, includeEncryptionCertificate: false });
    const page = await composePane(composeScenario(), ['bob']);
    await sendAndWait(page);
    writeFileSync(join(work, 'triple.eml'), s.graph.sent[0]!.mime);
    // Outer signature -> envelope -> inner signature -> the message (RFC 2634 triple wrapping).
    const enveloped = openssl(['cms', '-verify', '-in', 'triple.eml', '-CAfile', ca.cert.certPath]);
    expect(enveloped.toString('latin1')).toMatch(/smime-type="?enveloped-data/i);
    writeFileSync(join(work, 'triple-enveloped.eml'), enveloped);
    const inner = openssl([
      'cms',
      '-decrypt',
      '-in',
      'triple-enveloped.eml',
      '-recip',
      users.bob.certPath,
      '-inkey',
      users.bob.keyPath,
    ]);
    writeFileSync(join(work, 'triple-inner.eml'), inner);
    expect(
      openssl(['cms', '-verify', '-in', 'triple-inner.eml', '-CAfile', ca.cert.certPath]).toString(),
    ).toContain('confidential');
    for (const layer of ['triple.eml', 'triple-inner.eml']) {
      const printed = openssl(['cms', '-cmsout', '-print', '-in', layer]).toString();
      expect(printed).toContain('signerInfos');
      expect(printed).not.toMatch(SMIME_CAPABILITIES);
      expect(printed).not.toMatch(ENCRYPTION_KEY_PREFERENCE);
    }
    await page.close();
  });
});

describe('the add-in keeps keys sealed and Office.js local', () => {
  it('stores identities in IndexedDB sello-addin with the private key sealed under a non-extractable device key', async () => {
    const page = await composePane(composeScenario(), []);
    const stored = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open('sello-addin');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const get = <T>(store: string, query: IDBValidKey | null) =>
        new Promise<T>((resolve, reject) => {
          const tx = db.transaction(store).objectStore(store);
          const r = query === null ? tx.getAll() : tx.get(query);
          r.onsuccess = () => resolve(r.result as T);
          r.onerror = () => reject(r.error);
        });
      const identities = await get<{ privateKey: { iv: Uint8Array; data: Uint8Array } }[]>(
        'identities',
        null,
      );
      const key = await get<CryptoKey>('meta', 'device-key');
      const exported = await crypto.subtle.exportKey('raw', key).then(
        () => 'exported',
        (e: unknown) => (e as Error).name,
      );
      return {
        sealed: identities.map((i) => ({
          iv: Array.from(i.privateKey.iv),
          data: Array.from(i.privateKey.data),
          kinds: [i.privateKey.data instanceof Uint8Array, i.privateKey.iv.length],
        })),
        key: { type: key.type, extractable: key.extractable, algorithm: key.algorithm.name, exported },
      };
    });
    expect(stored.key).toEqual({
      type: 'secret',
      extractable: false,
      algorithm: 'AES-GCM',
      exported: 'InvalidAccessError',
    });
    // Alice's identity, and Bob's from the earlier test in this origin.
    expect(stored.sealed).toHaveLength(2);
    const pkcs8s = (['alice', 'bob'] as const).map((u) =>
      openssl(['pkcs8', '-topk8', '-nocrypt', '-in', users[u].keyPath, '-outform', 'DER']),
    );
    for (const record of stored.sealed) {
      const sealed = Buffer.from(record.data);
      expect(record.kinds).toEqual([true, 12]);
      // AES-GCM: ciphertext + 16-byte tag, and not one 16-byte run of either PKCS#8 in it.
      expect(pkcs8s.map((k) => k.length + 16)).toContain(sealed.length);
      for (const pkcs8 of pkcs8s) {
        for (let i = 0; i + 16 <= pkcs8.length; i += 8) {
          expect(sealed.includes(pkcs8.subarray(i, i + 16))).toBe(false);
        }
      }
    }
    await page.close();
  });

  it('serves Office.js from @microsoft/office-js byte for byte, and no built page loads it from the CDN', () => {
    const dist = join(ROOT, 'addin/dist');
    const official = join(ROOT, 'node_modules/@microsoft/office-js/dist');
    const outlook = readdirSync(join(dist, 'office-js')).filter((n) => /^outlook.*\.js$/.test(n));
    expect(outlook.length).toBeGreaterThan(0);
    for (const name of ['office.js', ...outlook]) {
      expect(readFileSync(join(dist, 'office-js', name)).equals(readFileSync(join(official, name)))).toBe(
        true,
      );
    }
    const html = readdirSync(dist).filter((n) => n.endsWith('.html'));
    expect(html.sort()).toEqual(['auth-dialog.html', 'commands.html', 'taskpane.html']);
    for (const name of html) {
      const text = readFileSync(join(dist, name), 'utf8');
      expect(text).toContain('<script src="office-js/office.js"></script>');
      expect(text).not.toMatch(/appsforoffice\.microsoft\.com|https?:\/\/[^"']*office\.js/);
    }
    for (const name of readdirSync(join(dist, 'assets'))) {
      expect(readFileSync(join(dist, 'assets', name), 'utf8')).not.toContain('appsforoffice.microsoft.com');
    }
  });

  it('recovers a "Restricted Item": the host hands over a stub, the mailbox copy through Graph opens', async () => {
    const eml = opensslSignedMessage('restricted', 'alice@example.test', '<p>The real content</p>');
    const id = s.graph.addMessage(eml, 'Restricted Item');
    const stub = 'From: alice@example.test\r\nSubject: Restricted Item\r\n\r\nThis item is restricted.\r\n';
    s.setManaged({ trustAnchors: [ca.cert.pem] });
    s.setScenario(
      readScenario({
        itemId: ewsIdOf(id),
        subject: 'Restricted Item',
        eml: Buffer.from(stub).toString('base64'),
      }),
    );
    const page = await openPane(s, 'read');
    await signInThroughDialog(s, page);
    await page.waitForSelector('#status-bar li', { timeout: 30_000 });
    expect(await textOf(page, '#notice')).toContain('Sello fetched it from the mailbox instead');
    expect(await textOf(page, '#status-bar')).toContain('Signed by Alice <alice@example.test>');
    const frame = page.frames().find((f) => f.parentFrame() === page.mainFrame())!;
    expect(await frame.$eval('body', (b) => b.textContent)).toContain('The real content');
    expect(s.graph.requests.some((r) => r.path.endsWith('/$value') && r.status === 200)).toBe(true);
    await page.close();
  });
});

describe('compose: inline images keep their Content-ID', () => {
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  );

  it.each([
    [
      'the host reports contentId (Outlook on the web)',
      'logo.png@01DA2B3C',
      { contentId: 'logo.png@01DA2B3C' },
    ],
    ['the host has no contentId (classic Outlook): taken from the body', 'logo.png@01DA2B3C', {}],
  ])('%s: the image goes inline in multipart/related, which openssl verifies', async (_, cid, extra) => {
    const base = composeScenario();
    const page = await composePane(
      {
        ...base,
        compose: {
          ...base.compose,
          html: `<p>Our logo: <img src="cid:${cid}" alt="logo"></p>`,
          attachments: [
            ...base.compose.attachments,
            { id: 'img1', name: 'logo.png', base64: png.toString('base64'), isInline: true, ...extra },
          ],
        },
      },
      [],
    );
    await page.click('#opt-encrypt');
    await sendAndWait(page);
    writeFileSync(join(work, 'inline.eml'), s.graph.sent[0]!.mime);
    const content = openssl(['cms', '-verify', '-in', 'inline.eml', '-CAfile', ca.cert.certPath]).toString(
      'latin1',
    );
    expect(content).toMatch(/multipart\/related;[^\r\n]*\btype="?text\/html/i);
    const image = /Content-Type: image\/png[^]*?\r\n\r\n/i.exec(content)?.[0] ?? '';
    expect(image).toContain(`Content-ID: <${cid}>`);
    expect(image).toMatch(/Content-Disposition: inline/i);
    expect(content).toContain(`src="cid:${cid}"`);
    // The ordinary attachment stays one.
    expect(content).toMatch(/Content-Disposition: attachment;[^\r\n]*figures\.csv/i);
    await page.close();
  });
});
