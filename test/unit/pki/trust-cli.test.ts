import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sello } from '../../helpers/cli';
import { OpensslCa } from '../../stand-ins/openssl-ca';
import { writeTestSst } from './sst-writer';
import { EE_EXT, ROOT_EXT, TestPki, type TestCert } from './test-pki';

let pki: TestPki;
let root: TestCert;
let leaf: TestCert;

beforeAll(() => {
  pki = new TestPki();
  root = pki.issue('root', '/O=Sello Test/CN=CLI Root', ROOT_EXT);
  leaf = pki.issue('leaf', '/O=Sello Test/CN=CLI Leaf', EE_EXT, { issuer: root });
  writeFileSync(join(pki.dir, 'cas.sst'), writeTestSst([{ der: root.der, friendlyName: 'CLI Root' }]));
  writeFileSync(join(pki.dir, 'both.pem'), pki.pem(root) + pki.pem(leaf));
});

describe('sello trust import', () => {
  it('lists subject, fingerprint, validity and CA flag, deduplicates across files and writes a PEM bundle', () => {
    const out = join(pki.dir, 'bundle.pem');
    const r = sello(['trust', 'import', join(pki.dir, 'cas.sst'), join(pki.dir, 'both.pem'), '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const text = r.stdout.toString('utf8');
    expect(text).toContain('CN=CLI Root, O=Sello Test');
    expect(text).toMatch(/SHA-256 [0-9A-F]{64}/);
    expect(text).toContain('CA      yes');
    expect(text).toContain('2 certificate(s) imported, 0 refused');
    expect(readFileSync(out, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it('prints JSON with --json', () => {
    const r = sello(['trust', 'import', join(pki.dir, 'cas.sst'), '--json']);
    const json = JSON.parse(r.stdout.toString('utf8')) as {
      certificates: { subject: string; isCA: boolean; friendlyName: string }[];
    };
    expect(json.certificates).toEqual([
      expect.objectContaining({ subject: 'CN=CLI Root, O=Sello Test', isCA: true, friendlyName: 'CLI Root' }),
    ]);
  });

  it('--json gives fingerprint, notBefore, notAfter and the CA flag as OpenSSL sees them', () => {
    const r = sello(['trust', 'import', join(pki.dir, 'both.pem'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout.toString('utf8')) as {
      certificates: {
        subject: string;
        fingerprint: string;
        notBefore: string;
        notAfter: string;
        isCA: boolean;
      }[];
      refused: unknown[];
    };
    expect(json.refused).toEqual([]);
    const openssl = (cert: TestCert, ...args: string[]): string =>
      execFileSync('openssl', ['x509', '-in', cert.certPath, '-noout', ...args])
        .toString()
        .trim();
    const expected = (cert: TestCert, isCA: boolean) => ({
      subject: expect.stringContaining('O=Sello Test'),
      fingerprint: openssl(cert, '-fingerprint', '-sha256').split('=')[1]!.replace(/:/g, ''),
      notBefore: new Date(openssl(cert, '-startdate').split('=')[1]!).toISOString(),
      notAfter: new Date(openssl(cert, '-enddate').split('=')[1]!).toISOString(),
      isCA,
    });
    expect(json.certificates).toEqual([
      expect.objectContaining(expected(root, true)),
      expect.objectContaining(expected(leaf, false)),
    ]);
  });

  it('lists what it refused and exits 16 when every certificate was refused (expired)', () => {
    const ca = new OpensslCa('/CN=Expired Import CA/O=Sello Tests');
    const expired = ca.issue({
      cn: 'Expired Intermediate',
      extensions: ['basicConstraints = critical,CA:true', 'keyUsage = critical,keyCertSign,cRLSign'],
      startDate: '20200101000000Z',
      endDate: '20210101000000Z',
    });
    const file = join(pki.dir, 'expired.pem');
    writeFileSync(file, expired.pem);
    const json = sello(['trust', 'import', file, '--json']);
    expect(json.code).toBe(16);
    const parsed = JSON.parse(json.stdout.toString('utf8')) as {
      certificates: unknown[];
      refused: { subject: string; fingerprint: string; reason: string; file: string }[];
    };
    expect(parsed.certificates).toEqual([]);
    expect(parsed.refused).toEqual([
      {
        subject: expect.stringContaining('CN=Expired Intermediate'),
        fingerprint: expect.stringMatching(/^[0-9A-F]{64}$/),
        reason: expect.stringMatching(/Expired Intermediate.*expired/i),
        file,
      },
    ]);
    const text = sello(['trust', 'import', file]);
    expect(text.code).toBe(16);
    expect(text.stderr).toMatch(/^refused \(.*expired\.pem\): .*Expired Intermediate/m);
    expect(text.stdout.toString('utf8')).toContain('0 certificate(s) imported, 1 refused');
  });

  it('names the file and the problem in one line for a malformed store, without a stack trace', () => {
    const bad = join(pki.dir, 'bad.sst');
    writeFileSync(bad, Buffer.from('\0\0\0\0CERT\x20\0\0\0\x01\0\0\0\xff\xff\0\0'));
    const r = sello(['trust', 'import', bad]);
    expect(r.code).toBe(16);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('bad.sst');
    expect(r.stderr).toContain('not well-formed');
    expect(r.stderr).not.toContain('    at ');
  });
});
