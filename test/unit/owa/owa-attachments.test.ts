/**
 * Taking an OWA server draft's attachments over into a Sello draft: the pure mapping
 * (background/graph/owa-attachments.ts) on Graph's documented attachment shapes, and the same mapping
 * on what GraphClient.listAttachments reads from the Graph stand-in over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { randomBytes } from 'node:crypto';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';
import { GraphClient } from '../../../shared/graph/graph-client';
import { GRAPH_SCOPES, signIn } from '../../../shared/auth/entra';
import { isSelloError } from '../../../shared/errors';
import {
  MAX_TAKEN_OVER_BYTES,
  MAX_TAKEN_OVER_COUNT,
  takeOverAttachments,
} from '../../../extension/background/graph/owa-attachments';
import { draftSchema } from '../../../extension/background/messages';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const file = (name: string, bytes: Uint8Array, extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.fileAttachment',
  id: `id-${name}`,
  name,
  contentType: 'application/pdf',
  size: bytes.length,
  isInline: false,
  contentId: null,
  contentBytes: b64(bytes),
  ...extra,
});

describe('takeOverAttachments', () => {
  it('takes a file attachment byte for byte, with its media type without parameters', () => {
    const bytes = new Uint8Array(randomBytes(3001));
    const r = takeOverAttachments([file('report.pdf', bytes, { contentType: 'Application/PDF; name=x' })]);
    expect(r.notTakenOver).toEqual([]);
    expect(r.attachments).toHaveLength(1);
    expect(r.attachments[0]!.name).toBe('report.pdf');
    expect(r.attachments[0]!.type).toBe('application/pdf');
    expect(Buffer.from(r.attachments[0]!.data, 'base64').equals(Buffer.from(bytes))).toBe(true);
    expect(r.attachments[0]!.contentId).toBeUndefined();
  });

  it("keeps an inline image's Content-ID (without angle brackets) and a valid draft results", () => {
    const r = takeOverAttachments([
      file('logo.png', new Uint8Array([137, 80, 78, 71]), {
        contentType: 'image/png',
        isInline: true,
        contentId: '<image001.png@01DA0000.ABCDEF00>',
      }),
      // Not inline: a contentId Graph happens to carry is not kept.
      file('plain.png', new Uint8Array([1]), { contentType: null, contentId: 'x@y' }),
    ]);
    expect(r.attachments.map((a) => a.contentId)).toEqual(['image001.png@01DA0000.ABCDEF00', undefined]);
    expect(r.attachments[1]!.type).toBe('application/octet-stream');
    const draft = {
      to: [],
      cc: [],
      bcc: [],
      subject: '',
      html: '',
      text: '',
      sign: true,
      encrypt: true,
      attachments: r.attachments,
    };
    expect(v.safeParse(draftSchema, draft).success).toBe(true);
  });

  it('reports item and reference attachments by name instead of dropping them', () => {
    const r = takeOverAttachments([
      { '@odata.type': '#microsoft.graph.itemAttachment', id: 'i', name: 'Meeting notes', size: 9000 },
      { '@odata.type': '#microsoft.graph.referenceAttachment', id: 'r', name: 'Budget.xlsx', size: 0 },
      file('a.txt', new Uint8Array([65])),
    ]);
    expect(r.attachments.map((a) => a.name)).toEqual(['a.txt']);
    expect(r.notTakenOver).toEqual([
      { name: 'Meeting notes', reason: 'linked-or-item' },
      { name: 'Budget.xlsx', reason: 'linked-or-item' },
    ]);
  });

  it('reports a file over the per-attachment cap, and one past the count cap', () => {
    const big = 'A'.repeat(Math.ceil(((MAX_TAKEN_OVER_BYTES + 3) * 4) / 3 / 4) * 4);
    const many = Array.from({ length: MAX_TAKEN_OVER_COUNT + 1 }, (_, i) =>
      file(`f${i}`, new Uint8Array([i])),
    );
    const r = takeOverAttachments([file('huge.iso', new Uint8Array(0), { contentBytes: big }), ...many]);
    expect(r.attachments).toHaveLength(MAX_TAKEN_OVER_COUNT);
    expect(r.notTakenOver).toEqual([
      { name: 'huge.iso', reason: 'too-large' },
      { name: `f${MAX_TAKEN_OVER_COUNT}`, reason: 'too-many' },
    ]);
  });

  it('reports a file attachment without readable content and survives junk entries', () => {
    const r = takeOverAttachments([
      file('broken.bin', new Uint8Array(0), { contentBytes: '<html>' }),
      null,
      42,
    ]);
    expect(r.attachments).toEqual([]);
    expect(r.notTakenOver).toEqual([
      { name: 'broken.bin', reason: 'unreadable' },
      { name: 'attachment', reason: 'linked-or-item' },
      { name: 'attachment', reason: 'linked-or-item' },
    ]);
  });
});

describe('GraphClient.listAttachments against the Graph stand-in', () => {
  const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
  const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
  let entra: EntraStandIn;
  let graph: GraphStandIn;
  let token = '';

  beforeAll(async () => {
    entra = new EntraStandIn({
      tenant: 'contoso.example',
      clientId: CLIENT_ID,
      redirectUris: [REDIRECT],
      requiredScopes: ['Mail.Read'],
    });
    await entra.start();
    graph = new GraphStandIn(entra);
    await graph.start();
    const launch = async (url: string) => (await fetch(url, { redirect: 'manual' })).headers.get('location')!;
    const config = {
      authority: entra.authority,
      tenant: 'contoso.example',
      clientId: CLIENT_ID,
      redirectUri: REDIRECT,
      scopes: GRAPH_SCOPES,
    };
    const deps = { crypto: globalThis.crypto, fetch: globalThis.fetch, now: () => Date.now(), launch };
    token = (await signIn(config, deps)).accessToken;
  });
  afterAll(async () => {
    await graph.stop();
    await entra.stop();
  });

  const client = (getToken: () => string) =>
    new GraphClient({
      baseUrl: graph.baseUrl,
      fetch: globalThis.fetch,
      retry: { sleep: async () => undefined },
      getToken: () => Promise.resolve(getToken()),
    });

  it('lists file, inline and item attachments as documented, and the mapping takes the files', async () => {
    const id = graph.addMessage(new TextEncoder().encode('To: b@example.com\r\n\r\nx\r\n'), 'x');
    graph.messages.get(id)!.isDraft = true;
    const pdf = new Uint8Array(randomBytes(5000));
    graph.addAttachment(id, { name: 'a.pdf', contentType: 'application/pdf', content: pdf });
    graph.addAttachment(id, {
      name: 'img.png',
      contentType: 'image/png',
      content: new Uint8Array([137, 80]),
      isInline: true,
      contentId: 'img@x',
    });
    graph.addAttachment(id, {
      name: 'Fwd: old mail',
      contentType: 'message/rfc822',
      content: new Uint8Array(0),
      kind: 'itemAttachment',
    });
    const listed = await client(() => token).listAttachments(id);
    expect(listed.map((a) => (a as Record<string, unknown>)['@odata.type'])).toEqual([
      '#microsoft.graph.fileAttachment',
      '#microsoft.graph.fileAttachment',
      '#microsoft.graph.itemAttachment',
    ]);
    expect((listed[2] as Record<string, unknown>).contentBytes).toBeUndefined();
    const r = takeOverAttachments(listed);
    expect(Buffer.from(r.attachments[0]!.data, 'base64').equals(Buffer.from(pdf))).toBe(true);
    expect(r.attachments[1]!.contentId).toBe('img@x');
    expect(r.notTakenOver).toEqual([{ name: 'Fwd: old mail', reason: 'linked-or-item' }]);
    expect(graph.requests.at(-1)).toMatchObject({
      method: 'GET',
      path: `/v1.0/me/messages/${encodeURIComponent(id)}/attachments`,
      status: 200,
    });
  });

  it('refuses a request with a bad token (401 logged) and an unknown message (graph.not-found)', async () => {
    const id = graph.addMessage(new TextEncoder().encode('To: b@example.com\r\n\r\nx\r\n'), 'x');
    await expect(client(() => 'not-a-token').listAttachments(id)).rejects.toSatisfy((e) =>
      isSelloError(e, 'graph.unauthorized'),
    );
    expect(graph.requests.at(-1)).toMatchObject({ status: 401, errorCode: 'InvalidAuthenticationToken' });
    await expect(client(() => token).listAttachments('AAMkNope')).rejects.toSatisfy((e) =>
      isSelloError(e, 'graph.not-found'),
    );
  });
});
