/**
 * Certificates for the path validation tests, made with the OpenSSL CLI at test time so each test can
 * ask for exactly the extension it is about (nameConstraints, pathLen, EKU, critical unknowns, weak
 * algorithms). Keys are EC P-256 unless a test needs RSA.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCert {
  name: string;
  der: Uint8Array;
  certPath: string;
  keyPath: string;
}

export type KeySpec = 'p256' | 'rsa2048' | 'rsa1024';

let serial = 1000;

export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'sello-pki-'));

  private run(args: string[]): void {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  private key(name: string, spec: KeySpec): string {
    const path = join(this.dir, `${name}.key`);
    const args =
      spec === 'p256'
        ? ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']
        : ['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec === 'rsa2048' ? 2048 : 1024}`];
    this.run([...args, '-out', path]);
    return path;
  }

  /**
   * Issues a certificate. `extensions` are openssl.cnf lines (e.g. 'basicConstraints=critical,CA:TRUE');
   * without an issuer the certificate is self-signed.
   */
  issue(
    name: string,
    subject: string,
    extensions: string[],
    opts: { issuer?: TestCert; key?: KeySpec; days?: number; digest?: string } = {},
  ): TestCert {
    const keyPath = this.key(name, opts.key ?? 'p256');
    const csr = join(this.dir, `${name}.csr`);
    const ext = join(this.dir, `${name}.ext`);
    const certPath = join(this.dir, `${name}.pem`);
    writeFileSync(ext, `[v3]\n${extensions.join('\n')}\n`);
    this.run(['req', '-new', '-key', keyPath, '-subj', subject, '-out', csr]);
    const signer = opts.issuer
      ? ['-CA', opts.issuer.certPath, '-CAkey', opts.issuer.keyPath]
      : ['-signkey', keyPath];
    this.run([
      'x509',
      '-req',
      '-in',
      csr,
      ...signer,
      '-set_serial',
      String(serial++),
      '-days',
      String(opts.days ?? 365),
      `-${opts.digest ?? 'sha256'}`,
      '-extfile',
      ext,
      '-extensions',
      'v3',
      '-out',
      certPath,
    ]);
    const der = execFileSync('openssl', ['x509', '-in', certPath, '-outform', 'DER']);
    return { name, der: new Uint8Array(der), certPath, keyPath };
  }

  pem(cert: TestCert): string {
    return readFileSync(cert.certPath, 'utf8');
  }
}

export const ROOT_EXT = [
  'basicConstraints=critical,CA:TRUE',
  'keyUsage=critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier=hash',
];

export const CA_EXT = [
  'basicConstraints=critical,CA:TRUE',
  'keyUsage=critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid',
];

export const EE_EXT = [
  'basicConstraints=critical,CA:FALSE',
  'keyUsage=critical,digitalSignature,nonRepudiation,keyEncipherment',
  'extendedKeyUsage=emailProtection',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid',
];
