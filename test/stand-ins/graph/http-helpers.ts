/**
 * Small HTTP plumbing shared by the Graph and Entra stand-ins: reading a bounded body, JSON answers,
 * and CORS. The task pane calls Graph and the token endpoint cross-origin (from https://localhost:3000),
 * and both real services answer CORS preflights, so the stand-ins must too or the browser tests would
 * pass only through a test-only path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface BodyResult {
  bytes: Uint8Array;
  /** True when the body was larger than `limit`; only the first `limit` bytes are kept. */
  overLimit: boolean;
  length: number;
}

export async function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const c of req) {
    const chunk = c as Buffer;
    length += chunk.length;
    if (length <= limit) chunks.push(chunk);
  }
  return { bytes: new Uint8Array(Buffer.concat(chunks)), overLimit: length > limit, length };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/** Fetch standard CORS: echo the origin; allow what the Graph and token requests carry. */
export function applyCors(req: IncomingMessage, res: ServerResponse): void {
  const origin = req.headers.origin;
  if (!origin) return;
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
  res.setHeader('access-control-expose-headers', 'Location, Retry-After, request-id, client-request-id');
}

/** Answers a preflight and returns true, or returns false for any other request. */
export function answerPreflight(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
  applyCors(req, res);
  res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE');
  res.setHeader(
    'access-control-allow-headers',
    'Authorization, Content-Type, Content-Range, Prefer, client-request-id',
  );
  res.setHeader('access-control-max-age', '600');
  sendEmpty(res, 204);
  return true;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(', ') : v;
}
