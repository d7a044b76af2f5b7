/**
 * The service worker's GraphClient: base URL from the settings (policy may lock it), tokens from the
 * Entra session. A 401 that survives one refresh ends the session ("sign in again").
 */
import { isSelloError } from '../../../shared/errors';
import { GraphClient } from '../../../shared/graph/graph-client';
import { accessToken, markSignInRequired } from '../auth/entra-session';
import { currentSettings } from '../settings';

export async function graphClient(): Promise<GraphClient> {
  const s = await currentSettings();
  return new GraphClient({
    baseUrl: s.graphUrl,
    fetch: (input, init) => fetch(input, init),
    getToken: accessToken,
  });
}

/** Runs a Graph call; a refused sign-in is remembered so the OWA panel shows "sign in again". */
export async function withGraph<T>(work: (g: GraphClient) => Promise<T>): Promise<T> {
  try {
    return await work(await graphClient());
  } catch (e) {
    if (isSelloError(e) && e.code === 'graph.unauthorized') await markSignInRequired();
    throw e;
  }
}

/** Whether the organisation configured Graph (a client id), so sending goes through it. */
export async function graphConfigured(): Promise<boolean> {
  return (await currentSettings()).graphClientId !== '';
}
