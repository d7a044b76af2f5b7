/**
 * A three-level PKI (root, intermediate, end entities with an email SAN) made with the openssl command
 * line in a temporary folder, and `openssl pkcs12` in both directions. Generic on purpose: RSA of any
 * size and the NIST curves, any `openssl pkcs12 -export` arguments. Nothing here builds ASN.1.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type KeySpec = { rsa: number } | { ec: 'P-256' | 'P-384' | 'P-521' };

export interface IssuedIdentity {
  name: string;
  certPath: string;
  keyPath: string;
  certificate: Uint8Array;
  /** PKCS#8 PrivateKeyInfo DER, as `openssl pkcs8 -topk8 -nocrypt` writes it. */
  pkcs8: Uint8Array;
}

export function openssl(
  args: string[],
  opts: { cwd?: string; input?: Uint8Array | string } = {},
): Uint8Array {
  return new Uint8Array(
    execFileSync('openssl', args, { cwd: opts.cwd, input: opts.input, stdio: ['pipe', 'pipe', 'pipe'] }),
  );
}

function keyArgs(spec: KeySpec): string[] {
  return 'rsa' in spec
    ? ['-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${spec.rsa}`]
    : ['-algorithm', 'EC', '-pkeyopt', `ec_paramgen_curve:${spec.ec}`];
}

export class TestPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'sello-pki-'));
  readonly root: IssuedIdentity;
  readonly intermediate: IssuedIdentity;
  private serial = 0x2000;
  private counter = 0;

  constructor() {
    this.root = this.make('root', { rsa: 2048 }, '/CN=Sello Test Root/O=Sello Tests', undefined, [
      'basicConstraints=critical,CA:true',
      'keyUsage=critical,keyCertSign,cRLSign',
      'subjectKeyIdentifier=hash',
    ]);
    this.intermediate = this.make(
      'intermediate',
      { rsa: 2048 },
      '/CN=Sello Test Intermediate/O=Sello Tests',
      this.root,
      [
        'basicConstraints=critical,CA:true,pathlen:0',
        'keyUsage=critical,keyCertSign,cRLSign',
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
      ],
    );
  }

  /** An S/MIME end entity issued by the intermediate. */
  issue(email: string, key: KeySpec = { rsa: 2048 }): IssuedIdentity {
    return this.make(
      `ee${++this.counter}`,
      key,
      `/CN=${email.split('@')[0]}/emailAddress=${email}`,
      this.intermediate,
      [
        'basicConstraints=critical,CA:false',
        'keyUsage=critical,digitalSignature,keyEncipherment',
        'extendedKeyUsage=emailProtection',
        `subjectAltName=email:${email}`,
        'subjectKeyIdentifier=hash',
        'authorityKeyIdentifier=keyid',
      ],
    );
  }

  private make(
    name: string,
    key: KeySpec,
    subject: string,
    issuer: IssuedIdentity | undefined,
    ext: string[],
  ): IssuedIdentity {
    const keyPath = join(this.dir, `${name}.key`);
    const certPath = join(this.dir, `${name}.pem`);
    openssl(['genpkey', ...keyArgs(key), '-out', keyPath]);
    const extPath = join(this.dir, `${name}.ext`);
    writeFileSync(extPath, `[ext]\n${ext.join('\n')}\n`);
    if (issuer) {
      const csr = join(this.dir, `${name}.csr`);
      openssl(['req', '-new', '-key', keyPath, '-subj', subject, '-out', csr]);
      openssl([
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        issuer.certPath,
        '-CAkey',
        issuer.keyPath,
        '-set_serial',
        String(++this.serial),
        '-days',
        '365',
        '-sha256',
        '-extfile',
        extPath,
        '-extensions',
        'ext',
        '-out',
        certPath,
      ]);
    } else {
      openssl(
        [
          'req',
          '-x509',
          '-new',
          '-key',
          keyPath,
          '-subj',
          subject,
          '-days',
          '3650',
          '-sha256',
          '-config',
          extPath,
          '-extensions',
          'ext',
          '-out',
          certPath,
        ].concat([]),
      );
    }
    return {
      name,
      certPath,
      keyPath,
      certificate: openssl(['x509', '-in', certPath, '-outform', 'DER']),
      pkcs8: openssl(['pkcs8', '-topk8', '-nocrypt', '-in', keyPath, '-outform', 'DER']),
    };
  }

  /**
   * `openssl pkcs12 -export` of an end entity with the root first and the intermediate second in the
   * file (so that a reader must order the chain itself). `args` add options such as `-legacy`.
   */
  exportPkcs12(ee: IssuedIdentity, password: string, args: string[] = [], chain = true): Uint8Array {
    const out = join(this.dir, `p12-${++this.counter}.p12`);
    const certfile = join(this.dir, `chain-${this.counter}.pem`);
    writeFileSync(
      certfile,
      readFileSync(this.root.certPath, 'utf8') + readFileSync(this.intermediate.certPath, 'utf8'),
    );
    openssl([
      'pkcs12',
      '-export',
      '-in',
      ee.certPath,
      '-inkey',
      ee.keyPath,
      ...(chain ? ['-certfile', certfile] : []),
      '-passout',
      `pass:${password}`,
      '-out',
      out,
      ...args,
    ]);
    return new Uint8Array(readFileSync(out));
  }

  /** What `openssl pkcs12 -in X -nodes` prints (PEM blocks with bag attributes), or throws. */
  readWithOpenssl(p12: Uint8Array, password: string, args: string[] = []): string {
    const path = join(this.dir, `read-${++this.counter}.p12`);
    writeFileSync(path, p12);
    return Buffer.from(
      openssl(['pkcs12', '-in', path, '-nodes', '-passin', `pass:${password}`, ...args]),
    ).toString('utf8');
  }

  /** `openssl pkcs12 -info -noout`: the algorithms and iteration counts, which OpenSSL prints on stderr. */
  describeWithOpenssl(p12: Uint8Array, password: string): string {
    const path = join(this.dir, `info-${++this.counter}.p12`);
    writeFileSync(path, p12);
    const r = spawnSync(
      'openssl',
      ['pkcs12', '-in', path, '-info', '-noout', '-passin', `pass:${password}`],
      {
        encoding: 'utf8',
      },
    );
    if (r.status !== 0) throw new Error(`openssl pkcs12 -info failed: ${r.stderr}`);
    return r.stdout + r.stderr;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
