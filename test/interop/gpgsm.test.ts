/**
 * Interop with gpgsm (GnuPG 2.2) in both directions, in an isolated GNUPGHOME: keys and certificates made
 * by OpenSSL at test time, imported into gpgsm as legacy PKCS#12 (3DES, SHA-1 MAC: gpgsm 2.2 cannot read
 * OpenSSL 3's PBES2 default) with a loopback pinentry. gpgsm 2.2 writes AES-CBC with RSA PKCS#1 v1.5 and
 * verifies RSA, RSASSA-PSS and ECDSA; it cannot read AES-GCM or RSAES-OAEP (not in the Sello -> gpgsm
 * matrix) and crashes importing an EC PKCS#12 (EC keys: Sello signs, gpgsm verifies only).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, equalBytes, fromUtf8, toBase64Lines, utf8 } from '../../shared/bytes';
import { defaultEnv } from '../../shared/env';
import type { Identity } from '../../shared/keys/identity';
import { importPkcs12 } from '../../shared/keys/pkcs12';
import { canonicalize } from '../../shared/mime/canonicalize';
import { parseMessage } from '../../shared/mime/parse-entity';
import { decodeBody } from '../../shared/mime/transfer-encoding';
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

let dir: string;
let home: string;
let pki: OpensslPki;
const ids: Record<string, Identity> = {};

function gpgsmAvailable(): boolean {
  return spawnSync('gpgsm', ['--version']).status === 0;
}

/** Runs gpgsm in the test's GNUPGHOME; the passphrase (if any) goes through fd 0 with loopback pinentry. */
function gpgsm(args: string[], opts: { passphrase?: string } = {}): Buffer {
  const pass = opts.passphrase !== undefined;
  return execFileSync(
    'gpgsm',
    [
      '--batch',
      '--disable-dirmngr',
      ...(pass ? ['--pinentry-mode', 'loopback', '--passphrase-fd', '0'] : []),
      ...args,
    ],
    {
      env: { ...process.env, GNUPGHOME: home },
      input: pass ? `${opts.passphrase}\n` : '',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

function messageFrom(user: PkiUser): Uint8Array {
  return utf8(
    [
      `From: ${user.name} <${user.email}>`,
      'To: Dana <dana@interop.example>',
      'Subject: gpgsm interop',
      `Date: ${new Date().toUTCString()}`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Hello from the gpgsm interop test: grüße.',
      '',
    ].join('\r\n'),
  );
}

const entityOf = (message: Uint8Array): Uint8Array => canonicalize(splitTopLevel(message).entity);

/** The CMS blob of a single-part S/MIME message, or the signature part of a multipart/signed one. */
function cmsOf(message: Uint8Array): Uint8Array {
  const root = parseMessage(message);
  return decodeBody(root.children.length === 2 ? root.children[1]! : root);
}

beforeAll(async () => {
  if (!gpgsmAvailable()) {
    throw new Error(
      'gpgsm is not installed: run test/tools/ensure-system-deps.sh (apt-get install gpgsm gpg-agent)',
    );
  }
  dir = mkdtempSync(join(tmpdir(), 'sello-gpgsm-'));
  // gpg-agent's socket path must stay short: a home under /tmp keeps it under the 108-byte limit.
  home = mkdtempSync(join(tmpdir(), 'gh-'));
  writeFileSync(join(home, 'gpg-agent.conf'), 'allow-loopback-pinentry\n');
  writeFileSync(join(home, 'gpgsm.conf'), 'disable-crl-checks\ndisable-policy-checks\n');
  pki = makeOpensslPki(dir, [...USERS]);
  const fingerprint = openssl(['x509', '-in', pki.rootPem, '-noout', '-fingerprint', '-sha1'])
    .toString()
    .split('=')[1]!
    .trim();
  writeFileSync(join(home, 'trustlist.txt'), `${fingerprint} S relax\n`);
  gpgsm(['--import', pki.rootPem, pki.interPem]);
  for (const u of USERS) {
    const user = pki.users[u.name]!;
    // gpgsm 2.2.40 crashes importing an EC PKCS#12: EC users are imported as certificates only, so
    // gpgsm verifies their (Sello-made) ECDSA signatures but does not sign with them.
    if (u.keyType.startsWith('rsa')) gpgsm(['--import', user.p12Legacy], { passphrase: pki.password });
    else gpgsm(['--import', user.certPem]);
    ids[u.name] = (await importPkcs12(readFileSync(user.p12Legacy), pki.password, env)).identities[0]!;
  }
}, 180_000);

afterAll(() => {
  if (home) spawnSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: home } });
  for (const d of [dir, home]) if (d) rmSync(d, { recursive: true, force: true });
});

describe('Sello reads legacy PKCS#12', () => {
  it('imports the 3DES/SHA-1-MAC PKCS#12 that gpgsm reads, and flags it as legacy', async () => {
    const p12 = await importPkcs12(readFileSync(pki.users.Alice!.p12Legacy), pki.password, env);
    expect(p12.legacyProtection).toBe(true);
    expect(p12.identities).toHaveLength(1);
  });
});

const RSA_USERS = USERS.filter((u) => u.keyType.startsWith('rsa'));

describe('gpgsm signs and Sello verifies', () => {
  const wrapDetached = (user: PkiUser, entity: Uint8Array, sig: Uint8Array): Uint8Array =>
    concatBytes(
      utf8(
        `From: ${user.email}\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\n` +
          'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b1"\r\n\r\n--b1\r\n',
      ),
      entity,
      utf8(
        '\r\n--b1\r\nContent-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      ),
      utf8(toBase64Lines(sig)),
      utf8('\r\n--b1--\r\n'),
    );
  const wrapOpaque = (user: PkiUser, der: Uint8Array): Uint8Array =>
    utf8(
      `From: ${user.email}\r\nDate: ${new Date().toUTCString()}\r\nMIME-Version: 1.0\r\n` +
        'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\r\n' +
        `Content-Transfer-Encoding: base64\r\n\r\n${toBase64Lines(der)}\r\n`,
    );
  for (const u of RSA_USERS) {
    for (const digest of ['SHA256', 'SHA384', 'SHA512']) {
      for (const form of ['detached', 'opaque'] as const) {
        it(`${u.keyType} ${digest} ${form}`, async () => {
          const user = pki.users[u.name]!;
          const entity = entityOf(messageFrom(user));
          const input = file('gpg-in.txt', entity);
          const der = gpgsm(
            [
              '-u',
              user.email,
              '--digest-algo',
              digest,
              form === 'detached' ? '--detach-sign' : '--sign',
              input,
            ],
            { passphrase: pki.password },
          );
          const message = form === 'detached' ? wrapDetached(user, entity, der) : wrapOpaque(user, der);
          const v = await openMessage(message, { keys: [] }, env);
          expect(v.errors).toEqual([]);
          expect(v.valid).toBe(true);
          expect(v.fromMatchesSigner).toBe(true);
          expect(equalBytes(v.content!.subarray(v.content!.length - entity.length), entity)).toBe(true);
        });
      }
    }
  }
});

describe('gpgsm encrypts and Sello decrypts', () => {
  for (const name of ['Alice', 'Carol']) {
    for (const algo of ['AES128', 'AES256', '3DES']) {
      it(`${name} ${algo}`, async () => {
        const entity = entityOf(messageFrom(pki.users.Alice!));
        const der = gpgsm(['--cipher-algo', algo, '--recipient', pki.users[name]!.email, '--encrypt', file('gpg-plain.txt', entity)]); // prettier-ignore
        const message = utf8(
          'From: someone@interop.example\r\nMIME-Version: 1.0\r\n' +
            'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n' +
            `Content-Transfer-Encoding: base64\r\n\r\n${toBase64Lines(der)}\r\n`,
        );
        const v = await openMessage(message, { keys: [ids[name]!] }, env);
        expect(v.errors).toEqual([]);
        expect(v.layers[0]).toMatchObject({ kind: 'encrypted', weak: algo === '3DES' });
        expect(equalBytes(v.content!.subarray(v.content!.length - entity.length), entity)).toBe(true);
      });
    }
  }
  it('one message to two recipients opens for each', async () => {
    const entity = entityOf(messageFrom(pki.users.Alice!));
    const der = gpgsm(['--recipient', pki.users.Alice!.email, '--recipient', pki.users.Carol!.email, '--encrypt', file('gpg-two.txt', entity)]); // prettier-ignore
    const message = utf8(
      `MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data\r\nContent-Transfer-Encoding: base64\r\n\r\n${toBase64Lines(der)}\r\n`,
    );
    for (const name of ['Alice', 'Carol']) {
      expect((await openMessage(message, { keys: [ids[name]!] }, env)).errors).toEqual([]);
    }
  });
});

describe('Sello signs and gpgsm verifies', () => {
  const cases: [string, SignOptions][] = [];
  for (const hash of ['SHA-256', 'SHA-384', 'SHA-512'] as const) {
    for (const form of ['detached', 'opaque'] as const)
      cases.push([`${form} ${hash}`, { form, hash, pss: false, chain: 'no-root' }]);
  }
  cases.push(['RSASSA-PSS', { form: 'opaque', hash: 'SHA-256', pss: true, chain: 'no-root' }]);
  cases.push(['chain none', { form: 'opaque', hash: 'SHA-256', pss: false, chain: 'none' }]);
  cases.push(['chain full', { form: 'opaque', hash: 'SHA-256', pss: false, chain: 'full' }]);
  for (const u of USERS) {
    for (const [label, opts] of cases) {
      if (opts.pss && !u.keyType.startsWith('rsa')) continue;
      // gpgsm refuses "a 256 bit hash for a 384 bit ECC key": Sello raises SHA-256 to SHA-384 for a
      // P-384 signer by itself (hashForKey), which is what this case proves.
      it(`${u.keyType} ${label}`, async () => {
        const user = pki.users[u.name]!;
        const msg = messageFrom(user);
        const signed = await signMessage(msg, ids[u.name]!, opts, env);
        const sig = file('sello-sig.p7', cmsOf(signed));
        const args =
          opts.form === 'detached'
            ? ['--verify', sig, file('sello-content.txt', parseMessage(signed).children[0]!.raw)]
            : ['--output', join(dir, 'gpg-out.txt'), '--verify', sig];
        gpgsm(args); // throws unless "Good signature"
        if (opts.form === 'opaque') {
          expect(equalBytes(new Uint8Array(readFileSync(join(dir, 'gpg-out.txt'))), entityOf(msg))).toBe(
            true,
          );
        }
      });
    }
  }
});

describe('Sello encrypts and gpgsm decrypts', () => {
  const ciphers: EncryptOptions['cipher'][] = ['aes-128-cbc', 'aes-256-cbc'];
  for (const name of ['Alice', 'Carol']) {
    for (const cipher of ciphers) {
      // gpgsm 2.2 finds recipients by issuer and serial only (it cannot read OpenSSL's -keyid output either).
      for (const recipientId of ['issuer-serial'] as const) {
        it(`${name} ${cipher} ${recipientId}`, async () => {
          const msg = messageFrom(pki.users.Alice!);
          const enc = await encryptMessage(
            msg,
            [ids[name]!.certificate],
            { cipher, keyTransport: 'rsaes-pkcs1-v1_5', recipientId },
            env,
          );
          const out = gpgsm(['--decrypt', file('sello-enc.p7m', cmsOf(enc))], { passphrase: pki.password });
          expect(equalBytes(new Uint8Array(out), entityOf(msg))).toBe(true);
        });
      }
    }
  }
  it('through the CLI: sello encrypt --sign-key, gpgsm decrypts and verifies', () => {
    const alice = pki.users.Alice!;
    const carol = pki.users.Carol!;
    const r = sello(['encrypt', '--to', carol.certPem, '--cipher', 'aes256-cbc', '--sign-key', alice.p12, '--pass-file', pki.passFile, file('cli.eml', messageFrom(alice))]); // prettier-ignore
    expect(r.stderr).toBe('');
    const inner = gpgsm(['--decrypt', file('cli-enc.p7m', cmsOf(r.stdout))], { passphrase: pki.password });
    const signed = parseMessage(inner);
    const sig = file('cli-sig.p7s', decodeBody(signed.children[1]!));
    gpgsm(['--verify', sig, file('cli-content.txt', signed.children[0]!.raw)]);
    expect(fromUtf8(signed.children[0]!.raw)).toContain('gpgsm interop');
  });
});
