/**
 * Stand-in for a mail submission endpoint, following the extension's `local-http` transport contract:
 * POST the exact MIME as message/rfc822, envelope in X-Sello-Mail-From / X-Sello-Rcpt-To, 2xx = accepted.
 * Answers the CORS preflight (the extension has no host permission for 127.0.0.1, by design).
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface TransportStandIn {
  url: string;
  received: Received[];
  /** Status to answer the next POSTs with (e.g. 503 to test a failed send). */
  status: number;
  close(): Promise<void>;
}

export async function startTransportStandIn(): Promise<TransportStandIn> {
  const received: Received[] = [];
  const state = { status: 202 };
  const server: Server = createServer((req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'content-type, x-sello-mail-from, x-sello-rcpt-to');
    res.setHeader('Access-Control-Allow-Methods', 'POST');
    res.setHeader('Access-Control-Allow-Private-Network', 'true');
    if (req.method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.status < 300) received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(state.status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/send`,
    received,
    get status() {
      return state.status;
    },
    set status(v: number) {
      state.status = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
