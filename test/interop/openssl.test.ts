/**
 * Interop with `openssl cms` (3.0) in both directions, keys made by OpenSSL at test time: RSA 2048/3072,
 * EC P-256/P-384 under a root -> intermediate chain. Contents are compared byte for byte after
 * canonicalisation (CRLF, 7-bit transfer encodings).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromUtf8, utf8 } from '../../shared/bytes';
import { defaultEnv } from '../../shared/env';
import type { Identity } from '../../shared/keys/identity';
import { importPkcs12 } from '../../shared/keys/pkcs12';
import { canonicalize } from '../../shared/mime/canonicalize';
import { encryptMessage, type EncryptOptions } from '../../shared/smime/encrypt';
import { splitTopLevel } from '../../shared/smime/message-parts';
import { openMessage } from '../../shared/smime/open';
import { signMessage, type SignOptions } from '../../shared/smime/sign';
import { sello } from '../helpers/cli';
import { makeOpensslPki, openssl, type OpensslPki, type PkiUser } from '../helpers/openssl-pki';

const env = defaultEnv();
const USERS = [
  { name: 'Alice', keyType: 'rsa2048' },
  { name: 'Carol', keyType: 'rsa3072' },
  { name: 'Erin', keyType: 'p256' },
  { name: 'Frank', keyType: 'p384' },
] as const;
const RSA_USERS = ['Alice', 'Carol'];

let dir: string;
let pki: OpensslPki;
const ids: Record<string, Identity> = {};

// LF line ends and an 8-bit body on purpose: Sello must canonicalise before signing.
function messageFrom(user: PkiUser): Uint8Array {
  return utf8(
    [
      `From: ${user.name} <${user.email}>`,
      'To: Dana <dana@interop.example>',
      'Subject: interop =?utf-8?q?gr=C3=BC=C3=9Fe?=',
      // Now: Sello refuses a signature whose signing time is far from Date (replay).
      `Date: ${new Date().toUTCString()}`,
      'Message-ID: <interop@interop.example>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Hello from the interop test.',
      'Grüße — ünïcödé, and a line starting with From ',
      '.',
      '',
    ].join('\n'),
  );
}

function signedEntity(message: Uint8Array): Uint8Array {
  return canonicalize(splitTopLevel(message).entity);
}

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sello-openssl-'));
  pki = makeOpensslPki(dir, [...USERS]);
  for (const u of USERS) {
    const p12 = await importPkcs12(readFileSync(pki.users[u.name]!.p12), pki.password, env);
    ids[u.name] = p12.identities[0]!;
  }
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function opensslVerify(signed: Uint8Array, opts: { certfile?: string; cafile?: string } = {}): Uint8Array {
  const input = file('to-verify.eml', signed);
  const out = join(dir, 'verified.out');
  openssl([
    'cms', '-verify', '-in', input, '-CAfile', opts.cafile ?? pki.rootPem, '-purpose', 'smimesign', '-out', out,
    ...(opts.certfile ? ['-certfile', opts.certfile] : []),
  ]); // prettier-ignore
  // Without -binary OpenSSL writes the content as it canonicalised it (CRLF), as mail clients do.
  return toCrlf(new Uint8Array(readFileSync(out)));
}

function toCrlf(b: Uint8Array): Uint8Array {
  return utf8(fromUtf8(b).replace(/\r?\n/g, '\r\n'));
}

/** An entity signed by `openssl cms -sign` (intermediate included), under a From of the signer. */
function opensslSign(user: PkiUser, entity: Uint8Array, args: string[]): Uint8Array {
  const out = openssl(['cms', '-sign', '-binary', '-in', file('entity.eml', entity), '-signer', user.certPem,
    '-inkey', user.keyPem, '-certfile', pki.interPem, ...args]); // prettier-ignore
  return concatBytes(utf8(`From: ${user.name} <${user.email}>\r\nSubject: from openssl\r\n`), out);
}

describe('Sello signs and openssl cms -verify accepts', () => {
  const hashes: SignOptions['hash'][] = ['SHA-256', 'SHA-384', 'SHA-512'];
  for (const u of USERS) {
    for (const form of ['detached', 'opaque'] as const) {
      for (const hash of hashes) {
        it(`${u.keyType} ${form} ${hash}`, async () => {
          const user = pki.users[u.name]!;
          const msg = messageFrom(user);
          const signed = await signMessage(
            msg,
            ids[u.name]!,
            { form, hash, pss: false, chain: 'no-root' },
            env,
          );
          expect(equalBytes(opensslVerify(signed), signedEntity(msg))).toBe(true);
        });
      }
    }
  }
  for (const name of RSA_USERS) {
    for (const hash of hashes) {
      it(`RSASSA-PSS ${name} ${hash}`, async () => {
        const user = pki.users[name]!;
        const msg = messageFrom(user);
        const signed = await signMessage(
          msg,
          ids[name]!,
          { form: 'detached', hash, pss: true, chain: 'no-root' },
          env,
        );
        expect(equalBytes(opensslVerify(signed), signedEntity(msg))).toBe(true);
      });
    }
  }
  for (const chain of ['none', 'no-root', 'full'] as const) {
    it(`chain ${chain}: includes the certificates asked for`, async () => {
      const user = pki.users.Alice!;
      const msg = messageFrom(user);
      const signed = await signMessage(
        msg,
        ids.Alice!,
        { form: 'opaque', hash: 'SHA-256', pss: false, chain },
        env,
      );
      // With 'none' the verifier must know the intermediate already (OpenSSL: in the CA file).
      const cafile =
        chain === 'none'
          ? file('root-inter.pem', readFileSync(pki.rootPem, 'utf8') + readFileSync(pki.interPem, 'utf8'))
          : undefined;
      expect(equalBytes(opensslVerify(signed, { cafile }), signedEntity(msg))).toBe(true);
      const der = openssl(['cms', '-cmsout', '-in', file('chain.eml', signed), '-outform', 'DER']);
      const certs = openssl([
        'cms',
        '-cmsout',
        '-print',
        '-inform',
        'DER',
        '-in',
        file('chain.der', der),
      ]).toString();
      const count = (certs.match(/d\.certificate:/g) ?? []).length;
      expect(count).toBe({ none: 1, 'no-root': 2, full: 3 }[chain]);
    });
  }
});

describe('Sello encrypts and openssl cms -decrypt reads it', () => {
  const ciphers: EncryptOptions['cipher'][] = ['aes-128-cbc', 'aes-256-cbc', 'aes-128-gcm', 'aes-256-gcm'];
  const transports: EncryptOptions['keyTransport'][] = [
    'rsaes-pkcs1-v1_5',
    'rsaes-oaep-sha1',
    'rsaes-oaep-sha256',
  ];
  function opensslDecrypt(encrypted: Uint8Array, user: PkiUser): Uint8Array {
    const out = join(dir, 'decrypted.out');
    openssl(['cms', '-decrypt', '-binary', '-in', file('to-decrypt.eml', encrypted), '-recip', user.certPem, '-inkey', user.keyPem, '-out', out]); // prettier-ignore
    return new Uint8Array(readFileSync(out));
  }
  for (const name of RSA_USERS) {
    for (const cipher of ciphers) {
      for (const keyTransport of transports) {
        for (const recipientId of ['issuer-serial', 'ski'] as const) {
          it(`${name} ${cipher} ${keyTransport} ${recipientId}`, async () => {
            const user = pki.users[name]!;
            const msg = messageFrom(pki.users.Alice!);
            const enc = await encryptMessage(
              msg,
              [ids[name]!.certificate],
              { cipher, keyTransport, recipientId },
              env,
            );
            expect(equalBytes(opensslDecrypt(enc, user), signedEntity(msg))).toBe(true);
          });
        }
      }
    }
  }
  it('several recipients each decrypt the same message', async () => {
    const msg = messageFrom(pki.users.Alice!);
    const enc = await encryptMessage(
      msg,
      [ids.Alice!.certificate, ids.Carol!.certificate],
      { cipher: 'aes-256-gcm', keyTransport: 'rsaes-pkcs1-v1_5', recipientId: 'issuer-serial' },
      env,
    );
    for (const name of RSA_USERS)
      expect(equalBytes(opensslDecrypt(enc, pki.users[name]!), signedEntity(msg))).toBe(true);
  });
  for (const name of ['Erin', 'Frank']) {
    it(`EC recipient ${name} (ECDH key agreement)`, async () => {
      const msg = messageFrom(pki.users.Alice!);
      const enc = await encryptMessage(
        msg,
        [ids[name]!.certificate],
        { cipher: 'aes-256-cbc', keyTransport: 'rsaes-pkcs1-v1_5', recipientId: 'issuer-serial' },
        env,
      );
      expect(equalBytes(opensslDecrypt(enc, pki.users[name]!), signedEntity(msg))).toBe(true);
    });
  }
});

describe('openssl cms signs and Sello verifies', () => {
  const anchorValidator = async () => ({
    trusted: true,
    chain: [],
    issues: [],
    revocation: 'unchecked' as const,
    validAtSigningTime: null,
    validNow: true,
  });
  for (const u of USERS) {
    for (const md of ['sha256', 'sha384', 'sha512']) {
      for (const opaque of [false, true]) {
        it(`${u.keyType} ${md} ${opaque ? 'opaque' : 'detached'}`, async () => {
          const user = pki.users[u.name]!;
          const entity = signedEntity(messageFrom(user));
          const signed = opensslSign(user, entity, ['-md', md, ...(opaque ? ['-nodetach'] : [])]);
          const v = await openMessage(signed, { keys: [], validateChain: anchorValidator }, env);
          expect(v.errors).toEqual([]);
          expect(v.valid).toBe(true);
          expect(v.fromMatchesSigner).toBe(true);
          expect(v.coverage.kind).toBe('whole');
          expect(fromUtf8(v.content!).endsWith(fromUtf8(entity))).toBe(true);
        });
      }
    }
  }
  for (const name of RSA_USERS) {
    it(`RSASSA-PSS ${name}`, async () => {
      const user = pki.users[name]!;
      const entity = signedEntity(messageFrom(user));
      const signed = opensslSign(user, entity, ['-md', 'sha256', '-keyopt', 'rsa_padding_mode:pss']);
      const v = await openMessage(signed, { keys: [] }, env);
      expect(v.valid).toBe(true);
      expect(v.layers[0]).toMatchObject({ kind: 'signed' });
    });
  }
  it('refuses a SHA-1 signature unless weak algorithms are allowed', async () => {
    const user = pki.users.Alice!;
    const signed = opensslSign(user, signedEntity(messageFrom(user)), ['-md', 'sha1']);
    const v = await openMessage(signed, { keys: [] }, env);
    expect(v.valid).toBe(false);
    expect(v.errors.map((e) => e.code)).toContain('smime.weak-signature');
    const relaxed = await openMessage(signed, { keys: [], allowWeak: true }, env);
    expect(relaxed.valid).toBe(true);
    expect(relaxed.warnings.map((e) => e.code)).toContain('smime.weak-signature');
  });
  it('detects content altered after signing', async () => {
    const user = pki.users.Alice!;
    const signed = fromUtf8(opensslSign(user, signedEntity(messageFrom(user)), ['-md', 'sha256']));
    const v = await openMessage(utf8(signed.replace('Hello from', 'Hullo from')), { keys: [] }, env);
    expect(v.valid).toBe(false);
    expect(v.errors.map((e) => e.code)).toContain('cms.bad-signature');
  });
});

describe('openssl cms encrypts and Sello decrypts', () => {
  /** `args` are global options; `keyopts` follow each -recip (that is where OpenSSL applies them). */
  function opensslEncrypt(
    users: PkiUser[],
    entity: Uint8Array,
    args: string[],
    keyopts: string[] = [],
  ): Uint8Array {
    const out = openssl(['cms', '-encrypt', '-binary', '-in', file('plain.eml', entity), ...args,
      ...users.flatMap((u) => ['-recip', u.certPem, ...keyopts])]); // prettier-ignore
    return concatBytes(utf8('From: someone@interop.example\r\nSubject: secret\r\n'), out);
  }
  const OAEP = ['-keyopt', 'rsa_padding_mode:oaep'];
  const cases: [string, string[], string[], string][] = [
    ['aes-128-cbc', ['-aes128'], [], 'aes-128-cbc'],
    ['aes-256-cbc', ['-aes256'], [], 'aes-256-cbc'],
    ['aes-256-gcm', ['-aes-256-gcm'], [], 'aes-256-gcm'],
    ['aes-128-gcm', ['-aes-128-gcm'], [], 'aes-128-gcm'],
    ['OAEP SHA-1', ['-aes256'], OAEP, 'aes-256-cbc'],
    ['OAEP SHA-256', ['-aes256'], [...OAEP, '-keyopt', 'rsa_oaep_md:sha256'], 'aes-256-cbc'],
    ['subjectKeyIdentifier', ['-aes256', '-keyid'], [], 'aes-256-cbc'],
    ['3DES (legacy, flagged weak)', ['-des3'], [], 'des-ede3-cbc'],
  ];
  for (const name of RSA_USERS) {
    for (const [label, args, keyopts, cipher] of cases) {
      it(`${name} ${label}`, async () => {
        const entity = signedEntity(messageFrom(pki.users.Alice!));
        const enc = opensslEncrypt([pki.users[name]!], entity, args, keyopts);
        const v = await openMessage(enc, { keys: [ids[name]!] }, env);
        expect(v.errors).toEqual([]);
        expect(v.layers[0]).toMatchObject({ kind: 'encrypted', contentCipher: cipher });
        expect(equalBytes(v.content!.subarray(v.content!.length - entity.length), entity)).toBe(true);
        const layer = v.layers[0]!;
        if (layer.kind === 'encrypted') {
          expect(layer.weak).toBe(cipher === 'des-ede3-cbc');
          expect(layer.integrityProtected).toBe(cipher.endsWith('gcm'));
        }
      });
    }
  }
  for (const name of ['Erin', 'Frank']) {
    it(`EC recipient ${name} (ECDH ephemeral-static)`, async () => {
      const entity = signedEntity(messageFrom(pki.users.Alice!));
      const enc = opensslEncrypt([pki.users[name]!], entity, ['-aes256']);
      const v = await openMessage(enc, { keys: [ids[name]!] }, env);
      expect(v.errors).toEqual([]);
      expect(equalBytes(v.content!.subarray(v.content!.length - entity.length), entity)).toBe(true);
    });
  }
  it('one message to several recipients opens for each', async () => {
    const entity = signedEntity(messageFrom(pki.users.Alice!));
    const enc = opensslEncrypt([pki.users.Alice!, pki.users.Carol!], entity, ['-aes256']);
    for (const name of RSA_USERS) {
      const v = await openMessage(enc, { keys: [ids[name]!] }, env);
      expect(v.errors).toEqual([]);
    }
  });
  it('a key that is not a recipient gets the one uniform decrypt error', async () => {
    const enc = opensslEncrypt([pki.users.Alice!], signedEntity(messageFrom(pki.users.Alice!)), ['-aes256']);
    const v = await openMessage(enc, { keys: [ids.Carol!] }, env);
    expect(v.errors.map((e) => e.code)).toEqual(['cms.decrypt-failed']);
  });
});

describe('through the sello command line', () => {
  it('sign | openssl verify, then sello verify exits 0 with a trust anchor', () => {
    const user = pki.users.Alice!;
    const msgFile = file('cli-msg.eml', messageFrom(user));
    const signed = sello([
      'sign',
      '--key',
      user.p12,
      '--pass-file',
      pki.passFile,
      '--hash',
      'sha384',
      msgFile,
    ]);
    expect(signed.stderr).toBe('');
    expect(signed.code).toBe(0);
    expect(equalBytes(opensslVerify(signed.stdout), signedEntity(messageFrom(user)))).toBe(true);
    const signedFile = file('cli-signed.eml', signed.stdout);
    const v = sello(['verify', '--trust', pki.rootPem, '--json', signedFile]);
    expect(v.code).toBe(0);
    const json = JSON.parse(v.stdout.toString()) as { valid: boolean; signers: { email: string }[] };
    expect(json.valid).toBe(true);
    expect(json.signers[0]!.email).toBe(user.email);
    expect(sello(['verify', signedFile]).code).toBe(3); // no anchor: untrusted
  });
  it('encrypt --sign-key | openssl decrypt + verify; sello verify --key exits 0', () => {
    const alice = pki.users.Alice!;
    const carol = pki.users.Carol!;
    const msgFile = file('cli-msg2.eml', messageFrom(alice));
    const enc = sello(['encrypt', '--to', carol.certPem, '--cipher', 'aes256-gcm', '--oaep', '--sign-key', alice.p12, '--pass-file', pki.passFile, msgFile]); // prettier-ignore
    expect(enc.stderr).toBe('');
    const encFile = file('cli-enc.eml', enc.stdout);
    const inner = openssl([
      'cms',
      '-decrypt',
      '-in',
      encFile,
      '-recip',
      carol.certPem,
      '-inkey',
      carol.keyPem,
    ]);
    expect(equalBytes(opensslVerify(inner), signedEntity(messageFrom(alice)))).toBe(true);
    const v = sello([
      'verify',
      '--trust',
      pki.rootPem,
      '--key',
      carol.p12,
      '--pass-file',
      pki.passFile,
      encFile,
    ]);
    expect(v.stderr).toBe('');
    expect(v.code).toBe(0);
  });
  it('decrypt reads what openssl encrypted, the passphrase from SELLO_PASS', () => {
    const erin = pki.users.Carol!;
    const entity = signedEntity(messageFrom(erin));
    const enc = openssl([
      'cms',
      '-encrypt',
      '-binary',
      '-aes256',
      '-in',
      file('cli-plain.eml', entity),
      erin.certPem,
    ]);
    expect(sello(['decrypt', '--key', erin.p12]).code).toBe(2); // missing IN.eml is a usage error
    const d = sello(['decrypt', '--key', erin.p12, file('cli-enc2.eml', enc)], {
      env: { SELLO_PASS: pki.password },
    });
    expect(d.stderr).toBe('');
    expect(fromUtf8(d.stdout).endsWith(fromUtf8(entity))).toBe(true);
  });
  it('a wrong passphrase is one line on stderr naming the file', () => {
    const alice = pki.users.Alice!;
    const r = sello(['sign', '--key', alice.p12, file('cli-m.eml', messageFrom(alice))], {
      env: { SELLO_PASS: 'nope' },
    });
    expect(r.code).toBe(14);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(alice.p12);
    expect(r.stderr).toContain('pkcs12.wrong-password');
  });
  it('inspect summarises a certificate, a PKCS#12, a CMS blob and a message', () => {
    const alice = pki.users.Alice!;
    const cert = sello(['inspect', alice.certPem]);
    expect(cert.code).toBe(0);
    expect(cert.stdout.toString()).toContain(alice.email);
    const p12 = sello(['inspect', '--pass-file', pki.passFile, alice.p12]);
    expect(p12.stdout.toString()).toMatch(/PKCS#12[\s\S]*identity/);
    const der = openssl(['cms', '-sign', '-binary', '-in', file('i.txt', 'x'), '-signer', alice.certPem, '-inkey', alice.keyPem, '-outform', 'DER']); // prettier-ignore
    expect(sello(['inspect', file('i.p7s', der)]).stdout.toString()).toContain('CMS SignedData');
    const msg = sello(['inspect', file('i.eml', messageFrom(alice))]).stdout.toString();
    expect(msg).toContain('text/plain');
    const missing = sello(['inspect', join(dir, 'nope.pem')]);
    expect(missing.code).toBe(10);
    expect(missing.stderr).toBe(`sello: ${join(dir, 'nope.pem')}: no such file [io.unreadable]\n`);
  });
  it('demo signs and encrypts from Alice to Bob and opens it as Bob (exit 0)', () => {
    const r = sello(['demo']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toMatch(
      /valid: true\ntrusted: true\nfrom: alice@example.org; matches signer: true/,
    );
  });
});

/** Certificates a signed message carries, as OpenSSL reads them (-certsout lists every one). */
function certificatesIn(signed: Uint8Array): number {
  const out = join(dir, 'certs-out.pem');
  openssl(['cms', '-verify', '-noverify', '-in', file('certs-in.eml', signed), '-certsout', out, '-out', '/dev/null']); // prettier-ignore
  return (readFileSync(out, 'utf8').match(/BEGIN CERTIFICATE/g) ?? []).length;
}

/** OpenSSL's printout of a CMS structure in a message (-cmsout -print). */
function cmsPrint(message: Uint8Array): string {
  return openssl(['cms', '-cmsout', '-print', '-in', file('print-in.eml', message)]).toString();
}

describe('every sello sign/encrypt flag, checked by openssl cms', () => {
  const signWith = (user: PkiUser, extra: string[]) =>
    sello(['sign', '--key', user.p12, '--pass-file', pki.passFile, ...extra, file('flag-msg.eml', messageFrom(user))]); // prettier-ignore

  it('--opaque writes application/pkcs7-mime signed-data that openssl verifies', () => {
    const alice = pki.users.Alice!;
    const r = signWith(alice, ['--opaque']);
    expect(r.stderr).toBe('');
    expect(r.stdout.toString()).toMatch(
      /Content-Type: application\/pkcs7-mime;[^\r\n]*smime-type=signed-data/i,
    );
    expect(equalBytes(opensslVerify(r.stdout), signedEntity(messageFrom(alice)))).toBe(true);
  });

  it('--pss signs with RSASSA-PSS, which openssl verifies', () => {
    const carol = pki.users.Carol!;
    const r = signWith(carol, ['--pss', '--hash', 'sha512']);
    expect(r.code).toBe(0);
    expect(cmsPrint(r.stdout)).toMatch(/rsassaPss/);
    expect(cmsPrint(r.stdout)).toMatch(/sha512/);
    expect(equalBytes(opensslVerify(r.stdout), signedEntity(messageFrom(carol)))).toBe(true);
  });

  it.each([
    ['none', 1],
    ['no-root', 2],
    ['full', 3],
  ] as const)('--chain %s includes %i certificate(s)', (chain, count) => {
    const erin = pki.users.Erin!;
    const r = signWith(erin, ['--chain', chain]);
    expect(r.code).toBe(0);
    expect(certificatesIn(r.stdout)).toBe(count);
    // With only the signer's certificate inside, OpenSSL must know the intermediate (CA file).
    const extra =
      chain === 'none'
        ? {
            cafile: file(
              'root-inter.pem',
              readFileSync(pki.rootPem, 'utf8') + readFileSync(pki.interPem, 'utf8'),
            ),
          }
        : {};
    expect(equalBytes(opensslVerify(r.stdout, extra), signedEntity(messageFrom(erin)))).toBe(true);
  });

  it('a value outside the choices is a usage error (exit 2)', () => {
    const r = signWith(pki.users.Alice!, ['--hash', 'sha1']);
    expect(r.code).toBe(2);
    expect(r.stdout.length).toBe(0);
  });

  const decryptAs = (user: PkiUser, enc: Uint8Array): Uint8Array =>
    openssl(['cms', '-decrypt', '-in', file('flag-enc.eml', enc), '-recip', user.certPem, '-inkey', user.keyPem]); // prettier-ignore

  it.each(['aes128-cbc', 'aes128-gcm', 'aes256-gcm'] as const)(
    'encrypt --cipher %s to two --to recipients (one of them DER): each decrypts with openssl',
    (cipher) => {
      const alice = pki.users.Alice!;
      const frank = pki.users.Frank!;
      const der = file('frank.der', frank.certDer);
      const plain = messageFrom(alice);
      const r = sello(['encrypt', '--to', alice.certPem, '--to', der, '--cipher', cipher, file('flag-plain.eml', plain)]); // prettier-ignore
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const printed = cmsPrint(r.stdout);
      expect(printed).toContain(cipher.startsWith('aes128') ? 'aes-128' : 'aes-256');
      expect(printed).toContain(cipher.endsWith('gcm') ? 'authEnvelopedData' : 'envelopedData');
      for (const user of [alice, frank])
        expect(equalBytes(toCrlf(decryptAs(user, r.stdout)), signedEntity(plain))).toBe(true);
    },
  );

  it('encrypt --ski names each recipient by subjectKeyIdentifier', () => {
    const carol = pki.users.Carol!;
    const plain = messageFrom(carol);
    const r = sello(['encrypt', '--to', carol.certPem, '--ski', file('ski-plain.eml', plain)]);
    expect(r.code).toBe(0);
    const printed = cmsPrint(r.stdout);
    expect(printed).toMatch(/subjectKeyIdentifier/);
    expect(printed).not.toMatch(/issuerAndSerialNumber/);
    expect(equalBytes(toCrlf(decryptAs(carol, r.stdout)), signedEntity(plain))).toBe(true);
  });
});

describe('openssl signs and encrypts; sello verify --key opens the layers', () => {
  it.each(['sha384', 'sha512'])('RSASSA-PSS with %s', async (md) => {
    const carol = pki.users.Carol!;
    const signed = opensslSign(carol, signedEntity(messageFrom(carol)), ['-md', md, '-keyopt', 'rsa_padding_mode:pss']); // prettier-ignore
    const v = await openMessage(signed, { keys: [] }, env);
    expect(v.valid).toBe(true);
    expect(v.errors).toEqual([]);
  });

  it('openssl sign then encrypt: sello verify --key exits 0 and reports both layers', () => {
    const alice = pki.users.Alice!;
    const frank = pki.users.Frank!;
    const signed = opensslSign(alice, signedEntity(messageFrom(alice)), ['-md', 'sha256']);
    const enc = concatBytes(
      utf8(`From: ${alice.name} <${alice.email}>\r\n`),
      openssl(['cms', '-encrypt', '-aes256', '-in', file('ste-signed.eml', signed), frank.certPem]),
    );
    const r = sello(['verify', '--trust', pki.rootPem, '--key', frank.p12, '--pass-file', pki.passFile, '--json', file('ste.eml', enc)]); // prettier-ignore
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout.toString()) as {
      valid: boolean;
      trusted: boolean;
      layers: { kind: string }[];
      signers: { email: string }[];
    };
    expect(json).toMatchObject({ valid: true, trusted: true });
    expect(json.layers.map((l) => l.kind)).toEqual(['encrypted', 'signed']);
    expect(json.signers[0]!.email).toBe(alice.email);
  });
});

describe('sello verify: each exit code of the contract', () => {
  it('--help lists every exit code the CLI uses', () => {
    const help = sello(['verify', '--help']).stdout.toString();
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 16, 70])
      expect(help).toMatch(new RegExp(`^\\s+${code}\\s+\\S`, 'm'));
  });

  it('7: a SHA-1 signature, unless --allow-weak', () => {
    const alice = pki.users.Alice!;
    const signed = file('weak.eml', opensslSign(alice, signedEntity(messageFrom(alice)), ['-md', 'sha1']));
    expect(sello(['verify', '--trust', pki.rootPem, signed]).code).toBe(7);
    expect(sello(['verify', '--trust', pki.rootPem, '--allow-weak', signed]).code).toBe(0);
  });

  it('12: a truncated signed-data blob is a malformed structure, not a broken signature', () => {
    const alice = pki.users.Alice!;
    const good = fromUtf8(
      opensslSign(alice, signedEntity(messageFrom(alice)), ['-md', 'sha256', '-nodetach']),
    );
    const blank = /\r?\n\r?\n/.exec(good)!;
    const head = good.slice(0, blank.index + blank[0].length);
    const body = good.slice(blank.index + blank[0].length);
    const cut = `${head}${body.replace(/\s+/g, '').slice(0, 200).replace(/.{64}/g, '$&\n')}\n`;
    const r = sello(['verify', file('truncated.eml', cut)]);
    expect(r.code).toBe(12);
    expect(r.stderr).toMatch(/^sello: .*truncated\.eml: .*\[cms\.[a-z-]+\]\n$/);
  });

  it('11: a message nested past the MIME depth limit', () => {
    const depth = 120;
    const open = Array.from({ length: depth }, (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`).join(''); // prettier-ignore
    const close = Array.from({ length: depth }, (_, i) => `\r\n--b${depth - 1 - i}--\r\n`).join('');
    const msg = `From: a@example.org\r\nMIME-Version: 1.0\r\n${open}Content-Type: text/plain\r\n\r\nx${close}`;
    const r = sello(['verify', file('deep.eml', msg)]);
    expect(r.code).toBe(11);
    expect(r.stderr).toMatch(/\[mime\.[a-z-]+\]/);
  });

  it('15: a --to file that is not a certificate', () => {
    const r = sello(['encrypt', '--to', file('not-a-cert.pem', 'hello'), file('p.eml', messageFrom(pki.users.Alice!))]); // prettier-ignore
    expect(r.code).toBe(15);
    expect(r.stderr).toContain('not-a-cert.pem');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
