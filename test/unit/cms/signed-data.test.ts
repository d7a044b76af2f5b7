import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { createSignedData, verifySignedData } from '../../../shared/cms/signed-data';
import { env, makeCmsPki, tryOpenssl, type CmsPki } from './cms-pki';

let p: CmsPki;
afterAll(() => p?.dispose());
beforeAll(() => {
  p = makeCmsPki([
    { name: 'Rsa', keyType: 'rsa2048' },
    { name: 'Ec256', keyType: 'p256' },
    { name: 'Ec384', keyType: 'p384' },
  ]);
});

const content = utf8('Content-Type: text/plain\r\n\r\nHello from Sello, \u00e9t\u00e9 2026.\r\n');

const cases = [
  { user: 'Rsa', hash: 'SHA-256', pss: false },
  { user: 'Rsa', hash: 'SHA-384', pss: false },
  { user: 'Rsa', hash: 'SHA-512', pss: false },
  { user: 'Rsa', hash: 'SHA-256', pss: true },
  { user: 'Rsa', hash: 'SHA-512', pss: true },
  { user: 'Ec256', hash: 'SHA-256', pss: false },
  { user: 'Ec384', hash: 'SHA-384', pss: false },
] as const;

describe('createSignedData, checked by openssl cms -verify', () => {
  for (const c of cases) {
    for (const detached of [true, false]) {
      it(`${c.user} ${c.hash}${c.pss ? ' PSS' : ''} ${detached ? 'detached' : 'opaque'} verifies against the root`, async () => {
        const u = p.users[c.user]!;
        const der = await createSignedData(
          { content, detached, signer: u.identity, hash: c.hash, pss: c.pss, certificates: [p.interDer] },
          env,
        );
        const sig = p.file('sig.der', der);
        const args = ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-CAfile', p.pki.rootPem];
        const r = tryOpenssl(detached ? [...args, '-content', p.file('content.bin', content)] : args);
        expect(r.stderr).toBe('');
        expect(r.ok).toBe(true);
        expect(r.stdout).toEqual(content);
        const ours = await verifySignedData(der, detached ? { detachedContent: content } : {}, env);
        expect(ours.signers).toHaveLength(1);
        expect(ours.signers[0]).toMatchObject({
          intact: true,
          weak: false,
          errors: [],
          digestAlgorithm: c.hash,
        });
        expect(ours.signers[0]!.signingTime).toEqual(env.now());
      });
    }
  }

  it('writes the S/MIME signed attributes openssl can print', async () => {
    const u = p.users.Rsa!;
    const enc = p.users.Ec256!;
    const der = await createSignedData(
      {
        content,
        detached: true,
        signer: u.identity,
        hash: 'SHA-256',
        pss: false,
        certificates: [],
        encryptionCertificate: enc.certDer,
      },
      env,
    );
    const sig = p.file('s.der', der);
    const text = new TextDecoder().decode(
      p.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', sig]),
    );
    for (const name of [
      'contentType',
      'signingTime',
      'messageDigest',
      'signingCertificateV2',
      'S/MIME Capabilities',
      'encrypKeyPref',
    ]) {
      expect(text).toContain(name);
    }
    // RFC 8551 §2.5.2: preference order
    const dump = new TextDecoder().decode(p.openssl(['asn1parse', '-inform', 'DER', '-in', sig]));
    const caps = dump.slice(dump.indexOf(':S/MIME Capabilities'));
    const order = [':aes-256-gcm', ':aes-128-gcm', ':aes-256-cbc', ':aes-128-cbc', ':rsaesOaep'].map((n) =>
      caps.indexOf(n),
    );
    expect(order.every((x, i) => x > 0 && (i === 0 || x > order[i - 1]!))).toBe(true);
  });

  it('omits SMIMECapabilities when asked', async () => {
    const der = await createSignedData(
      {
        content,
        detached: true,
        signer: p.users.Rsa!.identity,
        hash: 'SHA-256',
        pss: false,
        certificates: [],
        capabilities: false,
      },
      env,
    );
    const text = new TextDecoder().decode(
      p.openssl(['cms', '-cmsout', '-print', '-inform', 'DER', '-in', p.file('s.der', der)]),
    );
    expect(text).not.toContain('S/MIME Capabilities');
  });

  it('refuses SHA-1 for its own signatures', async () => {
    await expect(
      createSignedData(
        {
          content,
          detached: true,
          signer: p.users.Rsa!.identity,
          // a caller bypassing the types
          hash: 'SHA-1' as unknown as 'SHA-256',
          pss: false,
          certificates: [],
        },
        env,
      ),
    ).rejects.toMatchObject({ code: 'cms.unsupported-algorithm' });
  });
});

describe('verifySignedData on signatures made by openssl cms -sign', () => {
  const sslCases = [
    { user: 'Rsa', md: 'sha256', opts: [] as string[], sig: 'rsaEncryption', weak: false },
    {
      user: 'Rsa',
      md: 'sha512',
      opts: ['-keyopt', 'rsa_padding_mode:pss'],
      sig: 'RSASSA-PSS (SHA-512)',
      weak: false,
    },
    {
      user: 'Rsa',
      md: 'sha256',
      opts: ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:20'],
      sig: 'RSASSA-PSS (SHA-256)',
      weak: false,
    },
    { user: 'Ec256', md: 'sha256', opts: [], sig: 'ecdsa-with-SHA256', weak: false },
    { user: 'Ec384', md: 'sha384', opts: [], sig: 'ecdsa-with-SHA384', weak: false },
    { user: 'Rsa', md: 'sha1', opts: [], sig: 'rsaEncryption', weak: true },
    { user: 'Ec256', md: 'sha1', opts: [], sig: 'ecdsa-with-SHA1', weak: true },
  ];
  for (const c of sslCases) {
    for (const detached of [true, false]) {
      it(`${c.user} ${c.md} ${c.opts.join(' ')} ${detached ? 'detached' : 'opaque'}`, async () => {
        const u = p.users[c.user]!;
        const der = p.openssl([
          'cms', '-sign', '-binary', '-in', p.file('c.bin', content), '-signer', u.certPem, '-inkey', u.keyPem,
          '-md', c.md, '-outform', 'DER', '-certfile', p.pki.interPem, ...(detached ? [] : ['-nodetach']), ...c.opts,
        ]); // prettier-ignore
        const r = await verifySignedData(der, detached ? { detachedContent: content } : {}, env);
        expect(r.content).toEqual(detached ? null : content);
        expect(r.certificates.length).toBe(2);
        expect(r.signers).toHaveLength(1);
        expect(r.signers[0]).toMatchObject({
          intact: true,
          weak: c.weak,
          errors: [],
          signatureAlgorithm: c.sig,
        });
        expect(r.signers[0]!.certificate).toEqual(u.certDer);
      });
    }
  }

  it('verifies a signature without signed attributes (-noattr)', async () => {
    const u = p.users.Rsa!;
    const der = p.openssl(['cms', '-sign', '-binary', '-noattr', '-in', p.file('c.bin', content), '-signer', u.certPem,
      '-inkey', u.keyPem, '-md', 'sha256', '-outform', 'DER']); // prettier-ignore
    const r = await verifySignedData(der, { detachedContent: content }, env);
    expect(r.signers[0]).toMatchObject({ intact: true, signingTime: null });
  });

  it('checks each of several signers independently', async () => {
    const a = p.users.Rsa!;
    const b = p.users.Ec256!;
    const der = p.openssl(['cms', '-sign', '-binary', '-in', p.file('c.bin', content), '-signer', a.certPem, '-inkey',
      a.keyPem, '-signer', b.certPem, '-inkey', b.keyPem, '-md', 'sha256', '-outform', 'DER']); // prettier-ignore
    const r = await verifySignedData(der, { detachedContent: content }, env);
    expect(r.signers.map((s) => s.intact)).toEqual([true, true]);
  });

  it('finds a signer named by subjectKeyIdentifier, also among extra certificates', async () => {
    const u = p.users.Ec256!;
    const der = p.openssl(['cms', '-sign', '-binary', '-keyid', '-nocerts', '-in', p.file('c.bin', content), '-signer',
      u.certPem, '-inkey', u.keyPem, '-md', 'sha256', '-outform', 'DER']); // prettier-ignore
    const missing = await verifySignedData(der, { detachedContent: content }, env);
    expect(missing.signers[0]!.errors.map((e) => e.code)).toEqual(['cms.signer-not-found']);
    const found = await verifySignedData(
      der,
      { detachedContent: content, extraCertificates: [u.certDer] },
      env,
    );
    expect(found.signers[0]).toMatchObject({ intact: true, certificate: u.certDer });
  });
});

describe('verifySignedData on damaged signatures', () => {
  it('reports altered detached content as a digest mismatch', async () => {
    const der = await createSignedData(
      {
        content,
        detached: true,
        signer: p.users.Rsa!.identity,
        hash: 'SHA-256',
        pss: false,
        certificates: [],
      },
      env,
    );
    const altered = content.slice();
    altered[altered.length - 3]! ^= 1;
    const r = await verifySignedData(der, { detachedContent: altered }, env);
    expect(r.signers[0]!.intact).toBe(false);
    expect(r.signers[0]!.errors.map((e) => e.code)).toEqual(['cms.digest-mismatch']);
  });

  it('reports an altered signature value as a bad signature', async () => {
    for (const user of ['Rsa', 'Ec256']) {
      const der = await createSignedData(
        {
          content,
          detached: false,
          signer: p.users[user]!.identity,
          hash: 'SHA-256',
          pss: false,
          certificates: [],
        },
        env,
      );
      const bad = der.slice();
      bad[bad.length - 5]! ^= 0x10;
      const r = await verifySignedData(bad, {}, env);
      expect(r.signers[0]!.intact).toBe(false);
      expect(r.signers[0]!.errors.map((e) => e.code)).toEqual(['cms.bad-signature']);
    }
  });

  it('reports zero signers without failing', async () => {
    const der = p.openssl(['crl2pkcs7', '-nocrl', '-certfile', p.users.Rsa!.certPem, '-outform', 'DER']);
    const r = await verifySignedData(der, {}, env);
    expect(r.signers).toEqual([]);
    expect(r.certificates).toEqual([p.users.Rsa!.certDer]);
  });

  it('says when there is no content to check', async () => {
    const der = await createSignedData(
      {
        content,
        detached: true,
        signer: p.users.Rsa!.identity,
        hash: 'SHA-256',
        pss: false,
        certificates: [],
      },
      env,
    );
    const r = await verifySignedData(der, {}, env);
    expect(r.signers[0]!.errors.map((e) => e.code)).toEqual(['cms.no-content']);
  });
});

describe('other encapsulated content types', () => {
  it('signs a non-data eContentType with version 3 and a matching contentType attribute', async () => {
    const tstInfo = '1.2.840.113549.1.9.16.1.4';
    const der = await createSignedData(
      {
        content,
        detached: false,
        signer: p.users.Ec256!.identity,
        hash: 'SHA-256',
        pss: false,
        certificates: [p.interDer],
        eContentType: tstInfo,
      },
      env,
    );
    const r = tryOpenssl([
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      p.file('t.der', der),
      '-CAfile',
      p.pki.rootPem,
    ]);
    expect(r.ok).toBe(true);
    const ours = await verifySignedData(der, {}, env);
    expect(ours.eContentType).toBe(tstInfo);
    expect(ours.signers[0]).toMatchObject({ intact: true });
  });
});

describe('contentType binding (RFC 5652 §11.1)', () => {
  it('reports a signature moved to content of another type', async () => {
    const tstInfo = '1.2.840.113549.1.9.16.1.4';
    const der = await createSignedData(
      {
        content,
        detached: false,
        signer: p.users.Rsa!.identity,
        hash: 'SHA-256',
        pss: false,
        certificates: [],
        eContentType: tstInfo,
      },
      env,
    );
    // The first occurrence of the OID is eContentType (encapContentInfo precedes the signer infos).
    const oidDer = [0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04];
    const at = der.findIndex((_, i) => oidDer.every((b, k) => der[i + k] === b));
    expect(at).toBeGreaterThan(0);
    der[at + oidDer.length - 1] = 0x05;
    const r = await verifySignedData(der, {}, env);
    expect(r.signers[0]!.intact).toBe(false);
    expect(r.signers[0]!.errors.map((e) => e.code)).toEqual(['cms.malformed']);
  });
});

describe('older and streamed encodings', () => {
  it('verifies MD5 signatures but flags them weak', async () => {
    const u = p.users.Rsa!;
    const r0 = tryOpenssl(['cms', '-sign', '-binary', '-in', p.file('c.bin', content), '-signer', u.certPem, '-inkey',
      u.keyPem, '-md', 'md5', '-outform', 'DER']); // prettier-ignore
    expect(r0.ok).toBe(true);
    const r = await verifySignedData(r0.stdout, { detachedContent: content }, env);
    expect(r.signers[0]).toMatchObject({ intact: true, weak: true, digestAlgorithm: 'MD5' });
  });

  it('reads indefinite-length BER with chunked content (openssl -stream)', async () => {
    const u = p.users.Ec384!;
    const big = new Uint8Array(50_000).map((_, i) => 65 + (i % 26));
    const der = p.openssl(['cms', '-sign', '-binary', '-stream', '-nodetach', '-in', p.file('big.bin', big), '-signer',
      u.certPem, '-inkey', u.keyPem, '-md', 'sha384', '-outform', 'DER']); // prettier-ignore
    const r = await verifySignedData(der, {}, env);
    expect(r.content).toEqual(big);
    expect(r.signers[0]).toMatchObject({ intact: true });
  });
});

describe('content given twice', () => {
  it('refuses detached content that differs from the encapsulated content', async () => {
    const der = await createSignedData(
      {
        content,
        detached: false,
        signer: p.users.Rsa!.identity,
        hash: 'SHA-256',
        pss: false,
        certificates: [],
      },
      env,
    );
    await expect(verifySignedData(der, { detachedContent: utf8('other') }, env)).rejects.toMatchObject({
      code: 'cms.malformed',
    });
    const same = await verifySignedData(der, { detachedContent: content }, env);
    expect(same.signers[0]!.intact).toBe(true);
  });
});
