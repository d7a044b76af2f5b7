/**
 * Trust anchors with small RSA keys (decided: held to the same 2048-bit floor as every certificate
 * on the path, relaxed by the same allowWeakKeys switch, and named by `sello lint`). Certificates are
 * made by the OpenSSL CLI at test time.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { validatePath } from '../../../shared/pki';
import { lintCertificate } from '../../../shared/pki/lint';
import { EE_EXT, ROOT_EXT, TestPki, type TestCert } from './test-pki';

const env = defaultEnv({ fetch: undefined });
let weakRoot: TestCert;
let strongRoot: TestCert;
let user: TestCert;
let strongUser: TestCert;

beforeAll(() => {
  const pki = new TestPki();
  weakRoot = pki.issue('weak-root', '/O=Sello Test/CN=Weak Root', ROOT_EXT, { key: 'rsa1024', days: 3650 });
  strongRoot = pki.issue('strong-root', '/O=Sello Test/CN=Strong Root', ROOT_EXT, {
    key: 'rsa2048',
    days: 3650,
  });
  const ee = [...EE_EXT, 'subjectAltName=email:user@example.com'];
  user = pki.issue('user', '/O=Sello Test/CN=User', ee, { issuer: weakRoot, key: 'rsa2048' });
  strongUser = pki.issue('strong-user', '/O=Sello Test/CN=Strong User', ee, {
    issuer: strongRoot,
    key: 'rsa2048',
  });
});

const errors = (r: { issues: { code: string; severity: string }[] }): string[] =>
  r.issues.filter((i) => i.severity === 'error').map((i) => i.code);

describe('a trust anchor with an RSA key under 2048 bits', () => {
  it('is refused by default, naming the anchor', async () => {
    const r = await validatePath({ certificate: user.der, anchors: [weakRoot.der], env });
    expect(r.trusted).toBe(false);
    expect(errors(r)).toEqual(['path.weak-key']);
    expect(r.issues[0]?.message).toMatch(/trust anchor CN=Weak Root.*1024-bit/);
  });

  it('is accepted with allowWeakKeys, and the result says so', async () => {
    const r = await validatePath({
      certificate: user.der,
      anchors: [weakRoot.der],
      policy: { allowWeakKeys: true },
      env,
    });
    expect(r.trusted).toBe(true);
    expect(r.issues).toContainEqual(
      expect.objectContaining({
        code: 'path.weak-key-allowed',
        message: expect.stringMatching(/trust anchor/),
      }),
    );
  });

  it('is a sello lint finding of its own, besides the chain it breaks', async () => {
    const r = await lintCertificate(
      { certificate: user.der, chain: [], privateKeyMatches: null },
      { anchors: [weakRoot.der, strongRoot.der] },
      env,
    );
    const weak = r.findings.filter((f) => f.code === 'cert.weak-anchor');
    expect(weak).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/Weak Root.*1024-bit/) }),
    ]);
    expect(r.findings.map((f) => f.code)).toContain('cert.untrusted');
    expect(r.worst).toBe('error');
  });

  it('a 2048-bit anchor raises nothing', async () => {
    const r = await lintCertificate(
      { certificate: strongUser.der, chain: [], privateKeyMatches: null },
      { anchors: [strongRoot.der] },
      env,
    );
    expect(r.findings.map((f) => f.code)).not.toContain('cert.weak-anchor');
    expect(r.findings.map((f) => f.code)).toContain('cert.chain-ok');
  });
});
