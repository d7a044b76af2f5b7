/**
 * A plain HTTP server on 127.0.0.1 that serves fixed bodies by path (CRLs, certificates), can delay
 * a path (to exercise timeouts) and counts requests (to see caching). Contract: HTTP/1.1 GET/POST as
 * CRL distribution points and OCSP responders are reached; nothing else.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Route {
  body?: Uint8Array;
  contentType?: string;
  /** Milliseconds before answering. */
  delayMs?: number;
  status?: number;
  /** Computes the answer from the request body (e.g. forward to a real responder). */
  handle?: (request: Uint8Array) => Promise<{ body: Uint8Array; contentType: string }>;
}

export class HttpFileServer {
  readonly routes = new Map<string, Route>();
  readonly hits = new Map<string, number>();
  private server: Server | undefined;
  port = 0;

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    this.hits.set(path, (this.hits.get(path) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const route = this.routes.get(path);
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
    if (res.destroyed) return;
    if (route.handle) {
      const out = await route.handle(new Uint8Array(Buffer.concat(chunks)));
      res.writeHead(200, { 'content-type': out.contentType }).end(Buffer.from(out.body));
      return;
    }
    res
      .writeHead(route.status ?? 200, { 'content-type': route.contentType ?? 'application/pkix-crl' })
      .end(Buffer.from(route.body ?? new Uint8Array()));
  }
}
