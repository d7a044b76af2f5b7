/**
 * addin/serve.ts: the built add-in over HTTPS (here with an OpenSSL-made localhost certificate in place
 * of office-addin-dev-certs, which would install a CA on the machine), with a strict CSP on pages and
 * nothing outside the folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, serveAddin, type RunningAddinServer } from '../../../addin/serve';

let server: RunningAddinServer;
let ca: string;

function get(
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, server.url);
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(u.port),
        path: u.pathname,
        servername: 'localhost',
        ca,
        headers: { host: 'localhost' },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sello-serve-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
      '-subj',
      '/CN=localhost',
      '-days',
      '2',
      '-addext',
      'subjectAltName=DNS:localhost',
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  const site = join(dir, 'site');
  mkdirSync(site);
  writeFileSync(join(site, 'taskpane.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(dir, 'secret.txt'), 'outside');
  ca = readFileSync(join(dir, 'cert.pem'), 'utf8');
  server = await serveAddin({
    dir: site,
    host: '127.0.0.1',
    port: 0,
    tls: { key: readFileSync(join(dir, 'key.pem')), cert: ca },
    connectSources: ['https://graph.microsoft.com'],
  });
});

afterAll(() => server?.close());

describe('serveAddin', () => {
  it('serves the task pane over HTTPS with a CSP that allows only its own scripts', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await get('/taskpane.html');
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toBe(contentSecurityPolicy(['https://graph.microsoft.com']));
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves nothing outside its folder', async () => {
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/missing.js')).status).toBe(404);
  });
});
