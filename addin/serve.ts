/**
 * Serves the built add-in (addin/dist) so Outlook can load it: over HTTPS on https://localhost:3000 with a
 * development certificate from office-addin-dev-certs (which creates a local CA and trusts it for the
 * current user on first use), as the manifest's SourceLocation expects. `npm start` calls `serveAddin()`;
 * the browser tests call it with `tls: null` on 127.0.0.1 (a secure context for IndexedDB and WebCrypto)
 * and put their own routes in front through `extraRoutes`.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADDIN_DIST = resolve(fileURLToPath(new URL('.', import.meta.url)), 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
};

export interface ServeOptions {
  /** Folder with the built add-in; addin/dist by default. */
  dir?: string;
  host?: string;
  port?: number;
  /**
   * 'dev-certs' (default): office-addin-dev-certs' localhost certificate, its CA installed and trusted
   * for the user (what sideloading into Outlook needs); { generateInto: DIR }: office-addin-dev-certs
   * makes a CA and a localhost certificate in DIR (reused when there) and installs nothing, so only a
   * client given DIR/ca.crt trusts it; a key and certificate of your own; null: plain HTTP.
   */
  tls?: 'dev-certs' | { generateInto: string } | { key: string | Buffer; cert: string | Buffer } | null;
  /**
   * Hosts the pages may fetch from besides their own origin and the Microsoft 365 defaults
   * (DEFAULT_CONNECT: Graph, Entra, the upload-session host); sovereign clouds or stand-ins add theirs.
   * Added to the defaults, never in their place: a local test server must not lock real Outlook out.
   * Written into the pages' Content-Security-Policy connect-src.
   */
  connectSources?: string[];
  /** Answer a request before the static files (return true when answered). */
  extraRoutes?: (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;
}

export interface RunningAddinServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Graph, Entra, and the host of Graph's pre-authenticated upload-session URLs (large S/MIME messages
 * are PUT to outlook.office.com/…/AttachmentSessions, or outlook.office365.com).
 */
export const DEFAULT_CONNECT = [
  'https://graph.microsoft.com',
  'https://login.microsoftonline.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
];

/** The pages' CSP; `connectSources` are added to DEFAULT_CONNECT. */
export function contentSecurityPolicy(connectSources: string[] = []): string {
  const connect = [...new Set([...DEFAULT_CONNECT, ...connectSources])];
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src 'self' ${connect.join(' ')}`,
    // The sanitised message is shown in a sandboxed srcdoc frame; nothing else is framed.
    "frame-src 'self' about:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Static files from `dir`, never outside it; index-less, no directory listings. */
export function staticHandler(dir: string, csp: string) {
  const rootDir = resolve(dir);
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      // A malformed percent-escape: not a file we have.
      res.writeHead(400).end();
      return;
    }
    const file = normalize(join(rootDir, path === '/' ? 'taskpane.html' : path));
    if (!file.startsWith(rootDir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers: Record<string, string> = {
      'content-type': type,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    };
    if (type.startsWith('text/html')) headers['content-security-policy'] = csp;
    res.writeHead(200, headers);
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}

/** office-addin-dev-certs' files in `dir`, made there when missing; the CA is not installed anywhere. */
export async function generatedCertificates(dir: string): Promise<{ key: Buffer; cert: Buffer; ca: Buffer }> {
  const files = {
    ca: join(dir, 'ca.crt'),
    cert: join(dir, 'localhost.crt'),
    key: join(dir, 'localhost.key'),
  };
  if (!existsSync(files.ca) || !existsSync(files.cert) || !existsSync(files.key)) {
    const { generateCertificates } = await import('office-addin-dev-certs');
    await generateCertificates(files.ca, files.cert, files.key, 30, ['localhost', '127.0.0.1']);
  }
  return { key: readFileSync(files.key), cert: readFileSync(files.cert), ca: readFileSync(files.ca) };
}

export async function serveAddin(opts: ServeOptions = {}): Promise<RunningAddinServer> {
  const dir = opts.dir ?? ADDIN_DIST;
  if (!existsSync(join(dir, 'taskpane.html'))) {
    throw new Error(`${dir} has no taskpane.html: run npm run build:addin first`);
  }
  const host = opts.host ?? 'localhost';
  const port = opts.port ?? 3000;
  const serveFile = staticHandler(dir, contentSecurityPolicy(opts.connectSources));
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      if (opts.extraRoutes && (await opts.extraRoutes(req, res))) return;
      serveFile(req, res);
    })().catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e));
    });
  };
  const tls = opts.tls === undefined ? 'dev-certs' : opts.tls;
  let server: Server;
  if (tls === null) server = createHttpServer(handle);
  else if (tls === 'dev-certs') {
    // Creates and trusts a localhost certificate on first use (may ask for confirmation on Windows/macOS).
    const { getHttpsServerOptions } = await import('office-addin-dev-certs');
    server = createHttpsServer(await getHttpsServerOptions(), handle);
  } else if ('generateInto' in tls) {
    server = createHttpsServer(await generatedCertificates(tls.generateInto), handle);
  } else server = createHttpsServer(tls, handle);
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveListen());
  });
  const actual = (server.address() as AddressInfo).port;
  const url = `${tls === null ? 'http' : 'https'}://${host}:${actual}/`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// `tsx addin/serve.ts` (npm run serve:addin): serve addin/dist on https://localhost:3000 until stopped.
if (process.argv[1] && import.meta.url === new URL(`file://${resolve(process.argv[1])}`).href) {
  serveAddin().then(
    (s) => console.log(`Sello add-in on ${s.url} (manifest: manifest.xml)`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
