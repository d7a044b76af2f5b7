/**
 * AIA caIssuers over real HTTP on 127.0.0.1 (node:http, the host's own fetch): a missing intermediate
 * served as a certs-only PKCS#7 (.p7c), a response over the size bound, and a server that never answers.
 */
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { validatePath } from '../../../shared/pki';
import { CA_EXT, EE_EXT, ROOT_EXT, TestPki, type TestCert } from './test-pki';

let pki: TestPki;
let root: TestCert;
let ca: TestCert;
let server: Server;
let base: string;
let p7c: Buffer;
const hits: string[] = [];

beforeAll(async () => {
  pki = new TestPki();
  root = pki.issue('root', '/O=Sello Test/CN=AIA Root', ROOT_EXT);
  ca = pki.issue('ca', '/O=Sello Test/CN=AIA CA', CA_EXT, { issuer: root });
  p7c = execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', ca.certPath, '-outform', 'DER']);
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/ca.p7c') res.end(p7c);
    else if (req.url === '/huge.cer') res.end(Buffer.alloc(2 * 1024 * 1024, 0x30));
    else if (req.url === '/slow.cer') setTimeout(() => res.end(ca.der), 5_000);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const userWithAia = (name: string, path: string): TestCert =>
  pki.issue(
    name,
    `/O=Sello Test/CN=${name}`,
    [...EE_EXT, `authorityInfoAccess=caIssuers;URI:${base}${path}`],
    {
      issuer: ca,
    },
  );

describe('AIA caIssuers over HTTP', () => {
  it('completes the path with an intermediate served as a .p7c', async () => {
    const r = await validatePath({
      certificate: userWithAia('p7c-user', '/ca.p7c').der,
      anchors: [root.der],
      env: defaultEnv(),
    });
    expect(r.trusted).toBe(true);
    expect(r.chain).toHaveLength(3);
    expect(hits).toContain('/ca.p7c');
  });

  it('refuses a response over the size bound', async () => {
    const r = await validatePath({
      certificate: userWithAia('huge-user', '/huge.cer').der,
      anchors: [root.der],
      env: defaultEnv(),
    });
    expect(r.trusted).toBe(false);
    expect(r.issues.map((i) => i.message).join(' ')).toContain('response too large');
  });

  it('gives up on a server slower than the timeout', async () => {
    const started = Date.now();
    const r = await validatePath({
      certificate: userWithAia('slow-user', '/slow.cer').der,
      anchors: [root.der],
      policy: { aiaTimeoutMs: 300 },
      env: defaultEnv(),
    });
    expect(r.trusted).toBe(false);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(r.issues.some((i) => i.code === 'path.issuer-fetch-failed')).toBe(true);
  });

  it('does not fetch when offline (no fetch in the environment)', async () => {
    const r = await validatePath({
      certificate: userWithAia('offline-user', '/ca.p7c').der,
      anchors: [root.der],
      env: defaultEnv({ fetch: undefined }),
    });
    expect(r.trusted).toBe(false);
    expect(r.issues.map((i) => i.message).join(' ')).toContain('offline');
  });
});
