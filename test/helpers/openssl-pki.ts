/**
 * An OpenSSL-made PKI for interop tests, generated at test time: root CA -> intermediate CA -> S/MIME
 * users with RSA 2048/3072 or EC P-256/P-384 keys. Each user gets PEM key and certificate, a PKCS#12
 * (OpenSSL 3 default: PBES2/AES) and a legacy one (3DES, SHA-1 MAC) that gpgsm 2.2 can read.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type KeyType = 'rsa2048' | 'rsa3072' | 'p256' | 'p384';

export interface PkiUser {
  name: string;
  email: string;
  keyType: KeyType;
  keyPem: string;
  certPem: string;
  certDer: Uint8Array;
  p12: string;
  p12Legacy: string;
  /** Intermediate then root, PEM (what -certfile needs for chain 'none'). */
  chainPem: string;
}

export interface OpensslPki {
  dir: string;
  rootPem: string;
  rootDer: Uint8Array;
  interPem: string;
  password: string;
  passFile: string;
  users: Record<string, PkiUser>;
}

export function openssl(args: string[], input?: Uint8Array | string): Buffer {
  return execFileSync('openssl', args, {
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  });
}

function keyArgs(t: KeyType): string[] {
  switch (t) {
    case 'rsa2048':
      return ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'];
    case 'rsa3072':
      return ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'];
    case 'p256':
      return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    case 'p384':
      return ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'];
  }
}

function genKey(path: string, t: KeyType): void {
  openssl(['genpkey', ...keyArgs(t), '-out', path]);
}

function issue(
  dir: string,
  base: string,
  subj: string,
  ext: string[],
  issuer: { certPem: string; keyPem: string } | null,
  keyPem: string,
): string {
  const certPem = join(dir, `${base}.pem`);
  const extFile = join(dir, `${base}.ext`);
  writeFileSync(extFile, `[v3]\n${ext.join('\n')}\n`);
  if (!issuer) {
    openssl(['req', '-x509', '-new', '-key', keyPem, '-out', certPem, '-days', '3650', '-subj', subj,
      ...ext.flatMap((e) => ['-addext', e])]); // prettier-ignore
    return certPem;
  }
  const csr = join(dir, `${base}.csr`);
  openssl(['req', '-new', '-key', keyPem, '-out', csr, '-subj', subj]);
  openssl(['x509', '-req', '-in', csr, '-CA', issuer.certPem, '-CAkey', issuer.keyPem, '-CAcreateserial',
    '-out', certPem, '-days', '825', '-extfile', extFile, '-extensions', 'v3']); // prettier-ignore
  return certPem;
}

/** Root and intermediate (RSA 2048) and one user per entry of `users`. Takes a few seconds. */
export function makeOpensslPki(dir: string, users: { name: string; keyType: KeyType }[]): OpensslPki {
  mkdirSync(dir, { recursive: true });
  const password = 'interop-pass';
  const passFile = join(dir, 'pass.txt');
  writeFileSync(passFile, `${password}\n`);
  const rootKey = join(dir, 'root.key');
  genKey(rootKey, 'rsa2048');
  const caExt = [
    'basicConstraints=critical,CA:TRUE',
    'keyUsage=critical,keyCertSign,cRLSign',
    'subjectKeyIdentifier=hash',
  ];
  const rootPem = issue(dir, 'root', '/O=Sello Interop/CN=Interop Root', caExt, null, rootKey);
  const interKey = join(dir, 'inter.key');
  genKey(interKey, 'rsa2048');
  const interPem = issue(
    dir,
    'inter',
    '/O=Sello Interop/CN=Interop Intermediate',
    [...caExt, 'authorityKeyIdentifier=keyid'],
    { certPem: rootPem, keyPem: rootKey },
    interKey,
  );
  const chainPem = join(dir, 'chain.pem');
  writeFileSync(chainPem, readFileSync(interPem, 'utf8') + readFileSync(rootPem, 'utf8'));
  const out: Record<string, PkiUser> = {};
  for (const u of users) {
    const base = u.name.toLowerCase();
    const email = `${base}@interop.example`;
    const keyPem = join(dir, `${base}.key`);
    genKey(keyPem, u.keyType);
    const ec = u.keyType.startsWith('p');
    const certPem = issue(
      dir,
      base,
      `/O=Sello Interop/CN=${u.name}/emailAddress=${email}`,
      [
        'basicConstraints=CA:FALSE',
        `keyUsage=critical,digitalSignature,${ec ? 'keyAgreement' : 'keyEncipherment'}`,
        'extendedKeyUsage=emailProtection',
        `subjectAltName=email:${email}`,
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
      ],
      { certPem: interPem, keyPem: interKey },
      keyPem,
    );
    const p12 = join(dir, `${base}.p12`);
    openssl(['pkcs12', '-export', '-in', certPem, '-inkey', keyPem, '-certfile', chainPem, '-out', p12,
      '-passout', `pass:${password}`, '-name', u.name]); // prettier-ignore
    const p12Legacy = join(dir, `${base}-legacy.p12`);
    openssl(['pkcs12', '-export', '-in', certPem, '-inkey', keyPem, '-certfile', chainPem, '-out', p12Legacy,
      '-passout', `pass:${password}`, '-name', u.name, '-certpbe', 'PBE-SHA1-3DES', '-keypbe', 'PBE-SHA1-3DES',
      '-macalg', 'sha1']); // prettier-ignore
    const certDer = new Uint8Array(openssl(['x509', '-in', certPem, '-outform', 'DER']));
    out[u.name] = {
      name: u.name,
      email,
      keyType: u.keyType,
      keyPem,
      certPem,
      certDer,
      p12,
      p12Legacy,
      chainPem,
    };
  }
  const rootDer = new Uint8Array(openssl(['x509', '-in', rootPem, '-outform', 'DER']));
  return { dir, rootPem, rootDer, interPem, password, passFile, users: out };
}
