/**
 * `sello lint` on certificates and PKCS#12 files made by a real OpenSSL CA: the findings, their
 * severities and the exit codes (0 ok, 1 warnings, 3 errors, 2 usage, 14 PKCS#12 problems).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { lintCertificate, lintExitCode, type LintReport } from '../../../shared/pki/lint';
import { OpensslCa, type IssuedCertificate } from '../../stand-ins/openssl-ca';

const env = defaultEnv();
let ca: OpensslCa;
let otherCa: OpensslCa;
const c: Record<string, IssuedCertificate> = {};
const good = (email: string): string[] => [
  'basicConstraints = critical,CA:false',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
  'keyUsage = critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage = emailProtection',
  `subjectAltName = email:${email}`,
];

beforeAll(() => {
  ca = new OpensslCa();
  otherCa = new OpensslCa('/CN=Unrelated CA');
  c.good = ca.issue({ cn: 'Good', keyType: 'rsa2048', extensions: good('good@example.test') });
  c.goodEc = ca.issue({
    cn: 'Good EC',
    extensions: [
      ...good('ec@example.test').filter((l) => !l.startsWith('keyUsage')),
      'keyUsage = critical,digitalSignature,keyAgreement',
    ],
  });
  c.noSki = ca.issue({
    cn: 'No SKI',
    keyType: 'rsa2048',
    extensions: [
      ...good('noski@example.test').filter((l) => !l.startsWith('subjectKeyIdentifier')),
      // OpenSSL 3 adds one unless told not to.
      'subjectKeyIdentifier = none',
    ],
  });
  c.weak = ca.issue({ cn: 'Weak', keyType: 'rsa1024', extensions: good('weak@example.test') });
  c.soon = ca.issue({ cn: 'Soon', keyType: 'rsa2048', extensions: good('soon@example.test'), days: 10 });
  c.noEmail = ca.issue({
    cn: 'No Email',
    keyType: 'rsa2048',
    extensions: good('x@example.test').filter((l) => !l.startsWith('subjectAltName')),
  });
  c.dnEmail = ca.issue({
    cn: 'DN Email',
    email: 'dn@example.test',
    keyType: 'rsa2048',
    extensions: good('x@example.test').filter((l) => !l.startsWith('subjectAltName')),
  });
  c.tls = ca.issue({
    cn: 'TLS',
    keyType: 'rsa2048',
    extensions: [
      ...good('tls@example.test').filter((l) => !l.startsWith('extendedKeyUsage')),
      'extendedKeyUsage = serverAuth',
    ],
  });
  c.expired = ca.issue({
    cn: 'Expired',
    keyType: 'rsa2048',
    extensions: good('old@example.test'),
    startDate: '20200101000000Z',
    endDate: '20210101000000Z',
  });
  c.certSignOnly = ca.issue({
    cn: 'Odd usage',
    keyType: 'rsa2048',
    extensions: [
      ...good('odd@example.test').filter((l) => !l.startsWith('keyUsage')),
      'keyUsage = critical,cRLSign',
    ],
  });
});
afterAll(() => {
  ca?.remove();
  otherCa?.remove();
});

const lint = (cert: IssuedCertificate, anchors: Uint8Array[] = []): Promise<LintReport> =>
  lintCertificate({ certificate: cert.der, chain: [], privateKeyMatches: null }, { anchors }, env);
const codes = (r: LintReport, severity?: string): string[] =>
  r.findings.filter((f) => !severity || f.severity === severity).map((f) => f.code);

describe('lintCertificate', () => {
  it('finds nothing wrong with a well-formed RSA S/MIME certificate chaining to its CA', async () => {
    const r = await lint(c.good!, [ca.cert.der]);
    expect(r.worst).toBe('ok');
    expect(codes(r)).toEqual(
      expect.arrayContaining([
        'cert.subject-key-identifier',
        'cert.key',
        'cert.key-usage',
        'cert.email',
        'cert.validity',
        'cert.chain-ok',
      ]),
    );
    expect(r.findings.find((f) => f.code === 'cert.key')?.message).toBe('RSA 2048 bits');
  });

  it('accepts an EC P-256 certificate with keyAgreement', async () => {
    const r = await lint(c.goodEc!);
    expect(r.worst).toBe('ok');
    expect(r.findings.find((f) => f.code === 'cert.key')?.message).toBe('EC P-256');
  });

  it('requires subjectKeyIdentifier, as Exchange does', async () => {
    expect(codes(await lint(c.noSki!), 'error')).toEqual(['cert.no-subject-key-identifier']);
  });

  it('refuses RSA keys shorter than 2048 bits', async () => {
    const r = await lint(c.weak!);
    expect(codes(r, 'error')).toEqual(['cert.weak-key']);
    expect(r.findings.find((f) => f.code === 'cert.weak-key')?.message).toMatch(/RSA 1024 bits/);
  });

  it('warns when the certificate expires soon and fails when it has expired', async () => {
    const soon = await lint(c.soon!);
    expect(soon.worst).toBe('warning');
    expect(codes(soon, 'warning')).toEqual(['cert.expires-soon']);
    expect(codes(await lint(c.expired!), 'error')).toEqual(['cert.expired']);
  });

  it('needs the address in subjectAltName', async () => {
    expect(codes(await lint(c.noEmail!), 'error')).toEqual(['cert.no-email']);
    expect(codes(await lint(c.dnEmail!), 'warning')).toEqual(['cert.email-only-in-subject']);
  });

  it('refuses an extendedKeyUsage without emailProtection', async () => {
    expect(codes(await lint(c.tls!), 'error')).toEqual(['cert.no-email-protection']);
  });

  it('refuses a keyUsage that allows neither signing nor encryption', async () => {
    const r = await lint(c.certSignOnly!);
    expect(codes(r, 'error')).toEqual(['cert.key-usage-unsuitable']);
    expect(codes(r, 'warning')).toEqual(['cert.key-usage-ca-bits']);
  });

  it('reports a CA certificate as no personal certificate', async () => {
    expect(codes(await lint(ca.cert), 'error')).toContain('cert.is-ca');
  });

  it('reports a certificate that does not chain to the given anchors', async () => {
    const r = await lint(c.good!, [otherCa.cert.der]);
    expect(codes(r, 'error')).toEqual(['cert.untrusted']);
  });

  it('maps the worst severity to the exit code', () => {
    expect([lintExitCode('ok'), lintExitCode('warning'), lintExitCode('error')]).toEqual([0, 1, 3]);
  });
});

function sello(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/sello.js', ...args], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

describe('sello lint', () => {
  it('prints one line per finding and exits 0 for a good PKCS#12 with its key', async () => {
    const p12 = join(ca.dir, 'good.p12');
    writeFileSync(p12, ca.pkcs12(c.good!, 'pw'));
    writeFileSync(join(ca.dir, 'pw.txt'), 'pw\n');
    const r = await sello(['lint', p12, '--pass-file', join(ca.dir, 'pw.txt'), '--trust', ca.cert.certPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`${p12}: CN=Good`);
    expect(lines.slice(1).every((l) => /^(error|warning|info)\s+cert\.[a-z-]+: /.test(l))).toBe(true);
    expect(r.stdout).toMatch(/^info\s+cert\.private-key-present: /m);
    expect(r.stdout).toMatch(/^info\s+cert\.chain-ok: /m);
  });

  it('exits 3 for a PKCS#12 without a private key', async () => {
    const p12 = join(ca.dir, 'nokey.p12');
    writeFileSync(p12, ca.pkcs12(c.good!, 'pw', ['-nokeys']));
    writeFileSync(join(ca.dir, 'pw.txt'), 'pw\n');
    const r = await sello(['lint', p12, '--pass-file', join(ca.dir, 'pw.txt')]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^error\s+cert\.no-private-key: /m);
  });

  it('exits 1 with warnings only, and prints JSON on request', async () => {
    const r = await sello(['lint', c.soon!.certPath, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { worst: string; exitCode: number; reports: LintReport[] };
    expect(report).toMatchObject({ worst: 'warning', exitCode: 1 });
    expect(report.reports[0]?.findings.some((f) => f.code === 'cert.expires-soon')).toBe(true);
  });

  it('exits 3 for errors in a DER certificate', async () => {
    const der = join(ca.dir, 'noski.der');
    writeFileSync(der, c.noSki!.der);
    const r = await sello(['lint', der]);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^error\s+cert\.no-subject-key-identifier: .*Exchange/m);
  });

  it('asks for --pass-file (usage, exit 2) and reports a wrong password (exit 14) in one line', async () => {
    const p12 = join(ca.dir, 'locked.p12');
    writeFileSync(p12, ca.pkcs12(c.good!, 'secret'));
    const none = await sello(['lint', p12]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--pass-file/);
    writeFileSync(join(ca.dir, 'wrong.txt'), 'nope\n');
    const wrong = await sello(['lint', p12, '--pass-file', join(ca.dir, 'wrong.txt')]);
    expect(wrong.code).toBe(14);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
  });
});
