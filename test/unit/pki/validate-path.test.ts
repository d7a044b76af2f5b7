import { beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv, type CoreEnv } from '../../../shared/env';
import { isSelloError } from '../../../shared/errors';
import { createChainValidator, validatePath, type ValidatePathOptions } from '../../../shared/pki';
import { CA_EXT, EE_EXT, ROOT_EXT, TestPki, type TestCert } from './test-pki';

const env = defaultEnv({ fetch: undefined });
let pki: TestPki;
let root: TestCert;
let ca: TestCert;
let alice: TestCert;

beforeAll(() => {
  pki = new TestPki();
  root = pki.issue('root', '/O=Sello Test/CN=Root', ROOT_EXT, { days: 3650 });
  ca = pki.issue('ca', '/O=Sello Test/CN=Issuing CA', CA_EXT, { issuer: root, days: 3650 });
  alice = pki.issue(
    'alice',
    '/O=Sello Test/CN=Alice',
    [...EE_EXT, 'subjectAltName=email:alice@example.com'],
    {
      issuer: ca,
    },
  );
});

const validate = (o: Partial<ValidatePathOptions> & { certificate: Uint8Array }) =>
  validatePath({ anchors: [root.der], intermediates: [ca.der], env, ...o });
const codes = (r: { issues: { code: string; severity: string }[] }, severity = 'error'): string[] =>
  r.issues.filter((i) => i.severity === severity).map((i) => i.code);

describe('path building', () => {
  it('trusts a signer whose chain reaches an anchor and reports the chain from signer to anchor', async () => {
    const r = await validate({ certificate: alice.der });
    expect(codes(r)).toEqual([]);
    expect(r.trusted).toBe(true);
    expect(r.chain).toEqual([
      'CN=Alice, O=Sello Test',
      'CN=Issuing CA, O=Sello Test',
      'CN=Root, O=Sello Test',
    ]);
    expect(r.revocation).toBe('unchecked');
    expect(r.validNow).toBe(true);
    expect(r.validAtSigningTime).toBeNull();
  });

  it('uses the installation’s known intermediates when the message lacks them', async () => {
    const r = await validate({ certificate: alice.der, intermediates: [], knownIntermediates: [ca.der] });
    expect(r.trusted).toBe(true);
  });

  it('says no anchor was reached when an intermediate is missing and cannot be fetched', async () => {
    const r = await validate({ certificate: alice.der, intermediates: [] });
    expect(r.trusted).toBe(false);
    expect(codes(r)).toContain('path.no-anchor');
  });

  it('fetches a missing issuer from AIA caIssuers over the injected fetch, once per URL', async () => {
    const withAia = pki.issue(
      'aia-user',
      '/O=Sello Test/CN=AIA User',
      [...EE_EXT, 'authorityInfoAccess=caIssuers;URI:http://pki.example.test/ca.cer'],
      { issuer: ca },
    );
    const requested: string[] = [];
    const fetchEnv: CoreEnv = {
      ...env,
      fetch: (async (url: string) => {
        requested.push(url);
        return new Response(ca.der.slice().buffer, { status: 200 });
      }) as unknown as typeof fetch,
    };
    const validator = createChainValidator({ anchors: [root.der], env: fetchEnv });
    const input = { certificate: withAia.der, intermediates: [], signingTime: null, usage: 'sign' as const };
    expect((await validator(input)).trusted).toBe(true);
    expect((await validator(input)).trusted).toBe(true);
    expect(requested).toEqual(['http://pki.example.test/ca.cer']);
  });

  it('reports an unreachable caIssuers URL as a warning and the path as untrusted', async () => {
    const withAia = pki.issue(
      'aia-down',
      '/O=Sello Test/CN=AIA Down',
      [...EE_EXT, 'authorityInfoAccess=caIssuers;URI:http://pki.example.test/missing.cer'],
      { issuer: ca },
    );
    const fetchEnv: CoreEnv = {
      ...env,
      fetch: (async () => new Response('no', { status: 404 })) as unknown as typeof fetch,
    };
    const r = await validatePath({ certificate: withAia.der, anchors: [root.der], env: fetchEnv });
    expect(r.trusted).toBe(false);
    expect(codes(r, 'warning')).toContain('path.issuer-fetch-failed');
  });

  it('trusts a certificate that is itself an anchor, while it is current and fit for the use', async () => {
    const r = await validatePath({ certificate: alice.der, anchors: [alice.der], env });
    expect(r.trusted).toBe(true);
    const later = defaultEnv({ fetch: undefined, now: () => new Date(Date.now() + 400 * 86_400_000) });
    const expired = await validatePath({ certificate: alice.der, anchors: [alice.der], env: later });
    expect([expired.trusted, expired.validNow]).toEqual([false, false]);
  });
});

describe('validity at signing time and now', () => {
  it('reports both, decides at the signing time and warns when the chain has expired since', async () => {
    const later = defaultEnv({ fetch: undefined, now: () => new Date(Date.now() + 400 * 86_400_000) });
    const r = await validatePath({
      certificate: alice.der,
      intermediates: [ca.der],
      anchors: [root.der],
      signingTime: new Date(),
      env: later,
    });
    expect(r.validAtSigningTime).toBe(true);
    expect(r.validNow).toBe(false);
    expect(r.trusted).toBe(true);
    expect(codes(r, 'warning')).toContain('path.expired-now');
  });

  it('refuses an expired signer when the message gives no signing time', async () => {
    const later = defaultEnv({ fetch: undefined, now: () => new Date(Date.now() + 400 * 86_400_000) });
    const r = await validatePath({
      certificate: alice.der,
      intermediates: [ca.der],
      anchors: [root.der],
      env: later,
    });
    expect(r.trusted).toBe(false);
    expect(codes(r)).toContain('path.expired');
  });
});

describe('RFC 5280 checks', () => {
  it('refuses a chain through an end-entity certificate (basicConstraints cA false)', async () => {
    const fake = pki.issue('fake', '/O=Sello Test/CN=Mallory Sub', EE_EXT, { issuer: alice });
    const r = await validate({ certificate: fake.der, intermediates: [ca.der, alice.der] });
    expect(codes(r)).toContain('path.not-a-ca');
  });

  it('enforces pathLenConstraint', async () => {
    const tight = pki.issue(
      'tight',
      '/O=Sello Test/CN=Tight CA',
      ['basicConstraints=critical,CA:TRUE,pathlen:0', ...CA_EXT.slice(1)],
      {
        issuer: root,
      },
    );
    const sub = pki.issue('sub', '/O=Sello Test/CN=Sub CA', CA_EXT, { issuer: tight });
    const user = pki.issue('deep', '/O=Sello Test/CN=Deep', EE_EXT, { issuer: sub });
    const r = await validate({ certificate: user.der, intermediates: [tight.der, sub.der] });
    expect(codes(r)).toContain('path.path-length-exceeded');
  });

  it('refuses a CA whose keyUsage lacks keyCertSign', async () => {
    const noSign = pki.issue(
      'nosign',
      '/O=Sello Test/CN=No Sign CA',
      ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,cRLSign'],
      {
        issuer: root,
      },
    );
    const user = pki.issue('nosign-user', '/O=Sello Test/CN=User', EE_EXT, { issuer: noSign });
    const r = await validate({ certificate: user.der, intermediates: [noSign.der] });
    expect(codes(r)).toContain('path.ca-key-usage');
  });

  it('checks keyUsage for the purpose: signing needs digitalSignature or nonRepudiation', async () => {
    const encOnly = pki.issue(
      'enc',
      '/O=Sello Test/CN=Enc Only',
      ['basicConstraints=CA:FALSE', 'keyUsage=critical,keyAgreement', 'extendedKeyUsage=emailProtection'],
      {
        issuer: ca,
      },
    );
    expect(codes(await validate({ certificate: encOnly.der, usage: 'sign' }))).toContain('path.key-usage');
    expect((await validate({ certificate: encOnly.der, usage: 'encrypt' })).trusted).toBe(true);
  });

  it('checks keyUsage for the purpose: encrypting needs keyEncipherment or keyAgreement', async () => {
    const signOnly = pki.issue(
      'sign-only',
      '/O=Sello Test/CN=Sign Only',
      [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature,nonRepudiation',
        'extendedKeyUsage=emailProtection',
      ],
      { issuer: ca },
    );
    const encrypt = await validate({ certificate: signOnly.der, usage: 'encrypt' });
    expect(encrypt.trusted).toBe(false);
    expect(codes(encrypt)).toEqual(['path.key-usage']);
    expect((await validate({ certificate: signOnly.der, usage: 'sign' })).trusted).toBe(true);
  });

  it('requires extendedKeyUsage emailProtection or anyExtendedKeyUsage when the extension is present', async () => {
    const tls = pki.issue(
      'tls',
      '/O=Sello Test/CN=TLS',
      ['keyUsage=digitalSignature', 'extendedKeyUsage=serverAuth'],
      { issuer: ca },
    );
    const any = pki.issue(
      'any',
      '/O=Sello Test/CN=Any',
      ['keyUsage=digitalSignature', 'extendedKeyUsage=anyExtendedKeyUsage'],
      {
        issuer: ca,
      },
    );
    expect(codes(await validate({ certificate: tls.der }))).toContain('path.extended-key-usage');
    expect((await validate({ certificate: any.der })).trusted).toBe(true);
  });

  it('rejects an unknown critical extension', async () => {
    const odd = pki.issue(
      'odd',
      '/O=Sello Test/CN=Odd',
      [...EE_EXT, '1.3.6.1.4.1.99999.1=critical,DER:05:00'],
      { issuer: ca },
    );
    expect(codes(await validate({ certificate: odd.der }))).toContain('path.unknown-critical-extension');
  });

  it('detects a signature that does not verify', async () => {
    const tampered = alice.der.slice();
    tampered[tampered.length - 5] = tampered[tampered.length - 5]! ^ 0x01;
    const r = await validate({ certificate: tampered });
    expect(r.trusted).toBe(false);
  });
});

describe('name constraints', () => {
  let constrained: TestCert;
  beforeAll(() => {
    constrained = pki.issue(
      'nc',
      '/O=Sello Test/CN=Example Only CA',
      [
        ...CA_EXT,
        'nameConstraints=critical,permitted;email:.example.com,permitted;email:example.com,excluded;email:bad.example.com,permitted;dirName:dir_sect',
        '[dir_sect]',
        'O=Sello Test',
      ],
      { issuer: root },
    );
  });
  const user = (name: string, san: string, subject = `/O=Sello Test/CN=${name}`): TestCert =>
    pki.issue(name, subject, [...EE_EXT, `subjectAltName=${san}`], { issuer: constrained });

  it('permits addresses in the domain and its subdomains', async () => {
    for (const san of ['email:bob@example.com', 'email:carol@mail.example.com']) {
      const r = await validate({
        certificate: user(`ok${san.length}`, san).der,
        intermediates: [constrained.der],
      });
      expect(codes(r)).toEqual([]);
    }
  });

  it('refuses addresses outside the permitted subtrees and inside excluded ones', async () => {
    const outside = await validate({
      certificate: user('out', 'email:eve@evil.test').der,
      intermediates: [constrained.der],
    });
    expect(codes(outside)).toContain('path.name-constraints');
    const excluded = await validate({
      certificate: user('ex', 'email:eve@bad.example.com').der,
      intermediates: [constrained.der],
    });
    expect(codes(excluded)).toContain('path.name-constraints');
  });

  it('applies rfc822Name constraints to an emailAddress in the subject DN too', async () => {
    const legacy = pki.issue('legacy', '/O=Sello Test/CN=Legacy/emailAddress=eve@evil.test', EE_EXT, {
      issuer: constrained,
    });
    expect(codes(await validate({ certificate: legacy.der, intermediates: [constrained.der] }))).toContain(
      'path.name-constraints',
    );
  });

  it('applies directoryName constraints to the subject', async () => {
    const other = user('dn', 'email:dn@example.com', '/O=Other Org/CN=Dn');
    expect(codes(await validate({ certificate: other.der, intermediates: [constrained.der] }))).toContain(
      'path.name-constraints',
    );
  });
});

describe('weak algorithms and keys', () => {
  it('refuses SHA-1 certificate signatures unless allowed, and then says so', async () => {
    const sha1 = pki.issue('sha1', '/O=Sello Test/CN=Sha1', EE_EXT, { issuer: ca, digest: 'sha1' });
    expect(codes(await validate({ certificate: sha1.der }))).toContain('path.weak-signature');
    const relaxed = await validate({ certificate: sha1.der, policy: { allowWeakSignatures: true } });
    expect(relaxed.trusted).toBe(true);
    expect(codes(relaxed, 'warning')).toContain('path.weak-signature-allowed');
  });

  describe('MD5 and SHA-224 certificate signatures (RSA; WebCrypto has neither hash)', () => {
    let rsaCa: TestCert;
    beforeAll(() => {
      rsaCa = pki.issue('rsa-ca', '/O=Sello Test/CN=RSA Issuing CA', CA_EXT, {
        issuer: root,
        key: 'rsa2048',
        days: 3650,
      });
    });
    const viaRsaCa = (o: Partial<ValidatePathOptions> & { certificate: Uint8Array }) =>
      validate({ intermediates: [rsaCa.der], ...o });

    it('refuses an MD5-signed certificate as a weak algorithm, not as an unknown one', async () => {
      const md5 = pki.issue('md5', '/O=Sello Test/CN=Md5', EE_EXT, { issuer: rsaCa, digest: 'md5' });
      const r = await viaRsaCa({ certificate: md5.der });
      expect(r.trusted).toBe(false);
      expect(codes(r)).toEqual(['path.weak-signature']);
      expect(r.issues.find((i) => i.code === 'path.weak-signature')?.message).toMatch(/md5WithRSAEncryption/);
    });

    it('accepts it, visibly, when weak signatures are allowed: the MD5 signature is really checked', async () => {
      const md5 = pki.issue('md5-ok', '/O=Sello Test/CN=Md5 Ok', EE_EXT, { issuer: rsaCa, digest: 'md5' });
      const relaxed = await viaRsaCa({ certificate: md5.der, policy: { allowWeakSignatures: true } });
      expect(relaxed.trusted).toBe(true);
      expect(codes(relaxed, 'warning')).toContain('path.weak-signature-allowed');
      // The same certificate with one bit of its signature flipped does not verify.
      const forged = md5.der.slice();
      forged[forged.length - 1]! ^= 0x01;
      const bad = await viaRsaCa({ certificate: forged, policy: { allowWeakSignatures: true } });
      expect(bad.trusted).toBe(false);
      expect(codes(bad)).toContain('path.bad-signature');
    });

    it('refuses a SHA-1-signed RSA certificate with the same code, accepted only when relaxed', async () => {
      const sha1 = pki.issue('sha1-rsa', '/O=Sello Test/CN=Sha1 Rsa', EE_EXT, {
        issuer: rsaCa,
        digest: 'sha1',
      });
      expect(codes(await viaRsaCa({ certificate: sha1.der }))).toEqual(['path.weak-signature']);
      const relaxed = await viaRsaCa({ certificate: sha1.der, policy: { allowWeakSignatures: true } });
      expect(relaxed.trusted).toBe(true);
    });

    it('checks a sha224WithRSAEncryption certificate (not weak)', async () => {
      const s224 = pki.issue('sha224', '/O=Sello Test/CN=Sha224', EE_EXT, {
        issuer: rsaCa,
        digest: 'sha224',
      });
      const r = await viaRsaCa({ certificate: s224.der });
      expect(codes(r)).toEqual([]);
      expect(r.trusted).toBe(true);
    });
  });

  it('refuses RSA keys under 2048 bits unless allowed, and then says so', async () => {
    const small = pki.issue('rsa1024', '/O=Sello Test/CN=Small', EE_EXT, { issuer: ca, key: 'rsa1024' });
    expect(codes(await validate({ certificate: small.der }))).toContain('path.weak-key');
    const relaxed = await validate({ certificate: small.der, policy: { allowWeakKeys: true } });
    expect(relaxed.trusted).toBe(true);
    expect(codes(relaxed, 'warning')).toContain('path.weak-key-allowed');
  });

  it('refuses a misspelt policy setting instead of ignoring it', () => {
    expect(() =>
      createChainValidator({ anchors: [root.der], env, policy: { allowWeak: true } as never }),
    ).toThrow(expect.objectContaining({ code: 'usage.unknown-option' }));
  });
});

describe('revocation hook', () => {
  it('folds a revoked answer into the result and distrusts the path', async () => {
    const r = await validate({
      certificate: alice.der,
      checkRevocation: async (cert) =>
        cert.length === alice.der.length
          ? {
              status: 'revoked',
              issues: [{ code: 'revocation.revoked', message: 'revoked (keyCompromise)', severity: 'error' }],
            }
          : { status: 'good', issues: [] },
    });
    expect(r.revocation).toBe('revoked');
    expect(r.trusted).toBe(false);
  });

  it('keeps the path trusted with a warning when revocation is unreachable in soft-fail', async () => {
    const asked: number[] = [];
    const r = await validate({
      certificate: alice.der,
      checkRevocation: async (cert) => {
        asked.push(cert.length);
        return {
          status: 'unreachable',
          issues: [{ code: 'revocation.unreachable', message: 'CRL server down', severity: 'warning' }],
        };
      },
    });
    expect(asked).toHaveLength(2); // the signer and its CA, not the anchor
    expect(r.revocation).toBe('unreachable');
    expect(r.trusted).toBe(true);
    expect(codes(r, 'warning')).toContain('revocation.unreachable');
  });

  it('distrusts the path when the checker reports an error (hard-fail)', async () => {
    const r = await validate({
      certificate: alice.der,
      checkRevocation: async () => ({
        status: 'unreachable',
        issues: [{ code: 'revocation.unreachable', message: 'CRL server down', severity: 'error' }],
      }),
    });
    expect(r.trusted).toBe(false);
  });

  it('does not ask about revocation for a path that already failed', async () => {
    let asked = false;
    await validate({
      certificate: alice.der,
      intermediates: [],
      checkRevocation: async () => {
        asked = true;
        return { status: 'good', issues: [] };
      },
    });
    expect(asked).toBe(false);
  });
});

it('error helper sanity: SelloError codes are stable', () => {
  expect(isSelloError(new Error('x'))).toBe(false);
});
