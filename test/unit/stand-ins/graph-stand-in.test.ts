import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn, UPLOAD_SESSION_MIN } from '../../stand-ins/graph/graph-stand-in';
import { GraphClient } from '../../../shared/graph/graph-client';

const entra = new EntraStandIn({
  tenant: 'contoso.test',
  clientId: 'client',
  redirectUris: ['https://localhost:3000/cb'],
  requiredScopes: ['Mail.Send', 'Mail.Read'],
});
const graph = new GraphStandIn(entra);
let token = '';

const MIME = 'From: alice@example.test\r\nTo: bob@example.test\r\nSubject: hi\r\n\r\nhello\r\n';

beforeAll(async () => {
  await entra.start();
  await graph.start();
});
afterAll(async () => {
  await graph.stop();
  await entra.stop();
});
beforeEach(() => {
  token = entra.mintAccessToken(['Mail.Send', 'Mail.Read', 'Mail.ReadWrite']);
  graph.sent.length = 0;
  graph.faults.length = 0;
});

async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: BodyInit } = {},
) {
  const res = await fetch(`${graph.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json:
      text && headersJson(res)
        ? (JSON.parse(text) as { error?: { code: string } } & Record<string, unknown>)
        : null,
    text,
  };
}

const headersJson = (res: Response) => (res.headers.get('content-type') ?? '').startsWith('application/json');

const sendMail = (body: string, contentType = 'text/plain') =>
  call('POST', '/v1.0/me/sendMail', { headers: { 'content-type': contentType }, body });

describe('Graph stand-in: sendMail with MIME', () => {
  it('accepts base64 MIME as text/plain with 202 and stores the decoded message', async () => {
    const r = await sendMail(Buffer.from(MIME).toString('base64'));
    expect(r.status).toBe(202);
    expect(Buffer.from(graph.sent[0]!.mime).toString()).toBe(MIME);
  });

  it('refuses a body that is not base64 with ErrorMimeContentInvalidBase64String', async () => {
    const r = await sendMail(MIME);
    expect(r.status).toBe(400);
    expect(r.json!.error!.code).toBe('ErrorMimeContentInvalidBase64String');
    expect(graph.sent).toHaveLength(0);
  });

  it('refuses any content type other than text/plain', async () => {
    const r = await sendMail(Buffer.from(MIME).toString('base64'), 'application/json');
    expect(r.status).toBe(400);
  });

  it('refuses MIME without recipients', async () => {
    const r = await sendMail(Buffer.from('Subject: x\r\n\r\nbody').toString('base64'));
    expect(r.json!.error!.code).toBe('ErrorInvalidRecipients');
  });

  it('answers 413 to a request body over 4 MB', async () => {
    const r = await sendMail('A'.repeat(4 * 1024 * 1024 + 4));
    expect(r.status).toBe(413);
  });

  it('answers 401 InvalidAuthenticationToken without a token, with an unknown one and with an expired one', async () => {
    const none = await fetch(`${graph.baseUrl}/v1.0/me/sendMail`, { method: 'POST', body: 'x' });
    expect(none.status).toBe(401);
    expect(((await none.json()) as { error: { code: string } }).error.code).toBe(
      'InvalidAuthenticationToken',
    );
    token = 'forged';
    expect((await sendMail('QQ==')).status).toBe(401);
    token = entra.mintAccessToken();
    entra.expireAccessTokens();
    const expired = await sendMail('QQ==');
    expect(expired.status).toBe(401);
    expect(JSON.stringify(expired.json)).toContain('expired');
  });

  it('answers 403 when the token lacks Mail.Send', async () => {
    token = entra.mintAccessToken(['Mail.Read']);
    expect((await sendMail(Buffer.from(MIME).toString('base64'))).status).toBe(403);
  });

  it('uses the documented error body with code, message and innerError', async () => {
    const r = await sendMail('!!');
    expect(r.json).toMatchObject({
      error: {
        code: expect.any(String),
        message: expect.any(String),
        innerError: { 'request-id': expect.any(String) },
      },
    });
  });
});

describe('Graph stand-in: reading MIME', () => {
  it('returns the stored MIME from /$value and 404 ErrorItemNotFound for an unknown id', async () => {
    const id = graph.addMessage(new TextEncoder().encode(MIME));
    const r = await call('GET', `/v1.0/me/messages/${encodeURIComponent(id)}/$value`);
    expect(r.status).toBe(200);
    expect(r.text).toBe(MIME);
    const missing = await call('GET', '/v1.0/me/messages/AAMknothing/$value');
    expect(missing.status).toBe(404);
    expect(missing.json!.error!.code).toBe('ErrorItemNotFound');
  });
});

describe('Graph stand-in: drafts, upload sessions and send', () => {
  async function draft(messageClass = 'IPM.Note.SMIME') {
    const r = await call('POST', '/v1.0/me/messages', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: 'big',
        toRecipients: [{ emailAddress: { address: 'bob@example.test' } }],
        singleValueExtendedProperties: [{ id: 'String 0x001A', value: messageClass }],
      }),
    });
    expect(r.status).toBe(201);
    return r.json!.id as string;
  }

  /** Upload sessions start at 3 MB: sizes below are MIN plus a few bytes. */
  const MIN = UPLOAD_SESSION_MIN;

  async function session(id: string, size: number) {
    const r = await call(
      'POST',
      `/v1.0/me/messages/${encodeURIComponent(id)}/attachments/createUploadSession`,
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ AttachmentItem: { attachmentType: 'file', name: 'smime.p7m', size } }),
      },
    );
    expect(r.status).toBe(201);
    expect(r.json!.nextExpectedRanges).toEqual(['0-']);
    return r.json!.uploadUrl as string;
  }

  const put = (url: string, body: Uint8Array, range: string, headers: Record<string, string> = {}) =>
    fetch(url, { method: 'PUT', headers: { 'content-range': range, ...headers }, body: Buffer.from(body) });

  it('creates a draft carrying PidTagMessageClass and refuses a malformed extended property', async () => {
    const id = await draft();
    expect(graph.messages.get(id)!.extendedProperties).toEqual([
      { id: 'String 0x001A', value: 'IPM.Note.SMIME' },
    ]);
    const bad = await call('POST', '/v1.0/me/messages', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ singleValueExtendedProperties: [{ id: '0x001A', value: 'IPM.Note.SMIME' }] }),
    });
    expect(bad.json!.error!.code).toBe('ErrorInvalidExtendedPropertyValue');
  });

  it('takes chunks in order with Content-Range, answers nextExpectedRanges, then 201 with Location', async () => {
    const id = await draft();
    const size = MIN + 10;
    const url = await session(id, size);
    const first = await put(url, new Uint8Array(size - 4).fill(1), `bytes 0-${size - 5}/${size}`);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { nextExpectedRanges: string[] }).nextExpectedRanges).toEqual([
      `${size - 4}-`,
    ]);
    const last = await put(url, new Uint8Array(4).fill(2), `bytes ${size - 4}-${size - 1}/${size}`);
    expect(last.status).toBe(201);
    expect(last.headers.get('location')).toContain('/attachments/');
    const expected = Buffer.alloc(size, 1).fill(2, size - 4);
    expect(Buffer.compare(graph.messages.get(id)!.attachments[0]!.content, expected)).toBe(0);
  });

  it('issues the uploadUrl on another origin, which is not Graph and answers only upload PUTs', async () => {
    const url = new URL(await session(await draft(), MIN));
    expect(url.origin).not.toBe(new URL(graph.baseUrl).origin);
    expect(url.origin).toBe(graph.uploadBaseUrl);
    expect(url.pathname).toMatch(/^\/upload\/[A-Za-z0-9_-]+$/);
    expect(url.searchParams.get('authtoken')).toBeTruthy();
    // Graph's host does not take the PUTs, and the upload host serves nothing of Graph.
    const onGraph = await fetch(`${graph.baseUrl}${url.pathname}${url.search}`, { method: 'PUT', body: 'x' });
    expect(onGraph.status).not.toBe(200);
    const graphOnUploadHost = await fetch(`${graph.uploadBaseUrl}/v1.0/me/messages`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(graphOnUploadHost.status).toBe(404);
  });

  it('refuses an upload session under 3 MB with ErrorAttachmentSizeShouldNotBeLessThanMinimumSize', async () => {
    const id = await draft();
    const r = await call(
      'POST',
      `/v1.0/me/messages/${encodeURIComponent(id)}/attachments/createUploadSession`,
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          AttachmentItem: { attachmentType: 'file', name: 'smime.p7m', size: MIN - 1 },
        }),
      },
    );
    expect(r.status).toBe(400);
    expect(r.json!.error!.code).toBe('ErrorAttachmentSizeShouldNotBeLessThanMinimumSize');
    await session(id, MIN);
  });

  it('refuses an Authorization header on the pre-authenticated upload URL', async () => {
    const url = await session(await draft(), MIN);
    const r = await put(url, new Uint8Array(MIN), `bytes 0-${MIN - 1}/${MIN}`, {
      authorization: `Bearer ${token}`,
    });
    expect(r.status).toBe(401);
  });

  it('refuses a chunk out of order, a wrong total and a length that does not match the range', async () => {
    const size = MIN + 8;
    const url = await session(await draft(), size);
    expect((await put(url, new Uint8Array(4), `bytes 4-7/${size}`)).status).toBe(416);
    expect((await put(url, new Uint8Array(4), `bytes 0-3/${size + 1}`)).status).toBe(400);
    expect((await put(url, new Uint8Array(3), `bytes 0-3/${size}`)).status).toBe(400);
    expect((await put(url, new Uint8Array(4), 'bytes=0-3')).status).toBe(400);
  });

  const postAttachment = (id: string, body: unknown) =>
    call('POST', `/v1.0/me/messages/${encodeURIComponent(id)}/attachments`, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const fileAttachment = (content: Uint8Array) => ({
    '@odata.type': '#microsoft.graph.fileAttachment',
    name: 'smime.p7m',
    contentType: 'application/pkcs7-mime',
    contentBytes: Buffer.from(content).toString('base64'),
  });

  it('attaches a small file with one POST of a fileAttachment and answers 201 with its id and size', async () => {
    const id = await draft();
    const r = await postAttachment(id, fileAttachment(new Uint8Array([1, 2, 3, 4])));
    expect(r.status).toBe(201);
    expect(r.json!['@odata.type']).toBe('#microsoft.graph.fileAttachment');
    expect(r.json!.size).toBe(4);
    const att = graph.messages.get(id)!.attachments[0]!;
    expect(att.id).toBe(r.json!.id);
    expect([att.name, att.contentType, [...att.content]]).toEqual([
      'smime.p7m',
      'application/pkcs7-mime',
      [1, 2, 3, 4],
    ]);
  });

  it('checks every field of a posted fileAttachment', async () => {
    const id = await draft();
    const good = fileAttachment(new Uint8Array([9]));
    const refused = async (body: unknown, code: string) => {
      const r = await postAttachment(id, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json!.error!.code).toBe(code);
    };
    await refused({ ...good, '@odata.type': '#microsoft.graph.itemAttachment' }, 'ErrorInvalidRequest');
    await refused({ ...good, '@odata.type': undefined }, 'ErrorInvalidRequest');
    await refused({ ...good, name: '' }, 'ErrorInvalidRequest');
    await refused({ ...good, contentBytes: 'not base64!' }, 'ErrorInvalidRequest');
    await refused({ ...good, contentBytes: '' }, 'ErrorInvalidRequest');
    await refused({ ...good, contentType: 7 }, 'RequestBodyRead');
    await refused({ ...good, isInline: 'yes' }, 'RequestBodyRead');
    await refused({ ...good, attachmentType: 'file' }, 'RequestBodyRead');
    expect(graph.messages.get(id)!.attachments).toHaveLength(0);
    const wrongType = await call('POST', `/v1.0/me/messages/${encodeURIComponent(id)}/attachments`, {
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify(good),
    });
    expect(wrongType.status).toBe(415);
    expect((await postAttachment('AAMkAGnone=', good)).status).toBe(404);
  });

  it('sends an IPM.Note.SMIME draft as MIME whose body is the attached CMS', async () => {
    const id = await draft();
    const cms = new Uint8Array([0x30, 0x80, 1, 2, 3]);
    expect((await postAttachment(id, fileAttachment(cms))).status).toBe(201);
    const r = await call('POST', `/v1.0/me/messages/${encodeURIComponent(id)}/send`);
    expect(r.status).toBe(202);
    const sent = graph.sent[0]!;
    expect(sent.messageClass).toBe('IPM.Note.SMIME');
    const text = Buffer.from(sent.mime).toString();
    expect(text).toContain('Content-Type: application/pkcs7-mime; smime-type=enveloped-data');
    expect(text).toContain(Buffer.from(cms).toString('base64'));
    expect(graph.messages.has(id)).toBe(false);
  });

  it('refuses to send an S/MIME draft without its smime.p7m', async () => {
    const id = await draft();
    const r = await call('POST', `/v1.0/me/messages/${encodeURIComponent(id)}/send`);
    expect(r.status).toBe(400);
  });

  it('deletes a draft with 204 and then answers 404', async () => {
    const id = await draft();
    expect((await call('DELETE', `/v1.0/me/messages/${encodeURIComponent(id)}`)).status).toBe(204);
    expect((await call('DELETE', `/v1.0/me/messages/${encodeURIComponent(id)}`)).status).toBe(404);
  });

  it('requires Mail.ReadWrite for drafts, as the Graph permission tables say', async () => {
    token = entra.mintAccessToken(['Mail.Send', 'Mail.Read']);
    const r = await call('POST', '/v1.0/me/messages', {
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(403);
  });
});

describe('Graph stand-in: fault injection', () => {
  it('fails the next matching requests with 500, 429 + Retry-After or an expired token, then recovers', async () => {
    graph.injectFault({ kind: 'server-error', path: /sendMail/, times: 1 });
    graph.injectFault({ kind: 'throttle', retryAfter: 7, times: 1 });
    graph.injectFault({ kind: 'expired-token', times: 1 });
    const body = Buffer.from(MIME).toString('base64');
    expect((await sendMail(body)).status).toBe(500);
    const throttled = await sendMail(body);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('7');
    const expired = await sendMail(body);
    expect(expired.status).toBe(401);
    expect(expired.json!.error!.code).toBe('InvalidAuthenticationToken');
    expect((await sendMail(body)).status).toBe(202);
  });

  it('reaches the PUTs to an upload session on the upload host', async () => {
    const id = await call('POST', '/v1.0/me/messages', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ toRecipients: [{ emailAddress: { address: 'bob@example.test' } }] }),
    });
    const s = await call(
      'POST',
      `/v1.0/me/messages/${encodeURIComponent(id.json!.id as string)}/attachments/createUploadSession`,
      {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          AttachmentItem: { attachmentType: 'file', name: 'a', size: UPLOAD_SESSION_MIN },
        }),
      },
    );
    const url = s.json!.uploadUrl as string;
    graph.injectFault({ method: 'PUT', path: /^\/upload$/, kind: 'server-error', times: 1 });
    const put = () =>
      fetch(url, {
        method: 'PUT',
        headers: { 'content-range': `bytes 0-9/${UPLOAD_SESSION_MIN}` },
        body: Buffer.alloc(10),
      });
    expect((await put()).status).toBe(500);
    expect((await put()).status).toBe(200);
  });
});

describe('Graph stand-in with the shared Graph client', () => {
  const client = () =>
    new GraphClient({
      baseUrl: graph.baseUrl,
      fetch: globalThis.fetch,
      getToken: async () => token,
      retry: { sleep: async () => undefined },
    });

  it('carries a small message through sendMail after a throttle', async () => {
    graph.injectFault({ kind: 'throttle', retryAfter: 1, times: 1 });
    await client().sendMime(new TextEncoder().encode(MIME));
    expect(graph.sent.map((s) => s.via)).toEqual(['sendMail']);
  });

  it('carries a large message through draft, upload session in chunks and send', async () => {
    const payload = new Uint8Array(5 * 1024 * 1024).map((_, i) => i & 0xff);
    const progress: number[] = [];
    await client().sendLargeSmime(
      { subject: 'large', to: ['bob@example.test'], cc: [], bcc: [] },
      'IPM.Note.SMIME',
      payload,
      (p) => progress.push(p.sent),
    );
    expect(progress.at(-1)).toBe(payload.length);
    expect(progress.length).toBeGreaterThan(1);
    const sent = graph.sent[0]!;
    expect(sent.via).toBe('draft-send');
    // Compared as one buffer: a deep equality over 5 M elements takes half a minute.
    expect(Buffer.compare(sent.draft!.attachments[0]!.content, payload)).toBe(0);
  });
});
