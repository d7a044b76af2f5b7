/**
 * The shared Graph client and Entra sign-in against the Graph and Entra stand-ins (real HTTP on
 * 127.0.0.1, request checks as documented by Microsoft).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';
import { GraphClient, SEND_MAIL_MAX_BASE64, UPLOAD_SESSION_MIN } from '../../../shared/graph/graph-client';
import { UPLOAD_SESSION_MIN as STAND_IN_SESSION_MIN } from '../../stand-ins/graph/graph-stand-in';
import {
  GRAPH_SCOPES,
  graphScopes,
  refresh,
  signIn,
  type EntraConfig,
  type TokenSet,
} from '../../../shared/auth/entra';
import { retryAfterMs } from '../../../shared/graph/retry';
import { isSelloError } from '../../../shared/errors';

const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
const REDIRECT = 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/';
let entra: EntraStandIn;
let graph: GraphStandIn;
let config: EntraConfig;

/** What chrome.identity.launchWebAuthFlow does: follow the authorize URL to the redirect. */
async function launch(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  if (!location) throw new Error(`authorize answered ${res.status}`);
  return location;
}

const deps = { crypto: globalThis.crypto, fetch: globalThis.fetch, now: () => Date.now(), launch };
const noSleep = { sleep: async () => undefined };

beforeAll(async () => {
  entra = new EntraStandIn({
    tenant: 'contoso.example',
    clientId: CLIENT_ID,
    redirectUris: [REDIRECT],
    requiredScopes: ['Mail.Send', 'Mail.Read'],
  });
  await entra.start();
  graph = new GraphStandIn(entra);
  await graph.start();
  config = {
    authority: entra.authority,
    tenant: 'contoso.example',
    clientId: CLIENT_ID,
    redirectUri: REDIRECT,
    scopes: GRAPH_SCOPES,
  };
});
afterAll(async () => {
  await graph.stop();
  await entra.stop();
});

function clientFor(tokens: { current: TokenSet }, retry = noSleep) {
  return new GraphClient({
    baseUrl: graph.baseUrl,
    fetch: globalThis.fetch,
    retry,
    getToken: async ({ forceRefresh }) => {
      if (forceRefresh || tokens.current.expiresAt <= Date.now()) {
        tokens.current = await refresh(config, tokens.current.refreshToken!, deps);
      }
      return tokens.current.accessToken;
    },
  });
}

describe('Entra sign-in (authorization code + PKCE)', () => {
  it('signs in, and the stand-in saw a S256 challenge matching the verifier it was given', async () => {
    const t = await signIn(config, deps);
    expect(t.accessToken.length).toBeGreaterThan(10);
    expect(t.refreshToken).not.toBeNull();
    const authorize = entra.requests.find((r) => r.endpoint === 'authorize')!;
    expect(authorize.params.code_challenge_method).toBe('S256');
    const token = entra.requests.find((r) => r.endpoint === 'token' && r.status === 200)!;
    expect(token.params.code_verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("signs in with scopes built from the Graph URL (here the stand-in's) and the token works there", async () => {
    const scopes = graphScopes(graph.baseUrl);
    expect(scopes[0]).toBe(`${graph.baseUrl}/Mail.Send`);
    const t = await signIn({ ...config, scopes }, deps);
    const client = clientFor({ current: t });
    const id = graph.addMessage(new TextEncoder().encode('To: b@example.com\r\n\r\nx\r\n'), 'x');
    expect((await client.getMime(id)).length).toBeGreaterThan(0);
  });

  it('refuses an answer whose state does not match (CSRF)', async () => {
    const evil = async (url: string) => (await launch(url)).replace(/state=[^&]+/, 'state=forged');
    await expect(signIn(config, { ...deps, launch: evil })).rejects.toSatisfy((e) =>
      isSelloError(e, 'auth.state-mismatch'),
    );
  });

  it('says "sign in again" when the refresh token was revoked', async () => {
    const t = await signIn(config, deps);
    entra.revokeRefreshTokens();
    await expect(refresh(config, t.refreshToken!, deps)).rejects.toSatisfy((e) =>
      isSelloError(e, 'auth.sign-in-required'),
    );
  });
});

describe('Graph client', () => {
  it('sends MIME through sendMail as base64 text/plain and reads it back with $value', async () => {
    const tokens = { current: await signIn(config, deps) };
    const client = clientFor(tokens);
    const mime = new TextEncoder().encode(
      'From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\nbody\r\n',
    );
    await client.sendMime(mime);
    expect(new TextDecoder().decode(graph.sent.at(-1)!.mime)).toContain('Subject: hi');
    const id = graph.addMessage(mime, 'hi');
    expect(await client.getMime(id)).toEqual(mime);
  });

  it('refreshes an expired access token once and carries on', async () => {
    const tokens = { current: await signIn(config, deps) };
    entra.expireAccessTokens();
    const client = clientFor({ current: { ...tokens.current, expiresAt: Date.now() + 3600_000 } });
    const before = graph.sent.length;
    await client.sendMime(new TextEncoder().encode('To: b@example.com\r\nSubject: x\r\n\r\ny\r\n'));
    expect(graph.sent.length).toBe(before + 1);
  });

  it('retries 429 honouring Retry-After, and 500, then succeeds', async () => {
    const tokens = { current: await signIn(config, deps) };
    const waits: number[] = [];
    const client = clientFor(tokens, { sleep: async (ms: number) => void waits.push(ms) } as typeof noSleep);
    graph.injectFault({ method: 'POST', path: /sendMail/, kind: 'throttle', retryAfter: 7, times: 1 });
    graph.injectFault({ method: 'POST', path: /sendMail/, kind: 'server-error', times: 1 });
    await client.sendMime(new TextEncoder().encode('To: b@example.com\r\nSubject: retry\r\n\r\nx\r\n'));
    expect(waits[0]).toBe(7000);
    expect(waits).toHaveLength(2);
  });

  it('gives a typed error after the retries are used up', async () => {
    const tokens = { current: await signIn(config, deps) };
    const client = clientFor(tokens);
    graph.injectFault({ method: 'POST', path: /sendMail/, kind: 'server-error', times: 10 });
    await expect(
      client.sendMime(new TextEncoder().encode('To: b@example.com\r\nSubject: x\r\n\r\nx\r\n')),
    ).rejects.toSatisfy((e) => isSelloError(e, 'graph.server-error'));
    graph.faults.length = 0;
  });

  it('refuses to push a message over the sendMail limit', async () => {
    const tokens = { current: await signIn(config, deps) };
    const big = new Uint8Array((SEND_MAIL_MAX_BASE64 / 4) * 3 + 3000);
    await expect(clientFor(tokens).sendMime(big)).rejects.toSatisfy((e) =>
      isSelloError(e, 'graph.too-large'),
    );
  });

  it('sends a large S/MIME message as an IPM.Note.SMIME draft with smime.p7m uploaded in chunks', async () => {
    const tokens = { current: await signIn(config, deps) };
    const payload = crypto.getRandomValues(new Uint8Array(65536)).map((b, i) => (i < 5000 ? b : i & 0xff));
    const big = new Uint8Array(9 * 1024 * 1024);
    for (let i = 0; i < big.length; i += payload.length)
      big.set(payload.subarray(0, Math.min(payload.length, big.length - i)), i);
    const progress: number[] = [];
    await clientFor(tokens).sendLargeSmime(
      { subject: 'big', to: ['bob@example.com'], cc: [], bcc: ['carol@example.com'] },
      'IPM.Note.SMIME',
      big,
      (p) => progress.push(p.sent),
    );
    const sent = graph.sent.at(-1)!;
    expect(sent.via).toBe('draft-send');
    expect(sent.messageClass).toBe('IPM.Note.SMIME');
    expect(progress.at(-1)).toBe(big.length);
    expect(progress.length).toBeGreaterThan(2);
    const att = sent.draft!.attachments.find((a) => a.name === 'smime.p7m')!;
    expect(Buffer.compare(Buffer.from(att.content), Buffer.from(big))).toBe(0);
  });
});

describe('Graph client: how smime.p7m reaches the draft', () => {
  const envelope = { subject: 'p7m', to: ['bob@example.com'], cc: [], bcc: [] };
  const bytes = (n: number) => new Uint8Array(n).map((_, i) => (i * 7 + (i >> 11)) & 0xff);
  /** The requests one send made, from the index it started at. */
  const since = (start: number) =>
    graph.requests.slice(start).map((r) => `${r.method} ${r.status} ${r.path}`);
  const drafts = () => [...graph.messages.values()].filter((m) => m.isDraft).length;

  it('agrees with the stand-in on where upload sessions start', () => {
    expect(UPLOAD_SESSION_MIN).toBe(STAND_IN_SESSION_MIN);
  });

  it('posts a payload one byte under 3 MB as a fileAttachment, within the 4 MB request limit', async () => {
    const tokens = { current: await signIn(config, deps) };
    const payload = bytes(UPLOAD_SESSION_MIN - 1);
    const start = graph.requests.length;
    const progress: number[] = [];
    await clientFor(tokens).sendLargeSmime(envelope, 'IPM.Note.SMIME', payload, (p) => progress.push(p.sent));
    const made = since(start);
    expect(made.some((r) => /^POST 201 \/v1\.0\/me\/messages\/[^/]+\/attachments$/.test(r))).toBe(true);
    expect(made.some((r) => r.includes('createUploadSession') || r.includes('/upload/'))).toBe(false);
    expect(progress).toEqual([payload.length]);
    const sent = graph.sent.at(-1)!;
    const att = sent.draft!.attachments[0]!;
    expect([att.name, att.contentType, sent.draft!.attachments.length]).toEqual([
      'smime.p7m',
      'application/pkcs7-mime',
      1,
    ]);
    expect(Buffer.compare(att.content, payload)).toBe(0);
  });

  it('uploads a payload of exactly 3 MB through an upload session on the other host, without the token', async () => {
    const tokens = { current: await signIn(config, deps) };
    const payload = bytes(UPLOAD_SESSION_MIN);
    const start = graph.requests.length;
    await clientFor(tokens).sendLargeSmime(envelope, 'IPM.Note.SMIME.MultipartSigned', payload);
    const made = since(start);
    expect(made.some((r) => /^POST 201 .*\/attachments\/createUploadSession$/.test(r))).toBe(true);
    // The stand-in answers 401 to a PUT carrying Authorization: every PUT succeeding proves none did.
    const puts = made.filter((r) => r.startsWith('PUT '));
    expect(puts.length).toBeGreaterThan(0);
    expect(puts.every((r) => /^PUT (200|201) \/upload\//.test(r))).toBe(true);
    expect(made.some((r) => /^POST \d+ \/v1\.0\/me\/messages\/[^/]+\/attachments$/.test(r))).toBe(false);
    const att = graph.sent.at(-1)!.draft!.attachments[0]!;
    expect(att.contentType).toBe('multipart/signed');
    expect(Buffer.compare(att.content, payload)).toBe(0);
  });

  it.each([
    ['an upload PUT', 'PUT', /^\/upload$/, UPLOAD_SESSION_MIN + 5],
    ['createUploadSession', 'POST', /createUploadSession$/, UPLOAD_SESSION_MIN],
    ['the attachment POST', 'POST', /\/attachments$/, 1000],
  ])(
    'deletes the server draft and gives a typed error when %s keeps failing',
    async (_, method, path, size) => {
      const tokens = { current: await signIn(config, deps) };
      const before = drafts();
      const sentBefore = graph.sent.length;
      const start = graph.requests.length;
      graph.injectFault({ method, path, kind: 'server-error', times: 20 });
      try {
        await expect(
          clientFor(tokens).sendLargeSmime(envelope, 'IPM.Note.SMIME', bytes(size)),
        ).rejects.toSatisfy((e) => isSelloError(e, 'graph.server-error'));
      } finally {
        graph.faults.length = 0;
      }
      expect(since(start).some((r) => r.startsWith('DELETE 204 /v1.0/me/messages/'))).toBe(true);
      expect(drafts()).toBe(before);
      expect(graph.sent.length).toBe(sentBefore);
    },
  );
});

describe('Retry-After parsing', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBeNull();
  });
});
