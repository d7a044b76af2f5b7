/**
 * Certificates, PKCS#12 files and S/MIME messages made by the OpenSSL command line in a temporary
 * folder: a test CA, Alice (the extension's user), Bob (a recipient) and Carol (a correspondent whose
 * signed mail Alice reads). Nothing here builds ASN.1 or S/MIME itself.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Person {
  email: string;
  cert: string;
  key: string;
  p12: string;
  p12Legacy: string;
  cer: string;
}

export interface Fixtures {
  dir: string;
  caPem: string;
  alice: Person;
  bob: Person;
  carol: Person;
  p12Password: string;
}

export function openssl(args: string[], input?: Buffer | string): Buffer {
  return execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function makeFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'sello-e2e-'));
  const p = (f: string) => join(dir, f);
  const p12Password = 'p12 pass: Sello!';
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.pem'),
    '-days',
    '3650',
    '-subj',
    '/CN=Sello E2E Root CA/O=Sello Tests',
    '-addext',
    'basicConstraints=critical,CA:true',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const person = (name: string, cn: string): Person => issuePerson(dir, p12Password, name, cn);
  return {
    dir,
    caPem: p('ca.pem'),
    alice: person('alice', 'Alice Example'),
    bob: person('bob', 'Bob Example'),
    carol: person('carol', 'Carol Example'),
    p12Password,
  };
}

/** Validity of a certificate `openssl ca` issues, as YYYYMMDDHHMMSSZ (e.g. one that already expired). */
export interface Validity {
  start: string;
  end: string;
}

/**
 * A person's key, certificate (issued by the fixtures' CA in `dir`), PKCS#12 files and DER certificate.
 * `email` defaults to name@example.com; a second identity for the same address takes another name.
 * With `validity` the certificate is issued by `openssl ca` with exactly those dates (`x509 -req` can
 * only count days from now).
 */
export function issuePerson(
  dir: string,
  p12Password: string,
  name: string,
  cn: string,
  opts: { email?: string; validity?: Validity; crlUrl?: string } = {},
): Person {
  const p = (f: string) => join(dir, f);
  const email = opts.email ?? `${name}@example.com`;
  writeFileSync(
    p(`${name}.ext`),
    [
      'basicConstraints=CA:false',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=emailProtection',
      `subjectAltName=email:${email}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      ...(opts.crlUrl ? [`crlDistributionPoints=URI:${opts.crlUrl}`] : []),
    ].join('\n'),
  );
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    p(`${name}.key`),
    '-out',
    p(`${name}.csr`),
    '-subj',
    `/CN=${cn}/O=Sello Tests`,
  ]);
  if (opts.validity) issueDated(dir, name, opts.validity);
  else
    openssl([
      'x509',
      '-req',
      '-in',
      p(`${name}.csr`),
      '-CA',
      p('ca.pem'),
      '-CAkey',
      p('ca.key'),
      '-CAcreateserial',
      '-days',
      '400',
      '-extfile',
      p(`${name}.ext`),
      '-out',
      p(`${name}.pem`),
    ]);
  openssl([
    'pkcs12',
    '-export',
    '-in',
    p(`${name}.pem`),
    '-inkey',
    p(`${name}.key`),
    '-certfile',
    p('ca.pem'),
    '-name',
    cn,
    '-passout',
    `pass:${p12Password}`,
    '-out',
    p(`${name}.p12`),
  ]);
  // What Windows and older macOS export: 3DES/RC2-40 PBES1 with a SHA-1 MAC.
  openssl([
    'pkcs12',
    '-export',
    '-legacy',
    '-in',
    p(`${name}.pem`),
    '-inkey',
    p(`${name}.key`),
    '-name',
    cn,
    '-passout',
    `pass:${p12Password}`,
    '-out',
    p(`${name}-legacy.p12`),
  ]);
  openssl(['x509', '-in', p(`${name}.pem`), '-outform', 'DER', '-out', p(`${name}.cer`)]);
  return {
    email,
    cert: p(`${name}.pem`),
    key: p(`${name}.key`),
    p12: p(`${name}.p12`),
    p12Legacy: p(`${name}-legacy.p12`),
    cer: p(`${name}.cer`),
  };
}

/** `openssl ca` with a throw-away database, so the certificate gets the exact dates asked for. */
function issueDated(dir: string, name: string, validity: Validity): void {
  const p = (f: string) => join(dir, f);
  const db = p(`${name}-ca-db`);
  mkdirSync(db, { recursive: true });
  writeFileSync(join(db, 'index.txt'), '');
  writeFileSync(join(db, 'crlnumber'), '01\n');
  writeFileSync(join(db, 'serial'), `${randomBytes(8).toString('hex').toUpperCase()}\n`);
  writeFileSync(
    join(db, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test',
      '[test]',
      `database = ${join(db, 'index.txt')}`,
      `serial = ${join(db, 'serial')}`,
      `new_certs_dir = ${db}`,
      'default_md = sha256',
      'policy = any',
      'unique_subject = no',
      `crlnumber = ${join(db, 'crlnumber')}`,
      'default_crl_days = 30',
      'copy_extensions = none',
      '[any]',
      'commonName = supplied',
      'organizationName = optional',
    ].join('\n'),
  );
  openssl([
    'ca',
    '-batch',
    '-notext',
    '-config',
    join(db, 'ca.cnf'),
    '-cert',
    p('ca.pem'),
    '-keyfile',
    p('ca.key'),
    '-in',
    p(`${name}.csr`),
    '-startdate',
    validity.start,
    '-enddate',
    validity.end,
    '-extfile',
    p(`${name}.ext`),
    '-out',
    p(`${name}.pem`),
  ]);
}

const CRLF = (s: string) => s.replace(/\r?\n/g, '\r\n');

/** A signed message from `from` to `to`, made by `openssl cms -sign` (detached, multipart/signed). */
export function signedMessage(f: Fixtures, from: Person, to: Person, subject: string, text: string): string {
  const entity = CRLF(`Content-Type: text/plain; charset=utf-8\n\n${text}\n`);
  return openssl(
    [
      'cms',
      '-sign',
      '-binary',
      '-signer',
      from.cert,
      '-inkey',
      from.key,
      '-certfile',
      f.caPem,
      '-from',
      from.email,
      '-to',
      to.email,
      '-subject',
      subject,
    ],
    entity,
  ).toString('latin1');
}

/** Encrypted (and optionally first signed) to `to`, made by `openssl cms -encrypt -aes256`. */
export function encryptedMessage(
  f: Fixtures,
  from: Person,
  to: Person,
  subject: string,
  text: string,
  sign: boolean,
): string {
  const entity = CRLF(`Content-Type: text/plain; charset=utf-8\n\n${text}\n`);
  const inner = sign
    ? openssl(
        ['cms', '-sign', '-binary', '-signer', from.cert, '-inkey', from.key, '-certfile', f.caPem],
        entity,
      )
    : Buffer.from(entity);
  return openssl(
    [
      'cms',
      '-encrypt',
      '-aes256',
      '-binary',
      '-from',
      from.email,
      '-to',
      to.email,
      '-subject',
      subject,
      to.cert,
    ],
    inner,
  ).toString('latin1');
}

/** The signed message with one word of the signed text changed after signing. */
export function tampered(signed: string, from: string, to: string): string {
  if (!signed.includes(from)) throw new Error('tamper target not found');
  return signed.replace(from, to);
}

/**
 * A multipart/mixed message whose first part is an OpenSSL-signed multipart/signed entity and whose
 * second part was added afterwards, unsigned (the shape of EFAIL-style and mailing-list footers).
 */
export function partiallySigned(
  f: Fixtures,
  from: Person,
  to: Person,
  subject: string,
  signedText: string,
  addedText: string,
): string {
  const signedMime = signedMessage(f, from, to, subject, signedText);
  const [, body] = splitHeaders(signedMime);
  const contentType = /^Content-Type:[^\r\n]*(\r?\n[ \t][^\r\n]*)*/im.exec(signedMime)?.[0] ?? '';
  const boundary = 'sello-partial-0001';
  return CRLF(
    [
      `From: ${from.email}`,
      `To: ${to.email}`,
      `Subject: ${subject}`,
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      '',
      `--${boundary}`,
      contentType.replace(/\r?\n/g, '\n'),
      '',
      body.replace(/\r\n/g, '\n'),
      `--${boundary}`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      addedText,
      `--${boundary}--`,
      '',
    ].join('\n'),
  );
}

export function splitHeaders(msg: string): [string, string] {
  const i = msg.search(/\r?\n\r?\n/);
  const sep = msg.slice(i).startsWith('\r\n\r\n') ? 4 : 2;
  return [msg.slice(0, i), msg.slice(i + sep)];
}

export function write(f: Fixtures, name: string, content: string | Buffer): string {
  const path = join(f.dir, name);
  writeFileSync(path, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
  return path;
}

export function read(path: string): Buffer {
  return readFileSync(path);
}

/**
 * Revokes a certificate issued with `validity` (so it is in its `openssl ca` database) and returns the
 * CA's CRL listing it, DER, as a CRL distribution point serves it.
 */
export function revokeAndMakeCrl(dir: string, name: string): Buffer {
  const p = (f: string) => join(dir, f);
  const cnf = join(p(`${name}-ca-db`), 'ca.cnf');
  const ca = ['-config', cnf, '-cert', p('ca.pem'), '-keyfile', p('ca.key')];
  openssl(['ca', ...ca, '-revoke', p(`${name}.pem`), '-crl_reason', 'keyCompromise']);
  openssl(['ca', ...ca, '-gencrl', '-out', p(`${name}-crl.pem`)]);
  return openssl(['crl', '-in', p(`${name}-crl.pem`), '-outform', 'DER']);
}
