/**
 * The service worker's Microsoft 365 session (extension/background/auth/entra-session.ts) with the
 * browser's storage.session modelled as a map that outlives the module, so a worker restart (MV3 stops
 * idle workers) is a fresh import over the same storage. Also: the scopes follow the Graph URL setting.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { defaultSettings, type Settings } from '../../../shared/policy/settings-definition';
import { graphScopes } from '../../../shared/auth/entra';

const session = new Map<string, unknown>();
let settings: Settings;

vi.mock('webextension-polyfill', () => ({
  default: {
    identity: { getRedirectURL: () => 'https://abcdefghijklmnopabcdefghijklmnop.chromiumapp.org/' },
    storage: {
      session: {
        get: async (keys: string | string[]) =>
          Object.fromEntries(
            [keys].flat().flatMap((k) => (session.has(k) ? [[k, structuredClone(session.get(k))]] : [])),
          ),
        set: async (items: Record<string, unknown>) => {
          for (const [k, v] of Object.entries(items)) session.set(k, structuredClone(v));
        },
        remove: async (keys: string | string[]) => {
          for (const k of [keys].flat()) session.delete(k);
        },
      },
    },
  },
}));
vi.mock('../../../extension/background/settings', () => ({ currentSettings: async () => settings }));

/** A fresh service worker: module state gone, storage.session kept. */
async function worker() {
  vi.resetModules();
  return import('../../../extension/background/auth/entra-session');
}

beforeEach(() => {
  session.clear();
  settings = { ...defaultSettings(), graphClientId: '11111111-2222-3333-4444-555555555555' };
});

describe('the sign-in session across service-worker restarts', () => {
  it('still says "sign in again" after a restart when the refresh was refused', async () => {
    let w = await worker();
    // An expired access token without a refresh token: the worker must ask for an interactive sign-in.
    session.set('graphTokens', { accessToken: 'a', refreshToken: null, expiresAt: 0, scope: '' });
    // A fresh import has its own SelloError class, so the code is compared, not the class.
    await expect(w.accessToken({ forceRefresh: false })).rejects.toMatchObject({
      code: 'auth.sign-in-required',
    });
    expect(await w.authStatus()).toEqual({ configured: true, signedIn: false, signInRequired: true });
    w = await worker();
    expect(await w.authStatus()).toEqual({ configured: true, signedIn: false, signInRequired: true });
  });

  it('keeps "sign in again" set by a Graph 401 and forgets it on sign-out, across restarts', async () => {
    let w = await worker();
    session.set('graphTokens', {
      accessToken: 'a',
      refreshToken: 'r',
      expiresAt: Date.now() + 3600_000,
      scope: '',
    });
    expect((await w.authStatus()).signedIn).toBe(true);
    await w.markSignInRequired();
    w = await worker();
    expect(await w.authStatus()).toMatchObject({ signedIn: false, signInRequired: true });
    await w.signOut();
    w = await worker();
    expect(await w.authStatus()).toMatchObject({ signedIn: false, signInRequired: false });
  });
});

describe('Graph scopes', () => {
  it('name the Graph the settings point at, so a sovereign cloud gets tokens for its own Graph', async () => {
    const w = await worker();
    expect(w.entraConfig(settings).scopes).toEqual([
      'https://graph.microsoft.com/Mail.Send',
      'https://graph.microsoft.com/Mail.Read',
      'https://graph.microsoft.com/Mail.ReadWrite',
    ]);
    const us = w.entraConfig({ ...settings, graphUrl: 'https://graph.microsoft.us/' }).scopes;
    expect(us).toEqual([
      'https://graph.microsoft.us/Mail.Send',
      'https://graph.microsoft.us/Mail.Read',
      'https://graph.microsoft.us/Mail.ReadWrite',
    ]);
    expect(graphScopes('https://microsoftgraph.chinacloudapi.cn/v1.0')[0]).toBe(
      'https://microsoftgraph.chinacloudapi.cn/Mail.Send',
    );
  });

  it('refuses a Graph URL that is not a URL with a typed error', () => {
    expect(() => graphScopes('not a url')).toThrow(expect.objectContaining({ code: 'auth.not-configured' }));
  });
});
