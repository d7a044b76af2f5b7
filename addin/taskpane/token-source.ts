/// <reference types="office-js" />
/**
 * Access tokens for Microsoft Graph (Mail.Send, Mail.Read, Mail.ReadWrite), from whatever the host
 * supports, feature-detected in this order:
 * 1. Nested app authentication (NestedAppAuth 1.1): MSAL's nestable public client asks the Outlook
 *    host, which already holds the user's session, for a Graph token (silently, or with the host's own
 *    consent popup). No sign-in page of ours is involved.
 * 2. Authorization code + PKCE against Entra in an Office dialog (shared/auth/entra.ts), the documented
 *    way to reach Graph from an add-in without a middle tier: the dialog opens our auth-dialog.html,
 *    which goes to the authorize endpoint; Entra redirects back to it and it hands the final URL to the
 *    pane with messageParent. The code is redeemed here (SPA redirect URI, PKCE, no secret).
 *    Office SSO (`Office.auth.getAccessToken`, IdentityAPI 1.3) only supplies the login hint: its token
 *    is for the add-in's own API, and turning it into a Graph token needs an on-behalf-of exchange on
 *    a server, which Sello does not run.
 * Tokens live in this pane's memory only; refresh tokens are never written anywhere.
 */
import { GRAPH_SCOPES, refresh, signIn, type EntraConfig, type TokenSet } from '../../shared/auth/entra';
import { SelloError } from '../../shared/errors';

/** Mail.Send and Mail.Read for MIME; Mail.ReadWrite for the large-message draft (shared/auth). */
export const ADDIN_SCOPES = GRAPH_SCOPES;

export interface TokenSourceDeps {
  config: EntraConfig;
  crypto: Crypto;
  fetch: typeof fetch;
  now: () => number;
  /** Base URL of the add-in's pages, for auth-dialog.html. */
  pagesBase: string;
}

/** Mailbox / DialogApi feature detection, kept here so tests can see which path was taken. */
export function canUseDialog(): boolean {
  return (
    Office.context.requirements.isSetSupported('DialogApi', '1.1') && !!Office.context.ui?.displayDialogAsync
  );
}

export function canUseNestedAppAuth(): boolean {
  return Office.context.requirements.isSetSupported('NestedAppAuth', '1.1');
}

export function canUseSso(): boolean {
  return (
    Office.context.requirements.isSetSupported('IdentityAPI', '1.3') &&
    typeof Office.auth?.getAccessToken === 'function'
  );
}

/** Opens `url` (on the add-in's origin) in an Office dialog and resolves with what the page sends. */
export function launchInDialog(url: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    Office.context.ui.displayDialogAsync(
      url,
      { height: 60, width: 30, promptBeforeOpen: false },
      (result) => {
        if (result.status !== Office.AsyncResultStatus.Succeeded) {
          reject(
            new SelloError(
              'auth.dialog-failed',
              `Outlook could not open the sign-in window: ${result.error.message}`,
            ),
          );
          return;
        }
        const dialog = result.value;
        dialog.addEventHandler(Office.EventType.DialogMessageReceived, (arg) => {
          dialog.close();
          if ('message' in arg) resolve(arg.message);
          else reject(new SelloError('auth.cancelled', 'Sign-in was cancelled.'));
        });
        dialog.addEventHandler(Office.EventType.DialogEventReceived, () => {
          reject(new SelloError('auth.cancelled', 'Sign-in was cancelled or the window was closed.'));
        });
      },
    );
  });
}

async function ssoLoginHint(): Promise<string | undefined> {
  if (!canUseSso()) return undefined;
  try {
    const idToken = await Office.auth.getAccessToken({ allowSignInPrompt: false, allowConsentPrompt: false });
    const payload = JSON.parse(atob(idToken.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as {
      preferred_username?: string;
    };
    return payload.preferred_username;
  } catch {
    // SSO is optional here (only a hint); the dialog sign-in asks the user instead.
    return undefined;
  }
}

/** Loaded only on hosts with NestedAppAuth, so other hosts never download MSAL. */
async function nestedAppAuthToken(
  config: EntraConfig,
  pca: { current: Promise<import('@azure/msal-browser').IPublicClientApplication> | null },
  forceRefresh: boolean,
): Promise<string> {
  const msal = await import('@azure/msal-browser');
  pca.current ??= msal.createNestablePublicClientApplication({
    auth: { clientId: config.clientId, authority: `${config.authority.replace(/\/$/, '')}/${config.tenant}` },
    // MSAL's default is sessionStorage, readable by any script on the add-in's origin for the life of
    // the tab; the host already holds the session, so the pane keeps tokens in memory only.
    cache: { cacheLocation: 'memoryStorage' },
  });
  const client = await pca.current;
  const scopes = config.scopes;
  try {
    return (await client.acquireTokenSilent({ scopes, forceRefresh })).accessToken;
  } catch (e) {
    if (!(e instanceof msal.InteractionRequiredAuthError)) {
      throw new SelloError('auth.refused', 'Outlook could not provide a Microsoft 365 token.', { cause: e });
    }
    // Consent or a fresh sign-in is needed: the host shows its own prompt.
    return (await client.acquireTokenPopup({ scopes })).accessToken;
  }
}

export class TokenSource {
  private tokens: TokenSet | null = null;
  private readonly nested: boolean;
  private readonly pca: { current: Promise<import('@azure/msal-browser').IPublicClientApplication> | null } =
    {
      current: null,
    };

  constructor(private readonly deps: TokenSourceDeps) {
    this.nested = canUseNestedAppAuth();
  }

  /** Which way tokens come: through the host (no sign-in button needed) or our dialog sign-in. */
  get method(): 'nested-app-auth' | 'dialog' {
    return this.nested ? 'nested-app-auth' : 'dialog';
  }

  get signedIn(): boolean {
    return this.nested || this.tokens !== null;
  }

  async signIn(loginHint?: string): Promise<void> {
    if (!canUseDialog()) {
      throw new SelloError(
        'auth.unsupported',
        'This Outlook cannot show the Microsoft sign-in window (DialogApi 1.1).',
      );
    }
    const hint = loginHint ?? (await ssoLoginHint());
    this.tokens = await signIn(
      this.deps.config,
      {
        crypto: this.deps.crypto,
        fetch: this.deps.fetch,
        now: this.deps.now,
        launch: (authorizeUrl) => {
          const start = new URL('auth-dialog.html', this.deps.pagesBase);
          start.searchParams.set('start', authorizeUrl);
          return launchInDialog(start.href);
        },
      },
      hint,
    );
  }

  /** For GraphClient: a valid token, refreshed when expired or when Graph said 401. */
  getToken = async ({ forceRefresh }: { forceRefresh: boolean }): Promise<string> => {
    if (this.nested) return nestedAppAuthToken(this.deps.config, this.pca, forceRefresh);
    if (!this.tokens) throw new SelloError('auth.sign-in-required', 'Sign in to Microsoft 365 first.');
    if (forceRefresh || this.tokens.expiresAt <= this.deps.now()) {
      if (!this.tokens.refreshToken) {
        this.tokens = null;
        throw new SelloError('auth.sign-in-required', 'The sign-in has expired; sign in again.');
      }
      try {
        this.tokens = await refresh(this.deps.config, this.tokens.refreshToken, this.deps);
      } catch (e) {
        this.tokens = null;
        throw e;
      }
    }
    return this.tokens.accessToken;
  };
}
