// @vitest-environment jsdom
/**
 * The real MSAL nestable client behind TokenSource, with a stand-in for the Outlook host's nested app
 * authentication bridge (window.nestedAppAuthBridge, the only Microsoft part replaced): after a token
 * is obtained, neither sessionStorage nor localStorage holds it, nor any MSAL cache entry. MSAL's
 * default (sessionStorage) would leave the access and id tokens readable by any script on the origin.
 */
import { OfficeMockObject } from 'office-addin-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';

const ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QifQ.stand-in-access-token-4242.sig';
const b64url = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '00000000-0000-0000-66f3-3332eca7ea81';
const ID_TOKEN = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url({
  aud: '0f6a1c55-7b0e-4c39-9d6e-5e2d8b1a9c01',
  iss: `https://login.microsoftonline.com/${TENANT}/v2.0`,
  tid: TENANT,
  oid: OID,
  sub: 'stand-in-subject',
  preferred_username: 'bob@contoso.example',
  name: 'Bob',
  iat: Math.floor(Date.now() / 1000),
  exp: Math.floor(Date.now() / 1000) + 3600,
})}.stand-in-id-token-signature`;

const account = {
  homeAccountId: `${OID}.${TENANT}`,
  environment: 'login.microsoftonline.com',
  tenantId: TENANT,
  username: 'bob@contoso.example',
  localAccountId: OID,
  name: 'Bob',
};

/** What Outlook's NAA bridge answers: an init context, then tokens for GetToken/GetTokenPopup. */
function installBridge(): string[] {
  const seen: string[] = [];
  const listeners: ((m: string) => void)[] = [];
  (window as unknown as { nestedAppAuthBridge: unknown }).nestedAppAuthBridge = {
    addEventListener: (_: string, cb: (m: string) => void) => listeners.push(cb),
    removeEventListener: () => undefined,
    postMessage: (raw: string) => {
      const req = JSON.parse(raw) as { method: string; requestId: string };
      seen.push(req.method);
      const reply =
        req.method === 'GetInitContext'
          ? {
              initContext: {
                sdkName: 'stand-in-host',
                sdkVersion: '1.0',
                accountContext: { homeAccountId: account.homeAccountId, loginHint: account.username },
                capabilities: { queryAccount: false },
              },
            }
          : {
              token: {
                access_token: ACCESS_TOKEN,
                id_token: ID_TOKEN,
                expires_in: 3600,
                scope: 'https://graph.microsoft.com/Mail.Send',
                token_type: 'Bearer',
              },
              account,
            };
      setTimeout(() => {
        for (const l of listeners)
          l(
            JSON.stringify({
              messageType: 'NestedAppAuthResponse',
              requestId: req.requestId,
              success: true,
              ...reply,
            }),
          );
      }, 0);
    },
  };
  return seen;
}

afterEach(() => vi.unstubAllGlobals());

describe('TokenSource with the real MSAL client', () => {
  it('keeps nested-app-auth tokens out of sessionStorage and localStorage', async () => {
    const seen = installBridge();
    vi.stubGlobal(
      'Office',
      new OfficeMockObject({
        host: 'outlook',
        context: { requirements: { isSetSupported: (name: string) => name === 'NestedAppAuth' } },
      }),
    );
    const { TokenSource } = await import('../../../addin/taskpane/token-source');
    const t = new TokenSource({
      config: {
        authority: 'https://login.microsoftonline.com',
        tenant: TENANT,
        clientId: '0f6a1c55-7b0e-4c39-9d6e-5e2d8b1a9c01',
        redirectUri: 'https://localhost:3000/auth-dialog.html',
        scopes: ['https://graph.microsoft.com/Mail.Send'],
      },
      crypto: globalThis.crypto,
      fetch: globalThis.fetch,
      now: Date.now,
      pagesBase: 'https://localhost:3000/',
    });
    expect(t.method).toBe('nested-app-auth');
    expect(await t.getToken({ forceRefresh: false })).toBe(ACCESS_TOKEN);
    expect(seen).toContain('GetToken');
    // A second call is answered from MSAL's (memory) cache or the bridge; either way, same token.
    expect(await t.getToken({ forceRefresh: false })).toBe(ACCESS_TOKEN);

    const stored = [sessionStorage, localStorage].flatMap((s) =>
      Array.from({ length: s.length }, (_, i) => `${s.key(i)}=${s.getItem(s.key(i)!)}`),
    );
    const everything = stored.join('\n');
    expect(everything).not.toContain('stand-in-access-token');
    expect(everything).not.toContain('stand-in-id-token');
    expect(everything).not.toMatch(/accesstoken|idtoken/i);
  });
});
