/**
 * `sello verify --trust` checks revocation against a real OpenSSL CA's CRL served over HTTP on
 * 127.0.0.1: a revoked signer gives exit code 6, an unreachable CRL is a warning in soft-fail and a
 * failure in hard-fail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpensslCa, freePort, type IssuedCertificate } from '../stand-ins/openssl-ca';
import { HttpFileServer } from '../stand-ins/http-file-server';

let ca: OpensslCa;
let http: HttpFileServer;
let dir: string;
let good: IssuedCertificate;
let revoked: IssuedCertificate;
let orphan: IssuedCertificate;

/** Asynchronous on purpose: the CRL server runs in this process and must answer while sello waits. */
function sello(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/sello.js', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

function signedBy(cert: IssuedCertificate, from: string): string {
  const body = join(dir, `${from}.body`);
  writeFileSync(body, 'Content-Type: text/plain\r\n\r\nhello\r\n');
  // openssl signs the body entity; the RFC 5322 fields go outside, as every mail client does.
  const signed = execFileSync('openssl', [
    'cms',
    '-sign',
    '-in',
    body,
    '-signer',
    cert.certPath,
    '-inkey',
    cert.keyPath,
  ]);
  const out = join(dir, `${from}.signed.eml`);
  writeFileSync(
    out,
    Buffer.concat([Buffer.from(`From: ${from}\nTo: bob@example.org\nSubject: hi\n`), signed]),
  );
  return out;
}

const smime = (crlUrl: string) => [
  'basicConstraints = CA:false',
  'keyUsage = critical, digitalSignature, keyEncipherment',
  'extendedKeyUsage = emailProtection',
  'subjectKeyIdentifier = hash',
  `crlDistributionPoints = URI:${crlUrl}`,
];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sello-verify-rev-'));
  http = new HttpFileServer();
  await http.start();
  ca = new OpensslCa('/CN=Revocation Test CA/O=Sello Tests', dir);
  const crlUrl = http.url('/ca.crl');
  good = ca.issue({
    cn: 'Good',
    email: 'good@example.org',
    keyType: 'rsa2048',
    extensions: [...smime(crlUrl), 'subjectAltName = email:good@example.org'],
  });
  revoked = ca.issue({
    cn: 'Gone',
    email: 'gone@example.org',
    keyType: 'rsa2048',
    extensions: [...smime(crlUrl), 'subjectAltName = email:gone@example.org'],
  });
  const deadUrl = `http://127.0.0.1:${await freePort()}/nothing.crl`;
  orphan = ca.issue({
    cn: 'Orphan',
    email: 'orphan@example.org',
    keyType: 'rsa2048',
    extensions: [...smime(deadUrl), 'subjectAltName = email:orphan@example.org'],
  });
  ca.revoke(revoked);
  http.routes.set('/ca.crl', { body: ca.crl() });
}, 120_000);

afterAll(async () => {
  await http.stop();
});

describe('sello verify with revocation', () => {
  it('accepts a signer whose certificate the CRL does not list (exit 0)', async () => {
    const r = await sello([
      'verify',
      '--trust',
      ca.cert.certPath,
      '--json',
      signedBy(good, 'good@example.org'),
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).signers[0]).toMatchObject({
      trusted: true,
      validAtSigningTime: true,
      validNow: true,
      revocation: 'good',
    });
    expect(http.hits.get('/ca.crl')).toBeGreaterThan(0);
  });

  it('prints validity at signing time and now and the revocation status in the text verdict', async () => {
    const r = await sello(['verify', '--trust', ca.cert.certPath, signedBy(good, 'good@example.org')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('valid at signing time: yes; valid now: yes');
    expect(r.stdout).toMatch(/^ {4}revocation: good$/m);
  });

  it('refuses a signer whose certificate is revoked (exit 6)', async () => {
    const r = await sello([
      'verify',
      '--trust',
      ca.cert.certPath,
      '--json',
      signedBy(revoked, 'gone@example.org'),
    ]);
    expect(r.status).toBe(6);
    const verdict = JSON.parse(r.stdout);
    expect(verdict.trusted).toBe(false);
    expect(verdict.signers[0]).toMatchObject({ revocation: 'revoked', validNow: true });
  });

  it('does not look revocation up with --revocation off', async () => {
    const before = http.hits.get('/ca.crl') ?? 0;
    const r = await sello([
      'verify',
      '--trust',
      ca.cert.certPath,
      '--revocation',
      'off',
      signedBy(revoked, 'gone@example.org'),
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {4}revocation: unchecked$/m);
    expect(http.hits.get('/ca.crl') ?? 0).toBe(before);
  });

  it('treats an unreachable CRL as a warning in soft-fail and a failure in hard-fail', async () => {
    const msg = signedBy(orphan, 'orphan@example.org');
    expect((await sello(['verify', '--trust', ca.cert.certPath, msg])).status).toBe(0);
    expect(
      (await sello(['verify', '--trust', ca.cert.certPath, '--revocation', 'hard-fail', msg])).status,
    ).toBe(3);
  });

  it('refuses an unknown revocation mode as a usage error', async () => {
    const r = await sello([
      'verify',
      '--trust',
      ca.cert.certPath,
      '--revocation',
      'maybe',
      signedBy(good, 'good@example.org'),
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--revocation maybe/);
  });
});
