/**
 * One retrieval deadline per validation (OWACRLRetrievalTimeout: all CRLs of one certificate
 * validation) and a per-exchange limit (OWACRLConnectionTimeout: each single retrieval): a two-level
 * path whose CRL servers on 127.0.0.1 never answer in time ends in about one budget, not one per
 * certificate, and AIA caIssuers fetches spend the same budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { defaultEnv } from '../../../shared/env';
import { validatePath } from '../../../shared/pki';
import { createRevocationChecker } from '../../../shared/pki/revocation';
import { SETTINGS } from '../../../shared/policy/settings-definition';
import { HttpFileServer } from '../../stand-ins/http-file-server';
import { CA_EXT, EE_EXT, ROOT_EXT, TestPki, type TestCert } from './test-pki';

const env = defaultEnv();
let http: HttpFileServer;
let root: TestCert;
let ica: TestCert;
let leaf: TestCert;
let aiaLeaf: TestCert;

beforeAll(async () => {
  http = new HttpFileServer();
  await http.start();
  const pki = new TestPki();
  root = pki.issue('root', '/O=Sello Test/CN=Deadline Root', ROOT_EXT, { days: 3650 });
  ica = pki.issue(
    'ica',
    '/O=Sello Test/CN=Deadline CA',
    [...CA_EXT, `crlDistributionPoints=URI:${http.url('/slow-root.crl')}`],
    { issuer: root, days: 3650 },
  );
  const ee = (name: string, extra: string[]): TestCert =>
    pki.issue(
      name,
      `/O=Sello Test/CN=${name}`,
      [...EE_EXT, `subjectAltName=email:${name}@example.com`, ...extra],
      { issuer: ica },
    );
  leaf = ee('leaf', [`crlDistributionPoints=URI:${http.url('/slow-ica.crl')}`]);
  aiaLeaf = ee('aia-leaf', [
    `crlDistributionPoints=URI:${http.url('/slow-ica.crl')}`,
    `authorityInfoAccess=caIssuers;URI:${http.url('/ica.cer')}`,
  ]);
  // Both CRL servers answer far too late; the issuer certificate comes after 600 ms.
  http.routes.set('/slow-root.crl', { body: new Uint8Array([0x30, 0]), delayMs: 8000 });
  http.routes.set('/slow-ica.crl', { body: new Uint8Array([0x30, 0]), delayMs: 8000 });
  http.routes.set('/ica.cer', {
    body: new Uint8Array(readFileSync(ica.certPath)),
    contentType: 'application/x-pem-file',
    delayMs: 600,
  });
});

afterAll(async () => {
  await http.stop();
});

const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
  const t0 = Date.now();
  const result = await work();
  return { result, ms: Date.now() - t0 };
};

describe('retrieval deadline of one validation', () => {
  it('a 2-level path with two slow CRL servers ends in about the total budget, not twice it', async () => {
    const checkRevocation = createRevocationChecker({ mode: 'soft-fail', retrievalTimeoutMs: 1000 });
    const { result, ms } = await timed(() =>
      validatePath({
        certificate: leaf.der,
        intermediates: [ica.der],
        anchors: [root.der],
        checkRevocation,
        env,
      }),
    );
    expect(result.chain).toHaveLength(3);
    expect(result.revocation).toBe('unreachable');
    // Both certificates below the anchor were asked about; the second found the budget spent.
    const messages = result.issues.map((i) => i.message).join('\n');
    expect(messages).toMatch(/CN=leaf.*no answer within \d+ ms/);
    expect(messages).toMatch(/CN=Deadline CA.*retrieval time of this validation \(1000 ms\) used up/);
    expect(ms).toBeGreaterThanOrEqual(950);
    // One budget per certificate (the old behaviour) would take 2000 ms or more.
    expect(ms).toBeLessThan(1700);
  });

  it('the connection timeout cuts each single fetch, and each fetch gets its own', async () => {
    const checkRevocation = createRevocationChecker({
      mode: 'soft-fail',
      connectionTimeoutMs: 400,
      retrievalTimeoutMs: 5000,
    });
    const { result, ms } = await timed(() =>
      validatePath({
        certificate: leaf.der,
        intermediates: [ica.der],
        anchors: [root.der],
        checkRevocation,
        env,
      }),
    );
    expect(result.revocation).toBe('unreachable');
    const timeouts = result.issues.filter((i) => /no answer within 400 ms/.test(i.message));
    expect(timeouts).toHaveLength(2);
    expect(ms).toBeGreaterThanOrEqual(750);
    expect(ms).toBeLessThan(2000);
  });

  it('AIA caIssuers fetches spend the same budget as the revocation fetches', async () => {
    const checkRevocation = createRevocationChecker({ mode: 'soft-fail', retrievalTimeoutMs: 1000 });
    const { result, ms } = await timed(() =>
      validatePath({
        certificate: aiaLeaf.der,
        intermediates: [],
        anchors: [root.der],
        checkRevocation,
        env,
      }),
    );
    // The issuer arrived (600 ms) and the path was built through it ...
    expect(result.chain).toEqual([
      'CN=aia-leaf, O=Sello Test',
      'CN=Deadline CA, O=Sello Test',
      'CN=Deadline Root, O=Sello Test',
    ]);
    expect(result.revocation).toBe('unreachable');
    // ... and the CRL fetch only had what was left of the 1000 ms.
    expect(ms).toBeLessThan(1600);
    const cut = result.issues.find((i) => /CN=aia-leaf.*no answer within (\d+) ms/.test(i.message));
    const allowed = Number(/no answer within (\d+) ms/.exec(cut?.message ?? '')?.[1]);
    expect(allowed).toBeLessThan(500);
  });

  it('an AIA fetch slower than the whole budget is cut at what remains of it, with a warning', async () => {
    const checkRevocation = createRevocationChecker({ mode: 'soft-fail', retrievalTimeoutMs: 300 });
    const { result, ms } = await timed(() =>
      validatePath({
        certificate: aiaLeaf.der,
        intermediates: [],
        anchors: [root.der],
        checkRevocation,
        env,
      }),
    );
    expect(result.trusted).toBe(false);
    expect(result.issues.map((i) => i.code)).toContain('path.issuer-fetch-failed');
    expect(result.issues.find((i) => i.code === 'path.issuer-fetch-failed')?.message).toMatch(
      /ica\.cer: no answer within (2\d\d|300) ms/,
    );
    expect(ms).toBeLessThan(900);
  });

  it('defaults mirror Exchange: 60000 ms per connection, 10000 ms for all fetches of a validation', () => {
    const checker = createRevocationChecker({ mode: 'soft-fail' });
    expect([checker.connectionTimeoutMs, checker.retrievalTimeoutMs]).toEqual([60_000, 10_000]);
    expect(SETTINGS.crlConnectionTimeoutMs).toMatchObject({
      default: 60_000,
      microsoft: ['OWACRLConnectionTimeout'],
    });
    expect(SETTINGS.crlConnectionTimeoutMs.description).toMatch(/each single/);
    expect(SETTINGS.crlRetrievalTimeoutMs).toMatchObject({
      default: 10_000,
      microsoft: ['OWACRLRetrievalTimeout'],
    });
    expect(SETTINGS.crlRetrievalTimeoutMs.description).toMatch(
      /all .* fetches of one certificate validation/,
    );
  });
});
