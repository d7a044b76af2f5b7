/**
 * Which way the add-in gets Graph tokens, with an Office object from office-addin-mock: nested app
 * authentication through MSAL's nestable client when the host offers NestedAppAuth 1.1 (silent first,
 * the host's popup when interaction is required), otherwise the dialog sign-in.
 */
import { OfficeMockObject } from 'office-addin-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const msal = vi.hoisted(() => {
  class InteractionRequiredAuthError extends Error {}
  const client = {
    acquireTokenSilent: vi.fn(async () => ({ accessToken: 'silent-token' })),
    acquireTokenPopup: vi.fn(async () => ({ accessToken: 'popup-token' })),
  };
  return {
    InteractionRequiredAuthError,
    client,
    createNestablePublicClientApplication: vi.fn(async () => client),
  };
});
vi.mock('@azure/msal-browser', () => msal);

const config = {
  authority: 'https://login.microsoftonline.com',
  tenant: 'contoso.onmicrosoft.com',
  clientId: '0f6a1c55-7b0e-4c39-9d6e-5e2d8b1a9c01',
  redirectUri: 'https://localhost:3000/auth-dialog.html',
  scopes: ['https://graph.microsoft.com/Mail.Send'],
};

function office(sets: Record<string, boolean>) {
  return new OfficeMockObject({
    host: 'outlook',
    context: { requirements: { isSetSupported: (name: string) => sets[name] ?? false } },
  });
}

async function tokenSource() {
  const { TokenSource } = await import('../../../addin/taskpane/token-source');
  return new TokenSource({
    config,
    crypto: globalThis.crypto,
    fetch: globalThis.fetch,
    now: Date.now,
    pagesBase: 'https://localhost:3000/',
  });
}

beforeEach(() => {
  msal.client.acquireTokenSilent.mockClear();
  msal.client.acquireTokenPopup.mockClear();
  msal.createNestablePublicClientApplication.mockClear();
});
afterEach(() => vi.unstubAllGlobals());

describe('TokenSource', () => {
  it('uses nested app authentication when the host supports NestedAppAuth 1.1', async () => {
    vi.stubGlobal('Office', office({ NestedAppAuth: true, DialogApi: true }));
    const t = await tokenSource();
    expect(t.method).toBe('nested-app-auth');
    expect(t.signedIn).toBe(true);
    expect(await t.getToken({ forceRefresh: false })).toBe('silent-token');
    expect(msal.createNestablePublicClientApplication).toHaveBeenCalledWith({
      auth: {
        clientId: config.clientId,
        authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
      },
      cache: { cacheLocation: 'memoryStorage' },
    });
    expect(msal.client.acquireTokenSilent).toHaveBeenCalledWith({
      scopes: config.scopes,
      forceRefresh: false,
    });
  });

  it("falls back to the host's popup when MSAL says interaction is required", async () => {
    vi.stubGlobal('Office', office({ NestedAppAuth: true }));
    msal.client.acquireTokenSilent.mockRejectedValueOnce(
      new msal.InteractionRequiredAuthError('consent_required'),
    );
    const t = await tokenSource();
    expect(await t.getToken({ forceRefresh: true })).toBe('popup-token');
    expect(msal.client.acquireTokenPopup).toHaveBeenCalledWith({ scopes: config.scopes });
  });

  it('uses the dialog sign-in elsewhere, and asks for it before any Graph call', async () => {
    vi.stubGlobal('Office', office({ DialogApi: true }));
    const t = await tokenSource();
    expect(t.method).toBe('dialog');
    expect(t.signedIn).toBe(false);
    await expect(t.getToken({ forceRefresh: false })).rejects.toMatchObject({
      code: 'auth.sign-in-required',
    });
    expect(msal.createNestablePublicClientApplication).not.toHaveBeenCalled();
  });
});
