/**
 * STAND-IN for Microsoft Entra ID (the Microsoft identity platform v2.0 endpoints), follows
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow (sections "Request an
 * authorization code", "Redeem a code for an access token", "Refresh the access token", and the error
 * response shape with AADSTS codes, https://learn.microsoft.com/entra/identity-platform/reference-error-codes),
 * and RFC 7636 (PKCE, S256).
 *
 * What it models: one tenant, one public client (an SPA / add-in registration: no client secret), its
 * registered redirect URIs, and one signed-in user who has already consented (so /authorize answers at
 * once with a redirect instead of a sign-in page). Access tokens are opaque random strings, not JWTs:
 * the Graph stand-in asks this object whether a token is valid, expired and which scopes it carries.
 * Every request is checked; a wrong one gets the documented error (a redirect with `error` when the
 * redirect URI is trusted, an error page otherwise, JSON with `error_codes` from /token).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerPreflight, applyCors, headerValue, readBody, sendJson } from '../graph/http-helpers';

export interface EntraStandInOptions {
  tenant: string;
  clientId: string;
  redirectUris: string[];
  /** Scopes a token request must include (short names, e.g. 'Mail.Send'). */
  requiredScopes: string[];
  /**
   * The redirect URIs are of the Single-page application platform: Entra then redeems codes and refresh
   * tokens only in cross-origin requests (with an Origin header), AADSTS9002327 otherwise.
   */
  spa?: boolean;
  /** Access token lifetime in seconds (Entra: 60-90 minutes; tests shorten it). */
  accessTokenSeconds?: number;
  /** Authorization code lifetime (Entra: about 10 minutes). */
  codeSeconds?: number;
  userPrincipalName?: string;
  now?: () => number;
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  challenge: string;
  scopes: string[];
  expiresAt: number;
  redeemed: boolean;
}

interface AccessTokenRecord {
  scopes: string[];
  expiresAt: number;
  upn: string;
}

interface RefreshTokenRecord {
  clientId: string;
  scopes: string[];
  revoked: boolean;
}

export type TokenCheck =
  { ok: true; scopes: string[]; upn: string } | { ok: false; reason: 'unknown' | 'expired' };

export interface EntraRequestRecord {
  endpoint: 'authorize' | 'token';
  params: Record<string, string>;
  status: number;
  error?: string;
}

const GRAPH_RESOURCE = 'https://graph.microsoft.com/';
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

/**
 * 'https://graph.microsoft.com/Mail.Send' and 'Mail.Send' name the same Graph permission. A Graph
 * stand-in on loopback plays Graph's part under its own origin (clients build scopes from the Graph
 * URL, as sovereign clouds need), so 'http://127.0.0.1:<port>/Mail.Send' names it too.
 */
export function normaliseScope(scope: string): string {
  if (scope.startsWith(GRAPH_RESOURCE)) return scope.slice(GRAPH_RESOURCE.length);
  const loopback = /^http:\/\/(127\.0\.0\.1|localhost):\d+\/([A-Za-z.]+)$/.exec(scope);
  return loopback ? loopback[2]! : scope;
}

function base64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** RFC 7636 §4.1: 43-128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER_SYNTAX = /^[A-Za-z0-9\-._~]{43,128}$/;
/** RFC 7636 §4.2: S256 challenge is BASE64URL(SHA256(verifier)), 43 characters. */
const CHALLENGE_SYNTAX = /^[A-Za-z0-9\-_]{43}$/;

export class EntraStandIn {
  readonly requests: EntraRequestRecord[] = [];
  private readonly codes = new Map<string, CodeRecord>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private server: Server | undefined;
  private readonly now: () => number;
  port = 0;

  constructor(readonly options: EntraStandInOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The authority the client is configured with (https://login.microsoftonline.com in production). */
  get authority(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        // A bug in the stand-in itself: answer 500 so the test sees it instead of hanging.
        sendJson(res, 500, { error: 'server_error', error_description: String(e) });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Asked by the Graph stand-in for every request. */
  checkAccessToken(token: string): TokenCheck {
    const rec = this.accessTokens.get(token);
    if (!rec) return { ok: false, reason: 'unknown' };
    if (rec.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, scopes: rec.scopes, upn: rec.upn };
  }

  /** Fault injection: every access token issued so far is now past its lifetime. */
  expireAccessTokens(): void {
    for (const rec of this.accessTokens.values()) rec.expiresAt = 0;
  }

  /** Fault injection: the user's refresh tokens were revoked (password change, admin action). */
  revokeRefreshTokens(): void {
    for (const rec of this.refreshTokens.values()) rec.revoked = true;
  }

  /** An access token as a broker (NAA, or a test harness) would obtain it, for tests of Graph alone. */
  mintAccessToken(scopes: string[] = this.options.requiredScopes): string {
    return this.issueAccess(scopes.map(normaliseScope));
  }

  private issueAccess(scopes: string[]): string {
    const token = `standin-at.${base64Url(randomBytes(32))}`;
    this.accessTokens.set(token, {
      scopes,
      expiresAt: this.now() + (this.options.accessTokenSeconds ?? 3600) * 1000,
      upn: this.options.userPrincipalName ?? 'alice@example.test',
    });
    return token;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (answerPreflight(req, res)) return;
    applyCors(req, res);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const m = /^\/([^/]+)\/oauth2\/v2\.0\/(authorize|token)$/.exec(url.pathname);
    if (!m) {
      sendJson(res, 404, { error: 'not_found' });
      return;
    }
    const tenant = decodeURIComponent(m[1]!);
    const known = [this.options.tenant, 'common', 'organizations'];
    if (m[2] === 'authorize') {
      if (req.method !== 'GET') return this.methodNotAllowed(res);
      const params = Object.fromEntries(url.searchParams);
      if (!known.includes(tenant)) {
        return this.errorPage(res, params, 'invalid_tenant', 90002, `Tenant '${tenant}' not found.`);
      }
      return this.authorize(res, params);
    }
    if (req.method !== 'POST') return this.methodNotAllowed(res);
    const body = await readBody(req, 1024 * 1024);
    const contentType = (headerValue(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const params =
      contentType === 'application/x-www-form-urlencoded'
        ? Object.fromEntries(new URLSearchParams(Buffer.from(body.bytes).toString('utf8')))
        : {};
    if (!known.includes(tenant)) {
      return this.tokenError(res, params, 400, 'invalid_request', 90002, `Tenant '${tenant}' not found.`);
    }
    if (contentType !== 'application/x-www-form-urlencoded') {
      // Entra reads the form body only; anything else looks like a request without parameters.
      return this.tokenError(
        res,
        params,
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'grant_type'.",
      );
    }
    if (this.options.spa && !headerValue(req, 'origin')) {
      return this.tokenError(
        res,
        params,
        400,
        'invalid_request',
        9002327,
        "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
      );
    }
    return this.token(res, params);
  }

  private methodNotAllowed(res: ServerResponse): void {
    sendJson(res, 405, { error: 'invalid_request', error_description: 'Method not allowed.' });
  }

  private authorize(res: ServerResponse, p: Record<string, string>): void {
    // Until client_id and redirect_uri are trusted, errors go to an error page, never to the redirect URI.
    if (!p.client_id) {
      return this.errorPage(
        res,
        p,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      );
    }
    if (p.client_id !== this.options.clientId) {
      return this.errorPage(
        res,
        p,
        'unauthorized_client',
        700016,
        `Application with identifier '${p.client_id}' was not found in the directory.`,
      );
    }
    if (!p.redirect_uri || !this.options.redirectUris.includes(p.redirect_uri)) {
      return this.errorPage(
        res,
        p,
        'invalid_request',
        50011,
        `The redirect URI '${p.redirect_uri ?? ''}' specified in the request does not match the redirect URIs configured for the application.`,
      );
    }
    const redirectError = (error: string, code: number, message: string) => {
      this.requests.push({ endpoint: 'authorize', params: p, status: 302, error });
      const target = new URL(p.redirect_uri!);
      target.searchParams.set('error', error);
      target.searchParams.set('error_description', `AADSTS${code}: ${message}`);
      if (p.state !== undefined) target.searchParams.set('state', p.state);
      res.writeHead(302, { location: target.href }).end();
    };
    if (p.response_type !== 'code') {
      return redirectError(
        'unsupported_response_type',
        700054,
        `response_type '${p.response_type ?? ''}' is not enabled for the application.`,
      );
    }
    const scopes = (p.scope ?? '').split(' ').filter(Boolean).map(normaliseScope);
    const missing = this.options.requiredScopes.filter((s) => !scopes.includes(s));
    if (!p.scope || missing.length > 0 || !scopes.includes('offline_access')) {
      return redirectError(
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid (missing ${[...missing, 'offline_access'].join(', ')}).`,
      );
    }
    // Public clients (SPA, add-in) must use PKCE; this stand-in accepts only S256, as Sello sends.
    if (!p.code_challenge || !CHALLENGE_SYNTAX.test(p.code_challenge)) {
      return redirectError(
        'invalid_request',
        9002325,
        'Proof Key for Code Exchange is required for cross-origin authorization code redemption.',
      );
    }
    if (p.code_challenge_method !== 'S256') {
      return redirectError(
        'invalid_request',
        501491,
        `Invalid size of Code_Challenge parameter or unsupported method '${p.code_challenge_method ?? 'plain'}'.`,
      );
    }
    const code = `standin-code.${base64Url(randomBytes(24))}`;
    this.codes.set(code, {
      clientId: p.client_id,
      redirectUri: p.redirect_uri,
      challenge: p.code_challenge,
      scopes,
      expiresAt: this.now() + (this.options.codeSeconds ?? 600) * 1000,
      redeemed: false,
    });
    this.requests.push({ endpoint: 'authorize', params: p, status: 302 });
    const target = new URL(p.redirect_uri);
    const answer = new URLSearchParams({ code, ...(p.state !== undefined ? { state: p.state } : {}) });
    if (p.response_mode === 'fragment') target.hash = answer.toString();
    else for (const [k, v] of answer) target.searchParams.set(k, v);
    res.writeHead(302, { location: target.href }).end();
  }

  private token(res: ServerResponse, p: Record<string, string>): void {
    const fail = (status: number, error: string, code: number, message: string) =>
      this.tokenError(res, p, status, error, code, message);
    const missing = (name: string) =>
      fail(
        400,
        'invalid_request',
        900144,
        `The request body must contain the following parameter: '${name}'.`,
      );
    if (!p.grant_type) return missing('grant_type');
    if (!p.client_id) return missing('client_id');
    if (p.client_id !== this.options.clientId) {
      return fail(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${p.client_id}' was not found in the directory.`,
      );
    }
    if (p.client_secret !== undefined || p.client_assertion !== undefined) {
      return fail(
        401,
        'invalid_client',
        700025,
        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
      );
    }
    if (p.grant_type === 'authorization_code') return this.redeemCode(res, p, fail, missing);
    if (p.grant_type === 'refresh_token') return this.redeemRefresh(res, p, fail, missing);
    return fail(
      400,
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${p.grant_type}'.`,
    );
  }

  private redeemCode(
    res: ServerResponse,
    p: Record<string, string>,
    fail: (status: number, error: string, code: number, message: string) => void,
    missing: (name: string) => void,
  ): void {
    if (!p.code) return missing('code');
    if (!p.redirect_uri) return missing('redirect_uri');
    if (!p.code_verifier) return missing('code_verifier');
    const rec = this.codes.get(p.code);
    if (!rec || rec.clientId !== p.client_id) {
      return fail(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.");
    }
    if (rec.redeemed) {
      return fail(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed.');
    }
    if (rec.expiresAt <= this.now()) {
      return fail(400, 'invalid_grant', 70008, 'The provided authorization code has expired.');
    }
    if (p.redirect_uri !== rec.redirectUri) {
      return fail(
        400,
        'invalid_grant',
        50011,
        'The redirect URI does not match the one used to request the authorization code.',
      );
    }
    const computed = base64Url(createHash('sha256').update(p.code_verifier, 'ascii').digest());
    if (!VERIFIER_SYNTAX.test(p.code_verifier) || computed !== rec.challenge) {
      return fail(
        400,
        'invalid_grant',
        501481,
        'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
      );
    }
    rec.redeemed = true;
    const scopes = p.scope ? p.scope.split(' ').filter(Boolean).map(normaliseScope) : rec.scopes;
    this.issueTokens(res, p, rec.clientId, scopes);
  }

  private redeemRefresh(
    res: ServerResponse,
    p: Record<string, string>,
    fail: (status: number, error: string, code: number, message: string) => void,
    missing: (name: string) => void,
  ): void {
    if (!p.refresh_token) return missing('refresh_token');
    const rec = this.refreshTokens.get(p.refresh_token);
    if (!rec || rec.clientId !== p.client_id) {
      return fail(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
    }
    if (rec.revoked) {
      return fail(
        400,
        'invalid_grant',
        50173,
        'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
      );
    }
    // Refresh tokens are single use in practice: the client gets a new one and should drop the old.
    rec.revoked = true;
    const scopes = p.scope ? p.scope.split(' ').filter(Boolean).map(normaliseScope) : rec.scopes;
    this.issueTokens(res, p, rec.clientId, scopes);
  }

  private issueTokens(res: ServerResponse, p: Record<string, string>, clientId: string, scopes: string[]) {
    const missingScopes = this.options.requiredScopes.filter((s) => !scopes.includes(s));
    if (missingScopes.length > 0) {
      return this.tokenError(
        res,
        p,
        400,
        'invalid_scope',
        70011,
        `The provided value for the input parameter 'scope' is not valid (missing ${missingScopes.join(', ')}).`,
      );
    }
    const graphScopes = scopes.filter((s) => !OIDC_SCOPES.has(s));
    const accessToken = this.issueAccess(graphScopes);
    const body: Record<string, unknown> = {
      token_type: 'Bearer',
      scope: graphScopes.map((s) => GRAPH_RESOURCE + s).join(' '),
      expires_in: this.options.accessTokenSeconds ?? 3600,
      ext_expires_in: this.options.accessTokenSeconds ?? 3600,
      access_token: accessToken,
    };
    if (scopes.includes('offline_access')) {
      const refreshToken = `standin-rt.${base64Url(randomBytes(32))}`;
      this.refreshTokens.set(refreshToken, { clientId, scopes, revoked: false });
      body.refresh_token = refreshToken;
    }
    this.requests.push({ endpoint: 'token', params: p, status: 200 });
    sendJson(res, 200, body, { 'cache-control': 'no-store', pragma: 'no-cache' });
  }

  /** The documented token-endpoint error body: error, AADSTS description, codes and trace ids. */
  private tokenError(
    res: ServerResponse,
    p: Record<string, string>,
    status: number,
    error: string,
    code: number,
    message: string,
  ): void {
    this.requests.push({ endpoint: 'token', params: p, status, error });
    sendJson(res, status, aadstsBody(error, code, message, new Date(this.now())));
  }

  private errorPage(
    res: ServerResponse,
    p: Record<string, string>,
    error: string,
    code: number,
    message: string,
  ): void {
    this.requests.push({ endpoint: 'authorize', params: p, status: 400, error });
    const text = `<!doctype html><title>Sign in to your account</title><p>AADSTS${code}: ${escapeHtml(message)}</p>`;
    res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' }).end(text);
  }
}

export function aadstsBody(error: string, code: number, message: string, at: Date) {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = at
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return {
    error,
    error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  };
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
