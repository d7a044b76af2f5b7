/**
 * `sello deploy serve`: a small static server for the update URL (any web server does; the admin guide
 * shows nginx). Content types matter: Chrome expects application/x-chrome-extension for the CRX.
 */
import { createServer, type Server } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.crx': 'application/x-chrome-extension',
  '.xml': 'application/xml; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.reg': 'text/plain; charset=utf-16le',
  '.mobileconfig': 'application/x-apple-aspen-config',
  '.pem': 'application/x-pem-file',
};

/** One answered request, for an access log (the admin's, or a test's proof of what a browser fetched). */
export interface ServedRequest {
  method: string;
  path: string;
  status: number;
}

export function serveDirectory(
  dir: string,
  port: number,
  host = '127.0.0.1',
  onRequest?: (r: ServedRequest) => void,
): Promise<Server> {
  const root = normalize(dir + sep);
  const server = createServer((req, res) => {
    res.on('finish', () =>
      onRequest?.({
        method: req.method ?? '',
        path: new URL(req.url ?? '/', 'http://localhost').pathname,
        status: res.statusCode,
      }),
    );
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://localhost');
      const path = normalize(join(root, decodeURIComponent(url.pathname)));
      // Never serve outside the deployment folder (the admin key must stay private).
      if (!path.startsWith(root) || path.endsWith('.key.pem') || /extension-key/.test(path)) {
        res.writeHead(404).end();
        return;
      }
      try {
        const st = await stat(path);
        if (!st.isFile()) throw new Error('not a file');
        const body = await readFile(path);
        res.writeHead(200, {
          'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
          'content-length': body.length,
          'cache-control': 'no-cache',
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      } catch {
        res.writeHead(404).end();
      }
    })();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
