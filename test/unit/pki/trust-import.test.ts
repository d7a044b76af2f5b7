import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { isSelloError } from '../../../shared/errors';
import { importTrustFile, importTrustFiles, parseSst } from '../../../shared/pki';
import { SST_END, SST_HEADER, sstElement, writeTestSst } from './sst-writer';
import { CA_EXT, EE_EXT, ROOT_EXT, TestPki, type TestCert } from './test-pki';

const env = defaultEnv();
let pki: TestPki;
let root: TestCert;
let intermediate: TestCert;
let leaf: TestCert;
let shortLived: TestCert;

beforeAll(() => {
  pki = new TestPki();
  root = pki.issue('root', '/O=Sello Test/CN=Import Root', ROOT_EXT);
  intermediate = pki.issue('int', '/O=Sello Test/CN=Import Intermediate', CA_EXT, { issuer: root });
  leaf = pki.issue('leaf', '/CN=Alice/emailAddress=alice@example.com', EE_EXT, { issuer: intermediate });
  shortLived = pki.issue('short', '/CN=Short Lived CA', ROOT_EXT, { days: 1 });
});

const expectCode = async (p: Promise<unknown>, code: `${string}.${string}`): Promise<void> => {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isSelloError(e, code as never), String(e)).toBe(true);
};

describe('serialized certificate stores (.sst, written here per [MS-OSHARED]: no Windows available)', () => {
  it('reads every certificate with its friendly name', async () => {
    const sst = writeTestSst([
      { der: root.der, friendlyName: 'Sello Root' },
      { der: intermediate.der, friendlyName: 'Sello Intermediate' },
    ]);
    expect(parseSst(sst).map((c) => c.friendlyName)).toEqual(['Sello Root', 'Sello Intermediate']);
    const result = await importTrustFile(sst, 'cas.sst', env);
    expect(result.format).toBe('sst');
    expect(result.certificates.map((c) => [c.subject, c.isCA, c.friendlyName])).toEqual([
      ['CN=Import Root, O=Sello Test', true, 'Sello Root'],
      ['CN=Import Intermediate, O=Sello Test', true, 'Sello Intermediate'],
    ]);
    expect(result.certificates[0]!.fingerprint).toMatch(/^[0-9A-F]{64}$/);
  });

  it('skips CRL and CTL elements and unknown properties', () => {
    const sst = Buffer.concat([
      SST_HEADER,
      sstElement(0x21, utf8('not a certificate')),
      sstElement(99, utf8('future property')),
      sstElement(0x20, root.der),
      SST_END,
    ]);
    expect(parseSst(sst).map((c) => c.der.length)).toEqual([root.der.length]);
  });

  // Structure errors are found before any certificate is parsed: a placeholder body is enough.
  const body = new Uint8Array(64).fill(0x30);
  it.each([
    ['a missing CERT magic', Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('CERX'), SST_END])],
    ['a truncated element header', Buffer.concat([SST_HEADER, Buffer.alloc(5)])],
    [
      'a length beyond the end of the file',
      Buffer.concat([SST_HEADER, sstElement(0x20, body).subarray(0, 40)]),
    ],
    ['a missing end element', Buffer.concat([SST_HEADER, sstElement(0x20, body)])],
    [
      'a certificate element not X.509 encoded',
      Buffer.concat([SST_HEADER, sstElement(0x20, body, 2), SST_END]),
    ],
    ['an end element with a length', Buffer.concat([SST_HEADER, sstElement(0, utf8('x'))])],
    [
      'an empty certificate element',
      Buffer.concat([SST_HEADER, sstElement(0x20, new Uint8Array(0)), SST_END]),
    ],
  ])('refuses a store with %s as sst.malformed', async (_what, bytes) => {
    await expectCode(importTrustFile(bytes, 'bad.sst', env), 'sst.malformed');
  });

  it('refuses a store element holding garbage instead of a certificate as cert.malformed', async () => {
    const bytes = Buffer.concat([SST_HEADER, sstElement(0x20, utf8('garbage')), SST_END]);
    await expectCode(importTrustFile(bytes, 'bad.sst', env), 'cert.malformed');
  });
});

describe('PKCS#7 bundles, PEM bundles and DER files', () => {
  const p7b = (pem: boolean): Uint8Array => {
    const bundle = join(pki.dir, 'bundle.pem');
    writeFileSync(bundle, pki.pem(root) + pki.pem(intermediate));
    return new Uint8Array(
      execFileSync('openssl', ['crl2pkcs7', '-nocrl', '-certfile', bundle, '-outform', pem ? 'PEM' : 'DER']),
    );
  };

  it('reads a DER .p7b from openssl crl2pkcs7', async () => {
    const r = await importTrustFile(p7b(false), 'cas.p7b', env);
    expect(r.format).toBe('p7b');
    expect(r.certificates).toHaveLength(2);
  });

  it('reads a PEM "PKCS7" bundle', async () => {
    const r = await importTrustFile(p7b(true), 'cas.p7c', env);
    expect(r.format).toBe('p7b');
    expect(r.certificates).toHaveLength(2);
  });

  it('reads a PKCS#7 bundle mislabelled "CERTIFICATE" by looking at its content', async () => {
    const text = new TextDecoder().decode(p7b(true)).replace(/PKCS7/g, 'CERTIFICATE');
    const r = await importTrustFile(utf8(text), 'cas.pem', env);
    expect(r.certificates).toHaveLength(2);
  });

  it('reads a PEM bundle and keeps a certificate given twice once', async () => {
    const text = pki.pem(root) + pki.pem(leaf) + pki.pem(root);
    const r = await importTrustFile(utf8(text), 'bundle.pem', env);
    expect(r.format).toBe('pem');
    expect(r.certificates.map((c) => c.isCA)).toEqual([true, false]);
  });

  it('reads a single DER certificate', async () => {
    const r = await importTrustFile(root.der, 'root.cer', env);
    expect(r.format).toBe('der');
    expect(r.certificates[0]!.subject).toBe('CN=Import Root, O=Sello Test');
  });

  it('deduplicates across files by SHA-256 fingerprint', async () => {
    const r = await importTrustFiles(
      [
        { bytes: root.der, fileName: 'root.cer' },
        { bytes: writeTestSst([{ der: root.der }, { der: intermediate.der }]), fileName: 'cas.sst' },
      ],
      env,
    );
    expect(r.certificates).toHaveLength(2);
  });

  it('refuses expired certificates with a message naming them, like Exchange', async () => {
    const later = defaultEnv({ now: () => new Date(Date.now() + 3 * 86_400_000) });
    const r = await importTrustFile(utf8(pki.pem(root) + pki.pem(shortLived)), 'cas.pem', later);
    expect(r.certificates.map((c) => c.subject)).toEqual(['CN=Import Root, O=Sello Test']);
    expect(r.refused).toHaveLength(1);
    expect(r.refused[0]!.subject).toBe('CN=Short Lived CA');
    expect(r.refused[0]!.reason).toMatch(/"CN=Short Lived CA" expired on \d{4}-/);
  });

  it('refuses an empty file, a PEM file without certificates and a truncated DER file', async () => {
    await expectCode(importTrustFile(new Uint8Array(0), 'empty.pem', env), 'trust.empty-file');
    await expectCode(
      importTrustFile(utf8('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'), 'k.pem', env),
      'pem.no-certificates',
    );
    await expectCode(importTrustFile(root.der.subarray(0, 100), 'cut.cer', env), 'cert.malformed');
    await expectCode(
      importTrustFile(concatBytes(p7b(false).subarray(0, 60)), 'cut.p7b', env),
      'p7b.malformed',
    );
  });

  it('reads the test helper files it was given (sanity of the fixture)', () => {
    expect(readFileSync(root.certPath, 'utf8')).toContain('BEGIN CERTIFICATE');
  });
});
