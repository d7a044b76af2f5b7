/**
 * Revocation against a real OpenSSL CA on 127.0.0.1: `openssl ocsp` answers from the CA's index,
 * CRLs written by `openssl ca -gencrl` are served over HTTP. Ports are chosen free at run time.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { createChainValidator, type RevocationHook } from '../../../shared/pki';
import {
  canSendWithRevocation,
  createMemoryRevocationCache,
  createRevocationChecker,
} from '../../../shared/pki/revocation';
import { HttpFileServer } from '../../stand-ins/http-file-server';
import { OpensslCa, freePort, stopProcess, type IssuedCertificate } from '../../stand-ins/openssl-ca';

const env = defaultEnv();
const codes = (r: { issues: { code: string }[] }): string[] => r.issues.map((i) => i.code);

let ca: OpensslCa;
let impostor: OpensslCa;
let http: HttpFileServer;
const responders: ChildProcess[] = [];
const certs: Record<string, IssuedCertificate> = {};

beforeAll(async () => {
  ca = new OpensslCa();
  impostor = new OpensslCa(ca.subject);
  http = new HttpFileServer();
  await http.start();
  const ocspPort = await freePort();
  const rogueOcspPort = await freePort();
  const caSignedPort = await freePort();
  const closedPort = await freePort(); // nothing will listen here
  const ocsp = (port: number): string => `authorityInfoAccess = OCSP;URI:http://127.0.0.1:${port}/`;
  const cdp = (url: string): string => `crlDistributionPoints = URI:${url}`;
  const leaf = (cn: string, extensions: string[], outsideIndex = false): IssuedCertificate =>
    ca.issue({
      cn,
      email: `${cn}@example.test`,
      extensions: ['basicConstraints = CA:false', ...extensions],
      outsideIndex,
    });

  const delegated = ca.issue({
    cn: 'OCSP responder',
    extensions: ['extendedKeyUsage = OCSPSigning', 'keyUsage = critical,digitalSignature'],
  });
  const rogue = ca.issue({ cn: 'Not a responder', extensions: ['extendedKeyUsage = emailProtection'] });
  Object.assign(certs, {
    ocspGood: leaf('ocsp-good', [ocsp(ocspPort)]),
    ocspRevoked: leaf('ocsp-revoked', [ocsp(ocspPort)]),
    ocspUnknown: leaf('ocsp-unknown', [ocsp(ocspPort)], true),
    crlGood: leaf('crl-good', [cdp(http.url('/ca.crl'))]),
    crlRevoked: leaf('crl-revoked', [cdp(http.url('/ca.pem.crl'))]),
    unreachable: leaf('unreachable', [ocsp(closedPort), cdp(`http://127.0.0.1:${closedPort}/ca.crl`)]),
    slow: leaf('slow', [cdp(http.url('/slow.crl'))]),
    expired: leaf('expired', [cdp(http.url('/expired.crl'))]),
    wrongKey: leaf('wrong-key', [cdp(http.url('/impostor.crl'))]),
    rogueResponder: leaf('rogue-responder', [ocsp(rogueOcspPort)]),
    replayed: leaf('replayed', [`authorityInfoAccess = OCSP;URI:${http.url('/replay')}`]),
    ocspDownCrlUp: leaf('fallback', [ocsp(closedPort), cdp(http.url('/ca.crl'))]),
    delta: leaf('delta', [cdp(http.url('/base.crl')), `freshestCRL = URI:${http.url('/delta.crl')}`]),
    noSource: leaf('no-source', []),
    caSigned: leaf('ca-signed', [`authorityInfoAccess = OCSP;URI:${http.url('/ocsp-counted')}`]),
    inScope: leaf('in-scope', [cdp(http.url('/partition1.crl'))]),
    otherPartition: leaf('other-partition', [cdp(http.url('/partition2.crl'))]),
    caOnly: leaf('ca-only', [cdp(http.url('/ca-only.crl'))]),
  });
  ca.revoke(certs.ocspRevoked!, 'keyCompromise');
  ca.revoke(certs.crlRevoked!, 'superseded');
  ca.revoke(certs.wrongKey!);
  const base = ca.crl(); // CRL number 1
  ca.revoke(certs.delta!, 'keyCompromise');
  const full = ca.crl();
  http.routes.set('/base.crl', { body: base });
  http.routes.set('/delta.crl', { body: ca.crl({ deltaOf: 1 }) });
  http.routes.set('/ca.crl', { body: full });
  // The same CRL as PEM: distribution points serve either.
  http.routes.set('/ca.pem.crl', { body: new TextEncoder().encode(pem('X509 CRL', full)) });
  http.routes.set('/slow.crl', { body: full, delayMs: 3000 });
  http.routes.set('/expired.crl', {
    body: ca.crl({ lastUpdate: '20250101000000Z', nextUpdate: '20250102000000Z' }),
  });
  http.routes.set('/impostor.crl', { body: impostor.crl() });
  http.routes.set('/partition1.crl', { body: ca.crl({ idpUrl: http.url('/partition1.crl') }) });
  // A CRL for partition 1 served where the certificate expects partition 2's.
  http.routes.set('/partition2.crl', { body: ca.crl({ idpUrl: http.url('/partition1.crl') }) });
  http.routes.set('/ca-only.crl', { body: ca.crl({ idpUrl: http.url('/ca-only.crl'), idpOnlyCa: true }) });

  responders.push(await ca.startOcspResponder(ocspPort, delegated));
  responders.push(await ca.startOcspResponder(rogueOcspPort, rogue));
  // The CA signing its own responses, naming itself by key hash (ResponderID byKey).
  responders.push(await ca.startOcspResponder(caSignedPort, ca.cert, ['-resp_key_id']));
  http.routes.set('/ocsp-counted', { handle: (request) => forward(caSignedPort, request) });
  // A man in the middle that answers every request with the first response it saw (a replay).
  let recorded: Uint8Array | undefined;
  http.routes.set('/replay', {
    handle: async (request) => {
      if (!recorded) {
        const r = await fetch(`http://127.0.0.1:${ocspPort}/`, {
          method: 'POST',
          body: Buffer.from(request),
          headers: { 'content-type': 'application/ocsp-request' },
        });
        recorded = new Uint8Array(await r.arrayBuffer());
      }
      return { body: recorded, contentType: 'application/ocsp-response' };
    },
  });
});

afterAll(async () => {
  for (const r of responders) await stopProcess(r);
  await http?.stop();
  ca?.remove();
  impostor?.remove();
});

async function forward(
  port: number,
  request: Uint8Array,
): Promise<{ body: Uint8Array; contentType: string }> {
  const r = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    body: Buffer.from(request),
    headers: { 'content-type': 'application/ocsp-request' },
  });
  return { body: new Uint8Array(await r.arrayBuffer()), contentType: 'application/ocsp-response' };
}

function pem(label: string, der: Uint8Array): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

describe('OCSP against openssl ocsp with a delegated responder', () => {
  const check = createRevocationChecker({ mode: 'soft-fail', prefer: 'ocsp' });

  it('reports a certificate in the index as good', async () => {
    const r = await check(certs.ocspGood!.der, ca.cert.der, env);
    expect(r).toMatchObject({ status: 'good', source: 'ocsp' });
    expect(r.issues.filter((i) => i.severity !== 'info')).toEqual([]);
  });

  it('reports a revoked certificate with its reason and date', async () => {
    const r = await check(certs.ocspRevoked!.der, ca.cert.der, env);
    expect(r).toMatchObject({ status: 'revoked', source: 'ocsp', revocationReason: 'keyCompromise' });
    expect(r.revocationTime).toBeInstanceOf(Date);
    expect(r.issues[0]).toMatchObject({ code: 'revocation.revoked', severity: 'error' });
  });

  it('reports a certificate the responder does not know as unknown', async () => {
    const r = await check(certs.ocspUnknown!.der, ca.cert.der, env);
    expect(r.status).toBe('unknown');
    expect(codes(r)).toContain('revocation.ocsp-unknown-certificate');
  });

  it('accepts a response signed by the CA itself, named by key hash, and caches it until nextUpdate', async () => {
    const cached = createRevocationChecker({ mode: 'hard-fail', cache: createMemoryRevocationCache() });
    const before = http.hits.get('/ocsp-counted') ?? 0;
    expect(await cached(certs.caSigned!.der, ca.cert.der, env)).toMatchObject({
      status: 'good',
      source: 'ocsp',
    });
    expect(await cached(certs.caSigned!.der, ca.cert.der, env)).toMatchObject({
      status: 'good',
      source: 'ocsp',
    });
    expect(http.hits.get('/ocsp-counted')).toBe(before + 1);
  });

  it('refuses a response signed by a certificate the CA issued without id-kp-OCSPSigning', async () => {
    const r = await check(certs.rogueResponder!.der, ca.cert.der, env);
    expect(r.status).toBe('unknown');
    expect(codes(r)).toContain('revocation.ocsp-unauthorised-responder');
  });

  it('refuses a replayed response whose nonce answers another request', async () => {
    const first = await check(certs.replayed!.der, ca.cert.der, env);
    expect(first.status).toBe('good');
    const replay = await check(certs.replayed!.der, ca.cert.der, env);
    expect(replay.status).toBe('unknown');
    expect(codes(replay)).toContain('revocation.ocsp-nonce-mismatch');
  });

  it('falls back to the CRL when the OCSP responder is down, noting it', async () => {
    const r = await check(certs.ocspDownCrlUp!.der, ca.cert.der, env);
    expect(r).toMatchObject({ status: 'good', source: 'crl' });
    expect(r.issues.map((i) => [i.code, i.severity])).toContainEqual(['revocation.fetch-failed', 'info']);
  });
});

describe('CRLs from openssl ca served over HTTP', () => {
  const check = createRevocationChecker({ mode: 'soft-fail', prefer: 'crl' });

  it('reports a certificate absent from the CRL as good', async () => {
    expect(await check(certs.crlGood!.der, ca.cert.der, env)).toMatchObject({
      status: 'good',
      source: 'crl',
    });
  });

  it('reads a PEM CRL and reports a revoked certificate with its reason', async () => {
    const r = await check(certs.crlRevoked!.der, ca.cert.der, env);
    expect(r).toMatchObject({ status: 'revoked', source: 'crl', revocationReason: 'superseded' });
  });

  it('treats an expired CRL as unknown and says so', async () => {
    const r = await check(certs.expired!.der, ca.cert.der, env);
    expect(r.status).toBe('unknown');
    expect(codes(r)).toEqual(['revocation.unknown', 'revocation.crl-expired']);
  });

  it('refuses a CRL with the issuer name but signed by another key', async () => {
    const r = await check(certs.wrongKey!.der, ca.cert.der, env);
    expect(r.status).toBe('unknown');
    expect(codes(r)).toContain('revocation.crl-bad-signature');
  });

  it('applies a delta CRL on top of the base CRL', async () => {
    const r = await check(certs.delta!.der, ca.cert.der, env);
    expect(r).toMatchObject({ status: 'revoked', source: 'crl', revocationReason: 'keyCompromise' });
  });

  it('accepts a CRL whose issuing distribution point is the one the certificate names', async () => {
    expect(await check(certs.inScope!.der, ca.cert.der, env)).toMatchObject({
      status: 'good',
      source: 'crl',
    });
  });

  it('refuses a CRL for another partition or for CA certificates only', async () => {
    for (const cert of [certs.otherPartition!, certs.caOnly!]) {
      const r = await check(cert.der, ca.cert.der, env);
      expect(r.status).toBe('unknown');
      expect(codes(r)).toContain('revocation.crl-scope');
    }
  });

  it('fetches a CRL once for concurrent checks of several certificates', async () => {
    const before = http.hits.get('/ca.crl') ?? 0;
    const results = await Promise.all(
      [certs.crlGood!, certs.crlGood!, certs.ocspDownCrlUp!].map((c) => check(c.der, ca.cert.der, env)),
    );
    expect(results.map((r) => r.status)).toEqual(['good', 'good', 'good']);
    expect(http.hits.get('/ca.crl')).toBe(before + 1);
  });

  it('keeps a CRL until its nextUpdate instead of fetching it again', async () => {
    const cache = createMemoryRevocationCache();
    const cached = createRevocationChecker({ mode: 'soft-fail', prefer: 'crl', cache });
    const before = http.hits.get('/ca.crl') ?? 0;
    expect((await cached(certs.crlGood!.der, ca.cert.der, env)).status).toBe('good');
    expect((await cached(certs.crlGood!.der, ca.cert.der, env)).status).toBe('good');
    expect(http.hits.get('/ca.crl')).toBe(before + 1);
  });
});

describe('unreachable and slow servers', () => {
  it('soft-fail: a closed port is unreachable with a warning', async () => {
    const r = await createRevocationChecker({ mode: 'soft-fail' })(certs.unreachable!.der, ca.cert.der, env);
    expect(r.status).toBe('unreachable');
    expect(r.issues[0]).toMatchObject({ code: 'revocation.unreachable', severity: 'warning' });
  });

  it('hard-fail: a closed port is reported as a failure', async () => {
    const r = await createRevocationChecker({ mode: 'hard-fail' })(certs.unreachable!.der, ca.cert.der, env);
    expect(r.status).toBe('unreachable');
    expect(r.issues[0]).toMatchObject({ code: 'revocation.unreachable', severity: 'error' });
  });

  it('gives up on a server slower than the retrieval timeout, in about that time', async () => {
    const started = Date.now();
    const r = await createRevocationChecker({ mode: 'hard-fail', retrievalTimeoutMs: 500 })(
      certs.slow!.der,
      ca.cert.der,
      env,
    );
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.status).toBe('unreachable');
    expect(r.issues[1]?.message).toMatch(/no answer within \d+ ms/);
  });

  it('the connection timeout bounds one exchange even when the retrieval budget is larger', async () => {
    const started = Date.now();
    const r = await createRevocationChecker({
      mode: 'soft-fail',
      connectionTimeoutMs: 400,
      retrievalTimeoutMs: 10_000,
    })(certs.slow!.der, ca.cert.der, env);
    expect(Date.now() - started).toBeLessThan(2500);
    expect(r.status).toBe('unreachable');
  });

  it('without network access the status is unreachable, not good', async () => {
    const r = await createRevocationChecker({ mode: 'soft-fail' })(certs.crlGood!.der, ca.cert.der, {
      ...env,
      fetch: undefined,
    });
    expect(r.status).toBe('unreachable');
  });
});

describe('modes and the send gate', () => {
  it('off checks nothing and touches no network', async () => {
    const r = await createRevocationChecker({ mode: 'off' })(certs.crlGood!.der, ca.cert.der, {
      ...env,
      fetch: undefined,
    });
    expect(r).toEqual({ status: 'unchecked', issues: [] });
  });

  it('a certificate without CRL or OCSP URLs is unknown with the reason', async () => {
    const r = await createRevocationChecker({ mode: 'soft-fail' })(certs.noSource!.der, ca.cert.der, env);
    expect(r.status).toBe('unknown');
    expect(codes(r)).toEqual(['revocation.no-source']);
  });

  it('rejects unknown options instead of ignoring them', () => {
    expect(() => createRevocationChecker({ mode: 'soft-fail', timeout: 5 } as never)).toThrow(
      /unknown revocation option/,
    );
  });

  it('CheckCRLOnSend blocks sending while revocation cannot be checked, and never sends to a revoked certificate', () => {
    expect(canSendWithRevocation({ status: 'unreachable' }, { checkOnSend: true })).toMatchObject({
      allowed: false,
      issue: { code: 'revocation.unreachable' },
    });
    expect(canSendWithRevocation({ status: 'unreachable' }, { checkOnSend: false }).allowed).toBe(true);
    expect(canSendWithRevocation({ status: 'good' }, { checkOnSend: true }).allowed).toBe(true);
    expect(canSendWithRevocation({ status: 'revoked' }, { checkOnSend: false }).allowed).toBe(false);
  });
});

describe('as the checkRevocation hook of path validation', () => {
  it('makes a chain with a revoked certificate untrusted, and a good one trusted', async () => {
    const hook: RevocationHook = createRevocationChecker({ mode: 'hard-fail', prefer: 'ocsp' });
    const validate = createChainValidator({ anchors: [ca.cert.der], checkRevocation: hook, env });
    const input = (cert: IssuedCertificate) => ({
      certificate: cert.der,
      intermediates: [],
      signingTime: null,
      usage: 'sign' as const,
    });
    const revoked = await validate(input(certs.ocspRevoked!));
    expect(revoked).toMatchObject({ trusted: false, revocation: 'revoked' });
    const good = await validate(input(certs.ocspGood!));
    expect(good).toMatchObject({ trusted: true, revocation: 'good' });
  });
});
