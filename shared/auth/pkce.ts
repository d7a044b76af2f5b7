/**
 * PKCE (RFC 7636) for the authorization code flow against Microsoft Entra: the verifier never leaves
 * the service worker / task pane; only its S256 challenge goes into the authorize URL.
 */
import { toBase64 } from '../bytes';

export interface PkcePair {
  verifier: string;
  challenge: string;
  method: 'S256';
}

export function base64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** RFC 7636 §4.1: 32 random octets -> a 43-character base64url verifier. */
export async function createPkcePair(crypto: Crypto): Promise<PkcePair> {
  const verifier = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge: base64Url(digest), method: 'S256' };
}

/** An opaque random value for `state` (CSRF) and `nonce`. */
export function randomToken(crypto: Crypto): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(24)));
}
