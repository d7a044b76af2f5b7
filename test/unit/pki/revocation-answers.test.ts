/**
 * Two revocation answers against a real OpenSSL CA on 127.0.0.1: an OCSP response from the real
 * `openssl ocsp` responder whose signature a man in the middle has altered by one bit is refused, and
 * a cached CRL is fetched again once its nextUpdate has passed (and the newer CRL is believed).
 */
import type { ChildProcess } from 'node:child_process';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { createMemoryRevocationCache, createRevocationChecker } from '../../../shared/pki/revocation';
import { HttpFileServer } from '../../stand-ins/http-file-server';
import { OpensslCa, freePort, stopProcess, type IssuedCertificate } from '../../stand-ins/openssl-ca';

let ca: OpensslCa;
let http: HttpFileServer;
let responder: ChildProcess;
let tampered: IssuedCertificate;
let honest: IssuedCertificate;
let crlUser: IssuedCertificate;
const t0 = new Date();

/** YYYYMMDDHHMMSSZ for `openssl ca -crl_lastupdate/-crl_nextupdate`. */
const stamp = (d: Date): string => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
const hours = (n: number): Date => new Date(t0.getTime() + n * 3600_000);

/** Flips one bit of the BasicOCSPResponse signature in place, leaving every other byte as signed. */
function flipSignatureBit(der: Uint8Array): Uint8Array {
  const response = pkijs.OCSPResponse.fromBER(der.slice().buffer);
  const basic = pkijs.BasicOCSPResponse.fromBER(
    response.responseBytes!.response.valueBlock.valueHexView.slice().buffer,
  );
  const signature = basic.signature.valueBlock.valueHexView;
  const out = der.slice();
  const at = Buffer.from(out).indexOf(Buffer.from(signature));
  if (at < 0) throw new Error('signature not found in the response');
  out[at + signature.length - 1]! ^= 0x01;
  return out;
}

async function forward(port: number, request: Uint8Array): Promise<Uint8Array> {
  const r = await fetch(`http://127.0.0.1:${port}/`, {
    method: 'POST',
    body: Buffer.from(request),
    headers: { 'content-type': 'application/ocsp-request' },
  });
  return new Uint8Array(await r.arrayBuffer());
}

beforeAll(async () => {
  ca = new OpensslCa('/CN=Revocation Answers CA/O=Sello Tests');
  http = new HttpFileServer();
  await http.start();
  const port = await freePort();
  const delegated = ca.issue({
    cn: 'OCSP responder',
    extensions: ['extendedKeyUsage = OCSPSigning', 'keyUsage = critical,digitalSignature'],
  });
  const leaf = (cn: string, extension: string): IssuedCertificate =>
    ca.issue({ cn, email: `${cn}@example.test`, extensions: ['basicConstraints = CA:false', extension] });
  tampered = leaf('tampered', `authorityInfoAccess = OCSP;URI:${http.url('/ocsp-tampered')}`);
  honest = leaf('honest', `authorityInfoAccess = OCSP;URI:${http.url('/ocsp')}`);
  crlUser = leaf('crl-user', `crlDistributionPoints = URI:${http.url('/ca.crl')}`);
  responder = await ca.startOcspResponder(port, delegated);
  http.routes.set('/ocsp', {
    handle: async (req) => ({ body: await forward(port, req), contentType: 'application/ocsp-response' }),
  });
  http.routes.set('/ocsp-tampered', {
    handle: async (req) => ({
      body: flipSignatureBit(await forward(port, req)),
      contentType: 'application/ocsp-response',
    }),
  });
  http.routes.set('/ca.crl', { body: ca.crl({ lastUpdate: stamp(hours(-1)), nextUpdate: stamp(hours(1)) }) });
}, 120_000);

afterAll(async () => {
  await http.stop();
  await stopProcess(responder);
});

describe('OCSP response signature', () => {
  const check = createRevocationChecker({ mode: 'hard-fail', prefer: 'ocsp' });

  it('believes the responder’s untouched answer (the control case)', async () => {
    expect((await check(honest.der, ca.cert.der, defaultEnv())).status).toBe('good');
  });

  it('refuses the same answer with one bit of its signature flipped', async () => {
    const r = await check(tampered.der, ca.cert.der, defaultEnv());
    expect(r.status).toBe('unknown');
    expect(r.issues.map((i) => i.code)).toContain('revocation.ocsp-bad-signature');
    expect(r.issues[0]).toMatchObject({ code: 'revocation.unknown', severity: 'error' });
  });
});

describe('CRL cache and nextUpdate', () => {
  it('serves the CRL from the cache until nextUpdate and fetches it again afterwards', async () => {
    let now = t0;
    const env = defaultEnv({ now: () => now });
    const check = createRevocationChecker({
      mode: 'hard-fail',
      prefer: 'crl',
      cache: createMemoryRevocationCache(),
    });
    expect((await check(crlUser.der, ca.cert.der, env)).status).toBe('good');
    expect(http.hits.get('/ca.crl')).toBe(1);
    now = hours(0.5);
    expect((await check(crlUser.der, ca.cert.der, env)).status).toBe('good');
    expect(http.hits.get('/ca.crl')).toBe(1);
    // The CA revokes the certificate and publishes a new CRL; the old one expires at t0 + 1 h.
    ca.revoke(crlUser, 'keyCompromise');
    http.routes.set('/ca.crl', {
      body: ca.crl({ lastUpdate: stamp(hours(1.5)), nextUpdate: stamp(hours(3)) }),
    });
    now = hours(2);
    const after = await check(crlUser.der, ca.cert.der, env);
    expect(http.hits.get('/ca.crl')).toBe(2);
    expect(after.status).toBe('revoked');
  });
});
