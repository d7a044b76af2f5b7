/**
 * Microsoft identity platform v2.0 authorization code flow with PKCE, as documented at
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow. The host supplies
 * how to show the sign-in page (chrome.identity.launchWebAuthFlow in the extension) and fetch.
 * Tokens are returned to the caller, who keeps them in memory or session storage only.
 */
import { SelloError } from '../errors';
import { createPkcePair, randomToken } from './pkce';

/**
 * Mail.Send and Mail.Read send and read MIME. Mail.ReadWrite is needed too: Graph requires it to create
 * the IPM.Note.SMIME draft of the large-message path and to delete a plaintext OWA draft on request.
 */
const MAIL_PERMISSIONS = ['Mail.Send', 'Mail.Read', 'Mail.ReadWrite'];

/**
 * The delegated scopes for the Graph at `graphUrl`. A scope names its resource by the resource's
 * identifier URI, and each national cloud's Graph is its own resource (https://graph.microsoft.us,
 * https://dod-graph.microsoft.us, https://microsoftgraph.chinacloudapi.cn): a token asked for
 * graph.microsoft.com is not accepted by the Graph a sovereign-cloud tenant is configured with.
 */
export function graphScopes(graphUrl: string): string[] {
  let origin = 'null';
  try {
    origin = new URL(graphUrl).origin;
  } catch {
    // Falls through to the typed error below: the setting is not a URL.
  }
  if (origin === 'null') {
    throw new SelloError('auth.not-configured', `The Microsoft Graph URL setting is not a URL: ${graphUrl}`);
  }
  return MAIL_PERMISSIONS.map((p) => `${origin}/${p}`);
}

/** The public cloud's scopes (graph.microsoft.com). */
export const GRAPH_SCOPES = graphScopes('https://graph.microsoft.com');

export interface EntraConfig {
  authority: string; // e.g. https://login.microsoftonline.com
  tenant: string;
  clientId: string;
  redirectUri: string;
  scopes: string[];
}

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  /** Epoch ms after which the access token must not be used (a minute of slack taken off). */
  expiresAt: number;
  scope: string;
}

export function authorizeUrl(c: EntraConfig, challenge: string, state: string, loginHint?: string): string {
  const u = new URL(
    `${c.authority.replace(/\/$/, '')}/${encodeURIComponent(c.tenant)}/oauth2/v2.0/authorize`,
  );
  u.searchParams.set('client_id', c.clientId);
  u.searchParams.set('response_type', 'code');
  u.searchParams.set('redirect_uri', c.redirectUri);
  u.searchParams.set('response_mode', 'query');
  u.searchParams.set('scope', [...c.scopes, 'offline_access'].join(' '));
  u.searchParams.set('state', state);
  u.searchParams.set('code_challenge', challenge);
  u.searchParams.set('code_challenge_method', 'S256');
  if (loginHint) u.searchParams.set('login_hint', loginHint);
  return u.href;
}

function tokenEndpoint(c: EntraConfig): string {
  return `${c.authority.replace(/\/$/, '')}/${encodeURIComponent(c.tenant)}/oauth2/v2.0/token`;
}

interface TokenResponse {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

async function postToken(
  c: EntraConfig,
  form: Record<string, string>,
  fetchFn: typeof fetch,
  now: () => number,
): Promise<TokenSet> {
  let res: Response;
  try {
    res = await fetchFn(tokenEndpoint(c), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: c.clientId, ...form }).toString(),
    });
  } catch (e) {
    throw new SelloError('auth.network', 'Could not reach the Microsoft sign-in service.', { cause: e });
  }
  let body: TokenResponse;
  try {
    body = (await res.json()) as TokenResponse;
  } catch (e) {
    throw new SelloError('auth.bad-response', `The sign-in service answered ${res.status} without JSON.`, {
      cause: e,
    });
  }
  if (!res.ok || !body.access_token) {
    // invalid_grant: the refresh token or code is expired or revoked -> the user must sign in again.
    const code = body.error === 'invalid_grant' ? 'auth.sign-in-required' : 'auth.refused';
    const first = (body.error_description ?? body.error ?? `HTTP ${res.status}`).split(/\r?\n/)[0];
    throw new SelloError(code, `Sign-in refused: ${first}`);
  }
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? null,
    expiresAt: now() + Math.max(0, (body.expires_in ?? 3600) - 60) * 1000,
    scope: body.scope ?? '',
  };
}

export interface SignInDeps {
  crypto: Crypto;
  fetch: typeof fetch;
  now: () => number;
  /** Shows the authorize URL and resolves with the final redirect URL (launchWebAuthFlow). */
  launch: (url: string) => Promise<string>;
}

/** Interactive sign-in: authorize with PKCE, check state, redeem the code. */
export async function signIn(c: EntraConfig, deps: SignInDeps, loginHint?: string): Promise<TokenSet> {
  const pkce = await createPkcePair(deps.crypto);
  const state = randomToken(deps.crypto);
  let redirect: URL;
  try {
    redirect = new URL(await deps.launch(authorizeUrl(c, pkce.challenge, state, loginHint)));
  } catch (e) {
    throw new SelloError('auth.cancelled', 'Sign-in was cancelled or the window was closed.', { cause: e });
  }
  if (redirect.searchParams.get('state') !== state) {
    throw new SelloError(
      'auth.state-mismatch',
      'Sign-in answer did not match the request (state); try again.',
    );
  }
  const error = redirect.searchParams.get('error');
  if (error) {
    throw new SelloError(
      'auth.refused',
      `Sign-in refused: ${redirect.searchParams.get('error_description') ?? error}`,
    );
  }
  const code = redirect.searchParams.get('code');
  if (!code) throw new SelloError('auth.bad-response', 'Sign-in answer carried no authorization code.');
  return postToken(
    c,
    {
      grant_type: 'authorization_code',
      code,
      redirect_uri: c.redirectUri,
      code_verifier: pkce.verifier,
      scope: [...c.scopes, 'offline_access'].join(' '),
    },
    deps.fetch,
    deps.now,
  );
}

export async function refresh(
  c: EntraConfig,
  refreshToken: string,
  deps: Pick<SignInDeps, 'fetch' | 'now'>,
): Promise<TokenSet> {
  const t = await postToken(
    c,
    {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      scope: [...c.scopes, 'offline_access'].join(' '),
    },
    deps.fetch,
    deps.now,
  );
  // Entra may omit a new refresh token; keep the old one then.
  return { ...t, refreshToken: t.refreshToken ?? refreshToken };
}
