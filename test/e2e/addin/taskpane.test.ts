/**
 * The Outlook add-in's task pane in real Chromium against the Outlook host stand-in and the Graph and
 * Entra stand-ins; messages made and checked with the openssl command line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxePuppeteer } from '@axe-core/puppeteer';
import type { ElementHandle, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OpensslCa, type IssuedCertificate } from '../../stand-ins/openssl-ca';
import {
  buildAddin,
  ewsIdOf,
  hostCalls,
  openPane,
  signInThroughDialog,
  startAddinSession,
  textOf,
  type AddinSession,
} from './harness';
import { composeScenario, importKeys, opensslIn, P12_PASSWORD, p12Of, smimeExtensions } from './pane-actions';

let s: AddinSession;
let ca: OpensslCa;
let alice: IssuedCertificate;
let bob: IssuedCertificate;
let work: string;

function openssl(args: string[], input?: Uint8Array | string): Buffer {
  return opensslIn(work, args, input);
}

const p12For = (cert: IssuedCertificate, name: string) => p12Of(work, ca, cert, name);

beforeAll(async () => {
  buildAddin();
  work = mkdtempSync(join(tmpdir(), 'sello-addin-e2e-'));
  ca = new OpensslCa('/CN=Sello Add-in Test CA/O=Sello Tests', work);
  alice = ca.issue({
    cn: 'Alice',
    email: 'alice@example.test',
    keyType: 'rsa2048',
    extensions: smimeExtensions('alice@example.test'),
  });
  bob = ca.issue({
    cn: 'Bob',
    email: 'bob@example.test',
    keyType: 'rsa2048',
    extensions: smimeExtensions('bob@example.test'),
  });
  s = await startAddinSession();
}, 180_000);

afterAll(async () => {
  await s?.close();
});

afterEach(() => {
  // Every Office.js call the pane made is one the host stand-in implements (see office-host.ts).
  expect(s.unsupported).toEqual([]);
});

beforeEach(() => {
  s.graph.sent.length = 0;
  s.graph.requests.length = 0;
  s.graph.faults.length = 0;
  s.setManaged({});
});

describe('add-in task pane (compose) with the Outlook host stand-in', () => {
  it('keeps the draft and explains when Outlook fails to hand over an attachment', async () => {
    s.setScenario(
      composeScenario({
        failures: {
          getAttachmentContentAsync: {
            name: 'GenericResponseError',
            message: 'An internal error has occurred.',
            code: 9020,
          },
        },
      }),
    );
    const page = await openPane(s, 'compose');
    await page.click('#send');
    await page.waitForSelector('#error:not([hidden])');
    const error = await textOf(page, '#error');
    expect(error).toContain('Outlook reported a problem (GenericResponseError)');
    expect(error).toContain('Your draft is unchanged');
    const calls = (await hostCalls(page)).map((c) => c.method);
    expect(calls).toContain('getAttachmentContentAsync');
    expect(calls).not.toContain('closeAsync');
    expect(s.graph.requests).toHaveLength(0);
    expect(await page.$eval('#send', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    await page.close();
  });

  it('signs and encrypts a draft, sends it through Graph as MIME that openssl cms decrypts and verifies, then discards the draft', async () => {
    s.setScenario(composeScenario());
    const page = await openPane(s, 'compose');
    const bobCert = join(work, 'bob.pem');
    writeFileSync(bobCert, bob.pem);
    await importKeys(page, p12For(alice, 'alice'), [{ path: bobCert, trust: false }]);
    await page.click('#send');
    await signInThroughDialog(s, page);
    await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Sent'), {
      timeout: 30_000,
    });
    expect(s.graph.sent).toHaveLength(1);
    const sent = s.graph.sent[0]!;
    expect(sent.via).toBe('sendMail');
    writeFileSync(join(work, 'sent.eml'), sent.mime);
    const signed = openssl([
      'cms',
      '-decrypt',
      '-in',
      'sent.eml',
      '-recip',
      bob.certPath,
      '-inkey',
      bob.keyPath,
    ]);
    writeFileSync(join(work, 'signed.eml'), signed);
    const content = openssl(['cms', '-verify', '-in', 'signed.eml', '-CAfile', ca.cert.certPath]).toString();
    expect(content).toContain('confidential');
    expect(content).toContain('figures.csv');
    const close = (await hostCalls(page)).find((c) => c.method === 'closeAsync');
    expect(close?.args[0]).toEqual({ discardItem: true });
    await page.close();
  });

  it('keeps the draft and says so when Graph keeps failing with 500', async () => {
    s.setScenario(composeScenario());
    s.graph.injectFault({ kind: 'server-error', path: /sendMail/, times: 10 });
    const page = await openPane(s, 'compose');
    const bobCert = join(work, 'bob.pem');
    writeFileSync(bobCert, bob.pem);
    await importKeys(page, p12For(alice, 'alice'), [{ path: bobCert, trust: false }]);
    await page.click('#send');
    // Tokens live in the pane's memory only: a new pane signs in again.
    await signInThroughDialog(s, page);
    await page.waitForSelector('#error:not([hidden])', { timeout: 40_000 });
    const error = await textOf(page, '#error');
    expect(error).toContain('server error');
    expect(error).toContain('Your draft is unchanged');
    expect((await hostCalls(page)).map((c) => c.method)).not.toContain('closeAsync');
    expect(s.graph.sent).toHaveLength(0);
    await page.close();
  }, 60_000);
});

describe('add-in task pane (compose): paths and host versions', () => {
  async function readyToSend(page: Page): Promise<void> {
    const bobCert = join(work, 'bob.pem');
    writeFileSync(bobCert, bob.pem);
    await importKeys(page, p12For(alice, 'alice'), [{ path: bobCert, trust: false }]);
  }

  it('sends a message over 3 MB as an IPM.Note.SMIME draft with smime.p7m uploaded in chunks, which openssl cms opens', async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 300 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7919) & 0xff;
    const base = composeScenario();
    s.setScenario({
      ...base,
      compose: {
        ...base.compose,
        attachments: [{ id: 'big1', name: 'scan.bin', base64: big.toString('base64'), isInline: false }],
      },
    });
    const page = await openPane(s, 'compose');
    await readyToSend(page);
    await page.click('#send');
    await signInThroughDialog(s, page);
    await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Sent'), {
      timeout: 60_000,
    });
    const sent = s.graph.sent[0]!;
    expect(sent.via).toBe('draft-send');
    expect(sent.messageClass).toBe('IPM.Note.SMIME');
    expect(sent.draft!.extendedProperties).toEqual([{ id: 'String 0x001A', value: 'IPM.Note.SMIME' }]);
    const puts = s.graph.requests.filter((r) => r.method === 'PUT');
    expect(puts.length).toBeGreaterThan(1);
    expect(puts.at(-1)!.status).toBe(201);
    expect(await page.$eval('#progress', (p) => (p as HTMLProgressElement).value)).toBe(100);
    writeFileSync(join(work, 'large.eml'), sent.mime);
    const signed = openssl([
      'cms',
      '-decrypt',
      '-in',
      'large.eml',
      '-recip',
      bob.certPath,
      '-inkey',
      bob.keyPath,
    ]);
    writeFileSync(join(work, 'large-signed.eml'), signed);
    const content = openssl(['cms', '-verify', '-in', 'large-signed.eml', '-CAfile', ca.cert.certPath]);
    expect(content.includes(big.subarray(0, 57).toString('base64'))).toBe(true);
    await page.close();
  }, 120_000);

  it('sends the Bcc copy (bccForking default: one per Bcc recipient) through the draft path, with no Bcc header inside', async () => {
    const base = composeScenario();
    s.setScenario({ ...base, compose: { ...base.compose, bcc: ['alice@example.test'] } });
    const page = await openPane(s, 'compose');
    await readyToSend(page);
    await page.click('#send');
    await signInThroughDialog(s, page);
    await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Sent'), {
      timeout: 30_000,
    });
    expect(s.graph.sent.map((m) => m.via)).toEqual(['sendMail', 'draft-send']);
    const bccCopy = s.graph.sent[1]!;
    expect(bccCopy.draft!.bccRecipients).toEqual(['alice@example.test']);
    expect(bccCopy.draft!.toRecipients).toEqual([]);
    for (const m of s.graph.sent) expect(Buffer.from(m.mime).toString('latin1')).not.toMatch(/^bcc:/im);
    await page.close();
  });

  it('explains a refused sign-in, keeps the draft, and sends after signing in again', async () => {
    s.setScenario(composeScenario());
    const page = await openPane(s, 'compose');
    await readyToSend(page);
    const required = s.entra.options.requiredScopes;
    required.push('Mail.ReadWrite.Shared');
    try {
      await page.click('#send');
      await page.waitForSelector('#signin:not([hidden])');
      await page.click('#signin-button');
      await page.waitForSelector('#error:not([hidden])', { timeout: 20_000 });
      const error = await textOf(page, '#error');
      expect(error).toContain('AADSTS70011');
      expect(error).toContain('Your draft is unchanged');
    } finally {
      required.pop();
    }
    await signInThroughDialog(s, page);
    await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Sent'), {
      timeout: 30_000,
    });
    expect(s.graph.sent).toHaveLength(1);
    await page.close();
  });

  it('refreshes an expired access token through the Entra stand-in and still sends', async () => {
    s.setScenario(composeScenario());
    s.graph.injectFault({ kind: 'expired-token', path: /sendMail/, times: 1 });
    const page = await openPane(s, 'compose');
    await readyToSend(page);
    await page.click('#send');
    await signInThroughDialog(s, page);
    await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Sent'), {
      timeout: 30_000,
    });
    expect(s.entra.requests.at(-1)!.params.grant_type).toBe('refresh_token');
    expect(s.graph.requests.filter((r) => r.path.endsWith('/sendMail')).map((r) => r.status)).toEqual([
      401, 202,
    ]);
    await page.close();
  });

  it('locks Sign and Encrypt on under the administrator policy, says why, and passes an axe check', async () => {
    s.setScenario(composeScenario());
    s.setManaged({ alwaysSign: true, alwaysEncrypt: true });
    const page = await openPane(s, 'compose');
    for (const id of ['#opt-sign', '#opt-encrypt']) {
      expect(
        await page.$eval(id, (i) => [(i as HTMLInputElement).checked, (i as HTMLInputElement).disabled]),
      ).toEqual([true, true]);
    }
    expect(await textOf(page, '#policy-note')).toBe(
      'Your organisation requires messages to be signed or encrypted.',
    );
    const axe = await new AxePuppeteer(page as never).analyze();
    expect(
      axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
    await page.close();
  });

  it('names a recipient without a certificate, sends nothing and keeps the draft', async () => {
    const base = composeScenario();
    s.setScenario({ ...base, compose: { ...base.compose, to: ['bob@example.test', 'carol@example.test'] } });
    const page = await openPane(s, 'compose');
    await readyToSend(page);
    await page.click('#send');
    await page.waitForSelector('#error:not([hidden])');
    expect(await textOf(page, '#error')).toBe(
      'No certificate for carol@example.test: import it under Keys before encrypting. Nothing was sent. Your draft is unchanged in Outlook.',
    );
    expect(s.graph.requests).toHaveLength(0);
    expect((await hostCalls(page)).map((c) => c.method)).not.toContain('closeAsync');
    await page.close();
  });

  it('on a Mailbox 1.8 host, which cannot close the draft, says the message was sent and the draft must be deleted', async () => {
    s.setScenario(composeScenario({ mailbox: '1.8' }));
    const page = await openPane(s, 'compose');
    await readyToSend(page);
    await page.click('#send');
    await signInThroughDialog(s, page);
    await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Sent'), {
      timeout: 30_000,
    });
    expect(await textOf(page, '#notice')).toContain('delete it yourself');
    const calls = (await hostCalls(page)).map((c) => c.method);
    expect(calls).not.toContain('closeAsync');
    expect(s.graph.sent).toHaveLength(1);
    await page.close();
  });
});

describe('add-in task pane (read) with the Outlook host stand-in', () => {
  function opensslMessage(): Uint8Array {
    const inner = [
      'Content-Type: text/html; charset=utf-8',
      '',
      '<p>Meet at <b>noon</b> by the fountain.</p><img src="https://tracker.example/pixel.gif" alt="x"><script>alert(1)</script>',
      '',
    ].join('\r\n');
    writeFileSync(join(work, 'inner.txt'), inner);
    openssl([
      'cms',
      '-sign',
      '-in',
      'inner.txt',
      '-signer',
      alice.certPath,
      '-inkey',
      alice.keyPath,
      '-md',
      'sha256',
      '-out',
      'signed-in.eml',
    ]);
    openssl([
      'cms',
      '-encrypt',
      '-aes256',
      '-in',
      'signed-in.eml',
      '-out',
      'encrypted.eml',
      '-from',
      'alice@example.test',
      '-to',
      'bob@example.test',
      '-subject',
      'Lunch',
      bob.certPath,
    ]);
    return new Uint8Array(readFileSync(join(work, 'encrypted.eml')));
  }

  it('shows an OpenSSL-made signed and encrypted message, sanitised, with the status bar', async () => {
    const id = s.graph.addMessage(opensslMessage(), 'Lunch');
    s.setScenario({
      mode: 'read',
      mailbox: '1.8',
      displayLanguage: 'en-US',
      user: { emailAddress: 'bob@example.test', displayName: 'Bob' },
      read: {
        itemId: ewsIdOf(id),
        itemClass: 'IPM.Note.SMIME',
        subject: 'Lunch',
        from: 'alice@example.test',
      },
    });
    const page = await openPane(s, 'read');
    const caPath = join(work, 'ca.pem');
    writeFileSync(caPath, ca.cert.pem);
    await importKeys(page, p12For(bob, 'bob'), [{ path: caPath, trust: true }]);
    await signInThroughDialog(s, page);
    await page.waitForSelector('#status-bar li', { timeout: 30_000 });
    const status = await textOf(page, '#status-bar');
    expect(status).toContain('Signed by Alice <alice@example.test>');
    expect(status).toContain('The certificate is trusted (issued by');
    expect(status).toContain('The sender alice@example.test matches the certificate');
    expect(status).toContain('Encrypted (AES-256-CBC');
    const frame = page.frames().find((f) => f.parentFrame() === page.mainFrame())!;
    const body = await frame.$eval('body', (b) => b.innerHTML);
    expect(body).toContain('Meet at <b>noon</b>');
    expect(body).not.toContain('tracker.example');
    expect(body).not.toContain('<script');
    expect(await page.$eval('#remote-note', (n) => (n as HTMLElement).hidden)).toBe(false);
    expect(s.graph.requests.some((r) => r.path.endsWith('/$value') && r.status === 200)).toBe(true);
    await page.close();
  });

  it('reads through getAsFileAsync on Mailbox 1.14 without Graph, in Spanish, and passes an axe check', async () => {
    const eml = opensslMessage();
    s.setScenario({
      mode: 'read',
      mailbox: '1.14',
      displayLanguage: 'es-ES',
      user: { emailAddress: 'bob@example.test', displayName: 'Bob' },
      read: {
        itemId: 'AAMkAGhost/only+item=',
        itemClass: 'IPM.Note.SMIME',
        subject: 'Lunch',
        from: 'alice@example.test',
        eml: Buffer.from(eml).toString('base64'),
      },
    });
    const page = await openPane(s, 'read');
    // Import Bob's key here so the test stands alone; the first load could not open the message yet.
    const caPath = join(work, 'ca.pem');
    writeFileSync(caPath, ca.cert.pem);
    await page.click('#keys summary');
    await ((await page.$('#p12-file')) as ElementHandle<HTMLInputElement>).uploadFile(p12For(bob, 'bob'));
    await page.type('#p12-password', P12_PASSWORD);
    await page.click('#p12-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Importado'));
    await page.reload();
    await page.waitForSelector('#status-bar li', { timeout: 30_000 });
    expect(await page.$eval('html', (h) => h.lang)).toBe('es');
    const status = await textOf(page, '#status-bar');
    expect(status).toContain('Firmado por Alice <alice@example.test>');
    expect(status).toContain('Cifrado (AES-256-CBC');
    expect(s.graph.requests).toHaveLength(0);
    expect((await hostCalls(page)).map((c) => c.method)).toContain('getAsFileAsync');
    const axe = await new AxePuppeteer(page as never).exclude('#content').analyze();
    expect(
      axe.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
    await page.close();
  });

  it('offers the attachments of an opened message for download, byte for byte', async () => {
    const inner = [
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'See the attachment.',
      '--b1',
      'Content-Type: application/octet-stream; name="data.bin"',
      'Content-Disposition: attachment; filename="data.bin"',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from([0, 1, 2, 250, 251, 252]).toString('base64'),
      '--b1--',
      '',
    ].join('\r\n');
    writeFileSync(join(work, 'inner-att.txt'), inner);
    openssl([
      'cms',
      '-sign',
      '-in',
      'inner-att.txt',
      '-signer',
      alice.certPath,
      '-inkey',
      alice.keyPath,
      '-out',
      'att-signed.eml',
    ]);
    const eml = Buffer.concat([
      Buffer.from('From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Data\r\n'),
      readFileSync(join(work, 'att-signed.eml')),
    ]);
    s.setScenario({
      mode: 'read',
      mailbox: '1.14',
      displayLanguage: 'en-US',
      user: { emailAddress: 'bob@example.test', displayName: 'Bob' },
      read: {
        itemId: 'AAMkAGatt',
        itemClass: 'IPM.Note.SMIME.MultipartSigned',
        subject: 'Data',
        from: 'alice@example.test',
        eml: eml.toString('base64'),
      },
    });
    const page = await openPane(s, 'read');
    await page.waitForSelector('#attachments a', { timeout: 30_000 });
    expect(await textOf(page, '#attachments')).toBe('data.bin');
    // The pane's CSP rightly allows no fetch of blob: URLs; read the download link from a CSP-free copy.
    await page.setBypassCSP(true);
    await page.reload();
    await page.waitForSelector('#attachments a', { timeout: 30_000 });
    const bytes = await page.$eval('#attachments a', async (a) =>
      Array.from(new Uint8Array(await (await fetch((a as HTMLAnchorElement).href)).arrayBuffer())),
    );
    expect(bytes).toEqual([0, 1, 2, 250, 251, 252]);
    expect(await textOf(page, '#status-bar')).toContain('Not encrypted.');
    await page.close();
  });

  it('explains a "Restricted Item" when neither Outlook nor the mailbox gives the S/MIME content', async () => {
    const stub = new TextEncoder().encode(
      'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: Restricted Item\r\n\r\nThis item is restricted.\r\n',
    );
    const id = s.graph.addMessage(stub, 'Restricted Item');
    s.setScenario({
      mode: 'read',
      mailbox: '1.14',
      displayLanguage: 'en-US',
      user: { emailAddress: 'bob@example.test', displayName: 'Bob' },
      read: {
        itemId: id,
        itemClass: 'IPM.Note.SMIME',
        subject: 'Restricted Item',
        from: 'alice@example.test',
        eml: Buffer.from(stub).toString('base64'),
      },
    });
    const page = await openPane(s, 'read');
    await signInThroughDialog(s, page);
    await page.waitForFunction(
      () => document.getElementById('notice')?.textContent?.includes('Restricted Item'),
      {
        timeout: 20_000,
      },
    );
    expect(await textOf(page, '#notice')).toContain('Open it in Outlook on the web with Sello');
    const calls = (await hostCalls(page)).map((c) => c.method);
    expect(calls).toContain('getAsFileAsync');
    expect(calls).toContain('convertToRestId');
    await page.close();
  });
});

describe('add-in event runtime (commands.html) with the Outlook host stand-in', () => {
  it('registers onMessageSendHandler from the built launch-event.js and blocks a plain send under policy', async () => {
    s.setScenario(composeScenario());
    s.setManaged({ alwaysSign: true });
    const page = await s.browser.newPage();
    await page.goto(`${s.server.url}commands.html`);
    await page.waitForFunction(
      () =>
        'onMessageSendHandler' in
        ((window as unknown as { __officeHostActions?: object }).__officeHostActions ?? {}),
    );
    const completed = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const actions = (window as unknown as { __officeHostActions: Record<string, (e: unknown) => void> })
            .__officeHostActions;
          actions.onMessageSendHandler!({ completed: resolve });
        }),
    );
    expect(completed).toEqual({
      allowEvent: false,
      errorMessage:
        'Your organisation requires every message to be signed. Send this message with Sello instead.',
      cancelLabel: 'Open Sello',
      commandId: 'selloComposeOpenPane',
    });
    await page.close();
  });
});
