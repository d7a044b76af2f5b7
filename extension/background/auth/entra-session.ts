/**
 * Microsoft 365 sign-in for the service worker: authorization code + PKCE against Entra through
 * chrome.identity.launchWebAuthFlow (shared/auth/entra), tenant, client id and authority from the
 * settings (admin policy locks them). Tokens live in worker memory and in storage.session, which
 * Chromium keeps in memory only and clears when the browser closes; they never reach disk, a frame or
 * the page. A refused refresh puts the session into "sign in again", which the OWA panel shows; that
 * state is kept in storage.session too, so a restarted worker (MV3 stops idle ones) still says "sign in
 * again" instead of a plain "sign in".
 */
import browser from 'webextension-polyfill';
import { SelloError, isSelloError } from '../../../shared/errors';
import { graphScopes, refresh, signIn, type EntraConfig, type TokenSet } from '../../../shared/auth/entra';
import type { Settings } from '../../../shared/policy/settings-definition';
import { currentSettings } from '../settings';
import type { AuthStatusView } from '../graph/owa-messages';

const SESSION_KEY = 'graphTokens';
const SIGN_IN_REQUIRED_KEY = 'graphSignInRequired';

let tokens: TokenSet | null = null;
let loaded = false;
let signInRequired = false;
let refreshing: Promise<TokenSet> | null = null;

/** The redirect URI the app registration must list: https://<extension-id>.chromiumapp.org/ */
export function redirectUri(): string {
  return browser.identity.getRedirectURL();
}

export function entraConfig(s: Settings): EntraConfig {
  if (!s.graphClientId) {
    throw new SelloError(
      'auth.not-configured',
      'Microsoft 365 sign-in is not set up: your organisation must set the Sello app (client) id.',
    );
  }
  return {
    authority: s.authorityUrl,
    tenant: s.graphTenantId,
    clientId: s.graphClientId,
    redirectUri: redirectUri(),
    // For the Graph the settings point at (sovereign clouds have their own resource URI).
    scopes: graphScopes(s.graphUrl),
  };
}

async function load(): Promise<void> {
  if (loaded) return;
  loaded = true;
  // storage.session survives a worker restart (MV3 stops idle workers) but not the browser.
  const stored = await browser.storage.session.get([SESSION_KEY, SIGN_IN_REQUIRED_KEY]);
  const t = stored[SESSION_KEY] as TokenSet | undefined;
  if (t && !tokens) tokens = t;
  if (stored[SIGN_IN_REQUIRED_KEY] === true) signInRequired = true;
}

async function setSignInRequired(required: boolean): Promise<void> {
  signInRequired = required;
  if (required) await browser.storage.session.set({ [SIGN_IN_REQUIRED_KEY]: true });
  else await browser.storage.session.remove(SIGN_IN_REQUIRED_KEY);
}

async function store(t: TokenSet | null): Promise<void> {
  tokens = t;
  if (t) await browser.storage.session.set({ [SESSION_KEY]: t });
  else await browser.storage.session.remove(SESSION_KEY);
}

export async function authStatus(): Promise<AuthStatusView> {
  await load();
  const s = await currentSettings();
  return { configured: s.graphClientId !== '', signedIn: tokens !== null, signInRequired };
}

/** Interactive sign-in; the Entra page (or the stand-in) runs in the browser's auth window. */
export async function signInInteractive(): Promise<AuthStatusView> {
  await load();
  const config = entraConfig(await currentSettings());
  const t = await signIn(config, {
    crypto,
    fetch: (input, init) => fetch(input, init),
    now: Date.now,
    launch: (url) =>
      browser.identity.launchWebAuthFlow({ url, interactive: true }).then((r) => {
        if (!r) throw new SelloError('auth.cancelled', 'Sign-in was cancelled.');
        return r;
      }),
  });
  await setSignInRequired(false);
  await store(t);
  return authStatus();
}

export async function signOut(): Promise<AuthStatusView> {
  await load();
  await store(null);
  await setSignInRequired(false);
  return authStatus();
}

async function needSignIn(cause?: unknown): Promise<SelloError> {
  await setSignInRequired(true);
  return new SelloError('auth.sign-in-required', 'Your Microsoft 365 sign-in has expired; sign in again.', {
    cause,
  });
}

/**
 * A usable access token for GraphClient: the stored one while it is fresh, else one refresh (shared by
 * concurrent callers). `forceRefresh` is GraphClient's answer to a 401 for a token we thought valid.
 */
export async function accessToken(opts: { forceRefresh: boolean }): Promise<string> {
  await load();
  const t = tokens;
  if (!t) throw await needSignIn();
  if (!opts.forceRefresh && t.expiresAt > Date.now()) return t.accessToken;
  if (!t.refreshToken) {
    await store(null);
    throw await needSignIn();
  }
  const config = entraConfig(await currentSettings());
  refreshing ??= refresh(config, t.refreshToken, { fetch: (i, init) => fetch(i, init), now: Date.now });
  try {
    const next = await refreshing;
    await store(next);
    return next.accessToken;
  } catch (e) {
    // invalid_grant (revoked or expired refresh token) means an interactive sign-in; a network error
    // keeps the tokens so the next try can refresh.
    if (isSelloError(e) && (e.code === 'auth.sign-in-required' || e.code === 'auth.refused')) {
      await store(null);
      throw await needSignIn(e);
    }
    throw e;
  } finally {
    refreshing = null;
  }
}

/** Graph said 401 even after a refresh: the session is no good any more. */
export async function markSignInRequired(): Promise<void> {
  await load();
  await store(null);
  await setSignInRequired(true);
}
