/**
 * addin/serve.ts: the built add-in over HTTPS, with an OpenSSL-made localhost certificate and with
 * certificates office-addin-dev-certs generates into a temporary folder (its CA is not installed: only
 * a client given that ca.crt trusts the server), with a strict CSP on pages and nothing outside the
 * folder.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  DEFAULT_CONNECT,
  serveAddin,
  type RunningAddinServer,
} from '../../../addin/serve';

let server: RunningAddinServer;
let ca: string;
let site: string;

function get(
  path: string,
  target: { server: RunningAddinServer; ca: string } = { server, ca },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(path, target.server.url);
    const req = request(
      {
        host: '127.0.0.1',
        port: Number(u.port),
        path: u.pathname,
        servername: 'localhost',
        ca: target.ca,
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
  site = join(dir, 'site');
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
  it('adds extra connect-src hosts to the Microsoft 365 defaults instead of replacing them', () => {
    const csp = contentSecurityPolicy(['http://127.0.0.1:8432', 'https://graph.microsoft.com']);
    const connect = /connect-src ([^;]+)/.exec(csp)![1]!.split(' ');
    expect(connect).toEqual([
      "'self'",
      'https://graph.microsoft.com',
      'https://login.microsoftonline.com',
      'https://outlook.office.com',
      'https://outlook.office365.com',
      'http://127.0.0.1:8432',
    ]);
  });

  it('serves HTTPS with office-addin-dev-certs certificates generated into a folder, installing no CA', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sello-devcerts-'));
    const userStore = join(homedir(), '.office-addin-dev-certs');
    const hadUserStore = existsSync(userStore);
    const devServer = await serveAddin({
      dir: site,
      host: '127.0.0.1',
      port: 0,
      tls: { generateInto: join(dir, 'certs') },
    });
    try {
      const devCa = readFileSync(join(dir, 'certs', 'ca.crt'), 'utf8');
      const r = await get('/taskpane.html', { server: devServer, ca: devCa });
      expect(r.status).toBe(200);
      expect(r.body).toContain('<title>t</title>');
      const issuer = execFileSync('openssl', [
        'x509',
        '-noout',
        '-issuer',
        '-in',
        join(dir, 'certs', 'localhost.crt'),
      ]);
      expect(issuer.toString()).toContain('Developer CA for Microsoft Office Add-ins');
      // Without that CA the connection is refused: nothing was added to a trust store Node reads.
      await expect(get('/taskpane.html', { server: devServer, ca })).rejects.toThrow(/certificate/i);
      expect(existsSync(userStore)).toBe(hadUserStore);
    } finally {
      await devServer.close();
    }
  }, 60_000);

  it('serves the task pane over HTTPS with a CSP that allows only its own scripts', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    const r = await get('/taskpane.html');
    expect(r.status).toBe(200);
    const csp = r.headers['content-security-policy'] as string;
    expect(csp).toBe(contentSecurityPolicy(['https://graph.microsoft.com']));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ${DEFAULT_CONNECT.join(' ')};`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves nothing outside its folder', async () => {
    expect((await get('/../secret.txt')).status).toBe(404);
    expect((await get('/%2e%2e/secret.txt')).status).toBe(404);
    expect((await get('/missing.js')).status).toBe(404);
  });
});
