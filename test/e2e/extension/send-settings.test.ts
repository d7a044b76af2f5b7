/**
 * Send settings through the real service worker (compose-jobs): bccForking splits encrypted mail so a
 * Bcc recipient is not revealed, tripleWrap signs around the encryption. What reached the 127.0.0.1
 * stand-in is checked with OpenSSL.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeFixtures, openssl, signedMessage, write, type Fixtures } from './fixtures';
import { pemDecodeAll } from '../../../shared/bytes';
import { createDirectoryGateway } from '../../../shared/directory/gateway/http-gateway';
import { DIST, close, launch, openPage, send, type Session, unpackedExtensionId, uploadTo } from './harness';
import { startTransportStandIn, type TransportStandIn } from './local-transport-stand-in';

let s: Session;
let f: Fixtures;
let server: TransportStandIn;
let options: Page;
let compose: Page;
let n = 0;

const b64 = (path: string) => readFileSync(path).toString('base64');

async function setting(key: string, value: unknown): Promise<void> {
  const r = await send(options, { type: 'settings.set', key, value });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
}

async function sendDraft(draft: { to: string[]; bcc: string[]; sign: boolean }) {
  return send<{ bytes: number }>(compose, {
    type: 'compose.send',
    draftId: `settings${++n}`.padEnd(24, '0'),
    draft: {
      to: draft.to,
      cc: [],
      bcc: draft.bcc,
      subject: 'Settings',
      html: '<p>Hello.</p>',
      text: 'Hello.',
      sign: draft.sign,
      encrypt: true,
      attachments: [],
    },
  });
}

function canDecrypt(body: Buffer, who: 'alice' | 'bob' | 'carol'): boolean {
  const p = f[who];
  try {
    openssl(['cms', '-decrypt', '-in', write(f, `try-${++n}.eml`, body), '-recip', p.cert, '-inkey', p.key]);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  f = makeFixtures();
  server = await startTransportStandIn();
  s = await launch();
  options = await openPage(s, 'options');
  const imported = await send(options, {
    type: 'identities.import-pkcs12',
    file: b64(f.alice.p12),
    password: f.p12Password,
  });
  if (!imported.ok) throw new Error(`import failed: ${JSON.stringify(imported.error)}`);
  await send(options, { type: 'recipients.import', file: b64(f.bob.cer), fileName: 'bob.cer' });
  await send(options, { type: 'recipients.import', file: b64(f.carol.cer), fileName: 'carol.cer' });
  await send(options, { type: 'transport.set', url: server.url });
  compose = await openPage(s, 'compose');
});

beforeEach(() => {
  server.received.length = 0;
});

afterAll(async () => {
  await close(s);
  await server.close();
});

describe('send settings in the service worker', () => {
  it('bccForking per-bcc-recipient: the To copy cannot be opened by the Bcc recipient, who gets their own', async () => {
    await setting('bccForking', 'per-bcc-recipient');
    const r = await sendDraft({ to: ['bob@example.com'], bcc: ['carol@example.com'], sign: false });
    expect(r.ok).toBe(true);
    expect(server.received.map((m) => m.headers['x-sello-rcpt-to'])).toEqual([
      'bob@example.com',
      'carol@example.com',
    ]);
    const [toCopy, bccCopy] = server.received.map((m) => m.body);
    expect([canDecrypt(toCopy!, 'bob'), canDecrypt(toCopy!, 'carol'), canDecrypt(toCopy!, 'alice')]).toEqual([
      true,
      false,
      true,
    ]);
    expect([canDecrypt(bccCopy!, 'bob'), canDecrypt(bccCopy!, 'carol')]).toEqual([false, true]);
  });

  it('bccForking no-forking: one message that every recipient, Bcc included, can open', async () => {
    await setting('bccForking', 'no-forking');
    const r = await sendDraft({ to: ['bob@example.com'], bcc: ['carol@example.com'], sign: false });
    expect(r.ok).toBe(true);
    expect(server.received).toHaveLength(1);
    expect(canDecrypt(server.received[0]!.body, 'carol')).toBe(true);
    await setting('bccForking', null);
  });

  it('tripleWrap: the message sent is signed outside the encryption, and OpenSSL verifies it', async () => {
    await setting('tripleWrap', true);
    const r = await sendDraft({ to: ['bob@example.com'], bcc: [], sign: true });
    expect(r.ok).toBe(true);
    const body = server.received[0]!.body;
    const top = body.toString('latin1').split(/\r?\n\r?\n/)[0]!;
    expect(top).toMatch(/multipart\/signed/i);
    const outer = openssl(['cms', '-verify', '-in', write(f, 'outer.eml', body), '-CAfile', f.caPem]);
    expect(outer.toString('latin1')).toMatch(/application\/(x-)?pkcs7-mime/i);
    await setting('tripleWrap', null);
  });

  it('allowSoftCertificates false: a key imported before the policy no longer signs', async () => {
    await setting('allowSoftCertificates', false);
    const r = await sendDraft({ to: ['bob@example.com'], bcc: [], sign: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'keystore.soft-certificates-disabled' } });
    expect(server.received).toHaveLength(0);
    await setting('allowSoftCertificates', null);
  });

  it('directoryGatewayUrl: a recipient unknown to the address book is found through `sello directory serve`', async () => {
    const bobDer = pemDecodeAll(readFileSync(f.bob.cert, 'utf8'))[0]!.der;
    const asked: string[] = [];
    const gateway = createDirectoryGateway({
      origins: [`chrome-extension://${unpackedExtensionId(DIST)}`],
      lookup: async (email) => {
        asked.push(email);
        return email === 'bob.directory@example.com'
          ? [{ der: bobDer, source: 'userSMIMECertificate', entry: 'CN=Bob' }]
          : [];
      },
    });
    const port = await gateway.listen(0, '127.0.0.1');
    try {
      const before = await send<{ address: string; state: string }[]>(compose, {
        type: 'compose.recipient-status',
        addresses: ['bob.directory@example.com'],
      });
      expect(before.value?.[0]?.state).toBe('missing');
      expect(asked).toEqual([]);
      await setting('directoryGatewayUrl', `http://127.0.0.1:${port}`);
      const after = await send<{ address: string; state: string }[]>(compose, {
        type: 'compose.recipient-status',
        addresses: ['bob.directory@example.com'],
      });
      expect(asked).toEqual(['bob.directory@example.com']);
      expect(after.value?.[0]?.state).toBe('found');
      const r = await sendDraft({ to: ['bob.directory@example.com'], bcc: [], sign: false });
      expect(r.ok).toBe(true);
      expect(canDecrypt(server.received[0]!.body, 'bob')).toBe(true);
    } finally {
      await setting('directoryGatewayUrl', null);
      await gateway.close();
    }
  });

  it('encryptionAlgorithmNegotiation: Bob’s OpenSSL announces no GCM, so strong-only writes AES-256-CBC to him', async () => {
    // Bob's signed mail (OpenSSL's default SMIMECapabilities: AES-CBC and legacy, no GCM) is opened
    // in the read frame; harvesting keeps his capabilities in IndexedDB for the send path.
    const read = await openPage(s, 'read');
    await read.waitForSelector('#message-file');
    await uploadTo(
      read,
      '#message-file',
      write(f, 'bob-signed.eml', signedMessage(f, f.bob, f.alice, 'Caps', 'Hi.')),
    );
    await read.waitForSelector('body[data-opened]', { timeout: 30_000 });
    await read.close();
    const cipherOf = (body: Buffer): string => {
      const printed = openssl(['cms', '-cmsout', '-print', '-in', write(f, `cipher-${++n}.eml`, body)]);
      const text = printed.toString('latin1');
      if (/aes-256-cbc/i.test(text)) return 'aes-256-cbc';
      if (/aes-?256-?gcm/i.test(text)) return 'aes-256-gcm';
      return 'other';
    };
    try {
      await setting('encryptionAlgorithm', 'aes-256-gcm');
      expect((await sendDraft({ to: ['bob@example.com'], bcc: [], sign: false })).ok).toBe(true);
      expect(cipherOf(server.received[0]!.body)).toBe('aes-256-cbc');
      expect(canDecrypt(server.received[0]!.body, 'bob')).toBe(true);
      // Carol's capabilities are unknown: she (and the sender) get the configured GCM.
      expect((await sendDraft({ to: ['carol@example.com'], bcc: [], sign: false })).ok).toBe(true);
      expect(cipherOf(server.received[1]!.body)).toBe('aes-256-gcm');
      await setting('encryptionAlgorithmNegotiation', 'block');
      expect((await sendDraft({ to: ['bob@example.com'], bcc: [], sign: false })).ok).toBe(true);
      expect(cipherOf(server.received[2]!.body)).toBe('aes-256-gcm');
    } finally {
      await setting('encryptionAlgorithm', null);
      await setting('encryptionAlgorithmNegotiation', null);
    }
  });
});
