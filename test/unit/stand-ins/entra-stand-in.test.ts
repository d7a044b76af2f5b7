import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EntraStandIn } from '../../stand-ins/entra/entra-stand-in';

const REDIRECT = 'https://localhost:3000/addin/auth-redirect.html';
const SCOPE = 'https://graph.microsoft.com/Mail.Send https://graph.microsoft.com/Mail.Read offline_access';

const entra = new EntraStandIn({
  tenant: 'contoso.test',
  clientId: '11111111-2222-3333-4444-555555555555',
  redirectUris: [REDIRECT],
  requiredScopes: ['Mail.Send', 'Mail.Read'],
});

beforeAll(() => entra.start());
afterAll(() => entra.stop());

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function authorizeUrl(over: Record<string, string | null> = {}, challenge = pkce().challenge): string {
  const u = new URL(`${entra.authority}/contoso.test/oauth2/v2.0/authorize`);
  const params: Record<string, string | null> = {
    client_id: entra.options.clientId,
    response_type: 'code',
    redirect_uri: REDIRECT,
    scope: SCOPE,
    state: 'st4te',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...over,
  };
  for (const [k, v] of Object.entries(params)) if (v !== null) u.searchParams.set(k, v);
  return u.href;
}

async function authorize(over: Record<string, string | null> = {}, challenge?: string) {
  const res = await fetch(authorizeUrl(over, challenge), { redirect: 'manual' });
  return { res, location: res.headers.get('location') ? new URL(res.headers.get('location')!) : null };
}

async function token(form: Record<string, string>, contentType = 'application/x-www-form-urlencoded') {
  const res = await fetch(`${entra.authority}/contoso.test/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function codeFor(challenge: string): Promise<string> {
  const { location } = await authorize({}, challenge);
  return location!.searchParams.get('code')!;
}

describe('Entra stand-in: authorize endpoint', () => {
  it('redirects with a code and the state for a correct PKCE S256 request', async () => {
    const { res, location } = await authorize();
    expect(res.status).toBe(302);
    expect(location!.origin + location!.pathname).toBe(REDIRECT);
    expect(location!.searchParams.get('state')).toBe('st4te');
    expect(location!.searchParams.get('code')).toMatch(/^standin-code\./);
  });

  it('shows an error page, never a redirect, for an unregistered redirect URI', async () => {
    const { res, location } = await authorize({ redirect_uri: 'https://evil.test/cb' });
    expect(res.status).toBe(400);
    expect(location).toBeNull();
    expect(await res.text()).toContain('AADSTS50011');
  });

  it('shows an error page for an unknown client id', async () => {
    const { res } = await authorize({ client_id: 'nobody' });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('AADSTS700016');
  });

  it('redirects with invalid_request when PKCE is missing or not S256', async () => {
    const missing = await authorize({ code_challenge: null });
    expect(missing.location!.searchParams.get('error')).toBe('invalid_request');
    expect(missing.location!.searchParams.get('error_description')).toMatch(/^AADSTS9002325/);
    const plain = await authorize({ code_challenge_method: 'plain' });
    expect(plain.location!.searchParams.get('error')).toBe('invalid_request');
  });

  it('redirects with invalid_scope when Mail.Send, Mail.Read or offline_access is missing', async () => {
    for (const scope of ['https://graph.microsoft.com/Mail.Read offline_access', 'Mail.Send Mail.Read']) {
      const { location } = await authorize({ scope });
      expect(location!.searchParams.get('error')).toBe('invalid_scope');
      expect(location!.searchParams.get('state')).toBe('st4te');
    }
  });

  it('refuses response types other than code', async () => {
    const { location } = await authorize({ response_type: 'token' });
    expect(location!.searchParams.get('error')).toBe('unsupported_response_type');
  });
});

describe('Entra stand-in: token endpoint', () => {
  it('redeems a code when the verifier matches the challenge and issues access and refresh tokens', async () => {
    const p = pkce();
    const code = await codeFor(p.challenge);
    const { status, body } = await token({
      client_id: entra.options.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: p.verifier,
      scope: SCOPE,
    });
    expect(status).toBe(200);
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('https://graph.microsoft.com/Mail.Send https://graph.microsoft.com/Mail.Read');
    expect(entra.checkAccessToken(body.access_token as string)).toMatchObject({ ok: true });
    expect(typeof body.refresh_token).toBe('string');
  });

  it('refuses a verifier that does not match with AADSTS501481 in the documented error shape', async () => {
    const p = pkce();
    const code = await codeFor(p.challenge);
    const { status, body } = await token({
      client_id: entra.options.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [501481] });
    expect(body.error_description).toMatch(/^AADSTS501481: .* Trace ID: .* Correlation ID: .* Timestamp: /);
    expect(body.trace_id).toBeTypeOf('string');
    expect(body.correlation_id).toBeTypeOf('string');
  });

  it('refuses a second redemption of the same code', async () => {
    const p = pkce();
    const code = await codeFor(p.challenge);
    const form = {
      client_id: entra.options.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: p.verifier,
    };
    expect((await token(form)).status).toBe(200);
    const again = await token(form);
    expect(again.body).toMatchObject({ error: 'invalid_grant', error_codes: [54005] });
  });

  it('refuses a redirect URI different from the one the code was issued for', async () => {
    const p = pkce();
    const code = await codeFor(p.challenge);
    const { body } = await token({
      client_id: entra.options.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: 'https://localhost:3000/other',
      code_verifier: p.verifier,
    });
    expect(body).toMatchObject({ error: 'invalid_grant', error_codes: [50011] });
  });

  it('names the missing parameter, a wrong client, a client secret and an unknown grant type', async () => {
    expect((await token({ client_id: entra.options.clientId })).body.error_codes).toEqual([900144]);
    expect((await token({ grant_type: 'refresh_token', client_id: 'x' })).body.error_codes).toEqual([700016]);
    const secret = await token({
      grant_type: 'refresh_token',
      client_id: entra.options.clientId,
      client_secret: 's',
    });
    expect(secret.status).toBe(401);
    expect(secret.body.error_codes).toEqual([700025]);
    expect((await token({ grant_type: 'password', client_id: entra.options.clientId })).body.error).toBe(
      'unsupported_grant_type',
    );
  });

  it('reads only a form body: JSON looks like a request without grant_type', async () => {
    const { status, body } = await token({ grant_type: 'refresh_token' }, 'application/json');
    expect(status).toBe(400);
    expect(body.error_codes).toEqual([900144]);
  });

  it('rotates refresh tokens and refuses revoked ones with invalid_grant', async () => {
    const p = pkce();
    const code = await codeFor(p.challenge);
    const first = await token({
      client_id: entra.options.clientId,
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
      code_verifier: p.verifier,
      scope: SCOPE,
    });
    const refreshed = await token({
      client_id: entra.options.clientId,
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
      scope: SCOPE,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(first.body.refresh_token);
    entra.revokeRefreshTokens();
    const revoked = await token({
      client_id: entra.options.clientId,
      grant_type: 'refresh_token',
      refresh_token: refreshed.body.refresh_token as string,
    });
    expect(revoked.body).toMatchObject({ error: 'invalid_grant', error_codes: [50173] });
  });

  it('reports expired access tokens to the Graph stand-in after expireAccessTokens()', () => {
    const t = entra.mintAccessToken();
    expect(entra.checkAccessToken(t).ok).toBe(true);
    entra.expireAccessTokens();
    expect(entra.checkAccessToken(t)).toEqual({ ok: false, reason: 'expired' });
    expect(entra.checkAccessToken('made-up')).toEqual({ ok: false, reason: 'unknown' });
  });

  it('answers CORS preflights for the task pane origin', async () => {
    const res = await fetch(`${entra.authority}/contoso.test/oauth2/v2.0/token`, {
      method: 'OPTIONS',
      headers: { origin: 'https://localhost:3000', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://localhost:3000');
  });
});

describe('Entra stand-in: single-page application registrations', () => {
  it('redeems only cross-origin (with an Origin header), as Entra does for SPA redirect URIs', async () => {
    const spa = new EntraStandIn({ ...entra.options, spa: true });
    await spa.start();
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`${spa.authority}/contoso.test/oauth2/v2.0/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          body: new URLSearchParams({
            client_id: entra.options.clientId,
            grant_type: 'refresh_token',
            refresh_token: 'x',
          }),
        }).then(async (r) => (await r.json()) as { error_codes: number[] });
      expect((await post({})).error_codes).toEqual([9002327]);
      expect((await post({ origin: 'https://localhost:3000' })).error_codes).toEqual([9002313]);
    } finally {
      await spa.stop();
    }
  });
});
