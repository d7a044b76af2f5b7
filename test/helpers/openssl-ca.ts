/**
 * Minimal OpenSSL-made CA and S/MIME end-entity certificates for end-to-end tests (admin deployment,
 * browser flows). Real OpenSSL output on purpose: Sello must accept what other tools issue.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CaFiles {
  dir: string;
  certPem: string;
  keyPem: string;
  certDer: Uint8Array;
}

const openssl = (args: string[], cwd?: string) =>
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

export function makeCa(dir: string, cn: string): CaFiles {
  mkdirSync(dir, { recursive: true });
  const certPem = join(dir, 'ca.pem');
  const keyPem = join(dir, 'ca.key');
  openssl([
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPem, '-out', certPem, '-days', '3650',
    '-subj', `/CN=${cn}/O=Sello Tests`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-addext', 'subjectKeyIdentifier=hash',
  ]); // prettier-ignore
  const certDer = new Uint8Array(openssl(['x509', '-in', certPem, '-outform', 'DER']));
  return { dir, certPem, keyPem, certDer };
}

export interface UserFiles {
  certPem: string;
  keyPem: string;
  p12: string;
  email: string;
}

/** An S/MIME user certificate (RSA 2048) issued by `ca`, with a PKCS#12 protected by `password`. */
export function makeUser(ca: CaFiles, name: string, email: string, password: string): UserFiles {
  const base = join(ca.dir, name.toLowerCase().replace(/\W+/g, '-'));
  const keyPem = `${base}.key`;
  const csr = `${base}.csr`;
  const certPem = `${base}.pem`;
  const ext = `${base}.ext`;
  writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=emailProtection',
      `subjectAltName=email:${email}`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
    ].join('\n'),
  );
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyPem,
    '-out',
    csr,
    '-subj',
    `/CN=${name}/emailAddress=${email}`,
  ]);
  openssl([
    'x509', '-req', '-in', csr, '-CA', ca.certPem, '-CAkey', ca.keyPem, '-CAcreateserial', '-out', certPem,
    '-days', '825', '-extfile', ext,
  ]); // prettier-ignore
  const p12 = `${base}.p12`;
  openssl([
    'pkcs12',
    '-export',
    '-in',
    certPem,
    '-inkey',
    keyPem,
    '-certfile',
    ca.certPem,
    '-out',
    p12,
    '-passout',
    `pass:${password}`,
  ]);
  readFileSync(p12);
  return { certPem, keyPem, p12, email };
}
