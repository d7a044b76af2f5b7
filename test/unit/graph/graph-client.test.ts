/**
 * The shared Graph client and Entra sign-in against the Graph and Entra stand-ins (real HTTP on
 * 127.0.0.1, request checks as documented by Microsoft).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';
import { GraphClient, SEND_MAIL_MAX_BASE64 } from '../../../shared/graph/graph-client';
import { GRAPH_SCOPES, refresh, signIn, type EntraConfig, type TokenSet } from '../../../shared/auth/entra';
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

describe('Retry-After parsing', () => {
  it('reads seconds and HTTP dates, and ignores garbage', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon', 0)).toBeNull();
  });
});
