/**
 * A real OpenSSL CA in a temporary folder, driven through the `openssl` command line (req, ca, x509,
 * ocsp): issues certificates with chosen extensions, revokes them in its index, writes CRLs (base,
 * delta, backdated) and runs `openssl ocsp` as the responder. Contract: what OpenSSL 3 writes is what
 * Sello reads; nothing here builds ASN.1 itself.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface IssuedCertificate {
  der: Uint8Array;
  pem: string;
  certPath: string;
  keyPath: string;
  serialHex: string;
}

export interface IssueOptions {
  cn: string;
  email?: string;
  /** Extra lines for the extension section, e.g. 'crlDistributionPoints = URI:http://...'. */
  extensions?: string[];
  keyType?: 'ec' | 'rsa2048' | 'rsa1024';
  /** Sign with `openssl x509 -req` so the certificate is not in the CA's index (OCSP: unknown). */
  outsideIndex?: boolean;
  days?: number;
  /** Reuse the key of an earlier certificate (a renewal with the same key). */
  keyFrom?: IssuedCertificate;
  /** Validity as YYYYMMDDHHMMSSZ (openssl ca only), e.g. to make an expired certificate. */
  startDate?: string;
  endDate?: string;
}

function run(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

function pemToDer(pem: string): Uint8Array {
  const b64 = pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return new Uint8Array(Buffer.from(b64, 'base64'));
}

const KEY_ARGS: Record<NonNullable<IssueOptions['keyType']>, string[]> = {
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa2048: ['-newkey', 'rsa:2048'],
  rsa1024: ['-newkey', 'rsa:1024'],
};

export class OpensslCa {
  readonly dir: string;
  readonly cert: IssuedCertificate;
  private counter = 0;

  /** `subject` lets a test make an impostor CA with the same name and another key. */
  constructor(
    readonly subject = '/CN=Sello Test CA/O=Sello Tests',
    parentDir?: string,
    caExtensions: string[] = [],
  ) {
    this.dir = parentDir ? mkdtempSync(join(parentDir, 'ca-')) : mkdtempSync(join(tmpdir(), 'sello-ca-'));
    mkdirSync(join(this.dir, 'db'));
    writeFileSync(join(this.dir, 'db', 'index.txt'), '');
    writeFileSync(join(this.dir, 'db', 'index.txt.attr'), 'unique_subject = no\n');
    writeFileSync(
      join(this.dir, 'db', 'serial'),
      `${(0x1000 + Math.floor(Math.random() * 0xfff)).toString(16)}\n`,
    );
    writeFileSync(join(this.dir, 'db', 'crlnumber'), '01\n');
    writeFileSync(join(this.dir, 'ca.cnf'), CA_CONFIG);
    run(
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        'ca.key',
        '-out',
        'ca.pem',
        '-subj',
        subject,
        '-days',
        '3650',
        '-addext',
        'basicConstraints=critical,CA:true',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
        '-addext',
        'subjectKeyIdentifier=hash',
        ...caExtensions.flatMap((e) => ['-addext', e]),
      ],
      this.dir,
    );
    this.cert = this.load('ca.pem', 'ca.key');
  }

  issue(opts: IssueOptions): IssuedCertificate {
    const id = `c${++this.counter}`;
    const subj = `/CN=${opts.cn}${opts.email ? `/emailAddress=${opts.email}` : ''}`;
    let keyArgs = [...KEY_ARGS[opts.keyType ?? 'ec'], '-nodes', '-keyout', `${id}.key`];
    if (opts.keyFrom) {
      writeFileSync(join(this.dir, `${id}.key`), readFileSync(opts.keyFrom.keyPath));
      keyArgs = ['-key', `${id}.key`];
    }
    run(['req', '-new', ...keyArgs, '-out', `${id}.csr`, '-subj', subj], this.dir);
    const ext = ['[ext]', ...(opts.extensions ?? ['basicConstraints = CA:false'])].join('\n');
    writeFileSync(join(this.dir, `${id}.ext`), `${ext}\n`);
    const days = String(opts.days ?? 365);
    const extArgs = ['-extfile', `${id}.ext`, '-extensions', 'ext'];
    if (opts.outsideIndex) {
      const signArgs = ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', days, '-sha256'];
      run(['x509', '-req', '-in', `${id}.csr`, '-out', `${id}.pem`, ...signArgs, ...extArgs], this.dir);
    } else {
      const validity = [
        ...(opts.startDate ? ['-startdate', opts.startDate] : []),
        ...(opts.endDate ? ['-enddate', opts.endDate] : ['-days', days]),
      ];
      const caArgs = ['-batch', '-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.pem', '-notext'];
      run(['ca', ...caArgs, '-in', `${id}.csr`, '-out', `${id}.pem`, ...validity, ...extArgs], this.dir);
    }
    return this.load(`${id}.pem`, `${id}.key`);
  }

  revoke(cert: IssuedCertificate, reason = 'keyCompromise'): void {
    run(
      [
        'ca',
        '-config',
        'ca.cnf',
        '-keyfile',
        'ca.key',
        '-cert',
        'ca.pem',
        '-revoke',
        cert.certPath,
        '-crl_reason',
        reason,
      ],
      this.dir,
    );
  }

  /** A CRL as DER. `deltaOf` makes it a delta CRL naming that base CRL number. Dates: YYYYMMDDHHMMSSZ. */
  crl(
    opts: {
      lastUpdate?: string;
      nextUpdate?: string;
      deltaOf?: number;
      freshestCrl?: string;
      /** issuingDistributionPoint: the URL it speaks for, and whether it covers CA certificates only. */
      idpUrl?: string;
      idpOnlyCa?: boolean;
    } = {},
  ): Uint8Array {
    const ext = ['[crlext]', 'authorityKeyIdentifier = keyid'];
    if (opts.idpUrl) ext.push('issuingDistributionPoint = critical, @idp');
    if (opts.deltaOf !== undefined) ext.push(`2.5.29.27 = critical, ASN1:INTEGER:${opts.deltaOf}`);
    if (opts.freshestCrl) ext.push(`freshestCRL = URI:${opts.freshestCrl}`);
    writeFileSync(
      join(this.dir, 'crlext.cnf'),
      `${readFileSync(join(this.dir, 'ca.cnf'), 'utf8')}\n${ext.join('\n')}\n${idpSection(opts)}`,
    );
    const out = `crl${++this.counter}.pem`;
    const dates = [
      ...(opts.lastUpdate ? ['-crl_lastupdate', opts.lastUpdate] : []),
      ...(opts.nextUpdate ? ['-crl_nextupdate', opts.nextUpdate] : []),
    ];
    run(
      [
        'ca',
        '-batch',
        '-config',
        'crlext.cnf',
        '-keyfile',
        'ca.key',
        '-cert',
        'ca.pem',
        '-gencrl',
        '-crlexts',
        'crlext',
        '-out',
        out,
        ...dates,
      ],
      this.dir,
    );
    return pemToDer(readFileSync(join(this.dir, out), 'utf8'));
  }

  /**
   * Starts `openssl ocsp` on port `port` answering from this CA's index, signed by `signer`. Readiness
   * is read from its output, not probed: the responder serves one connection at a time, and a probe
   * that connects and closes leaves it waiting on that connection.
   */
  async startOcspResponder(
    port: number,
    signer: IssuedCertificate = this.cert,
    extraArgs: string[] = [],
  ): Promise<ChildProcess> {
    const child = spawn(
      'openssl',
      [
        'ocsp',
        '-index',
        'db/index.txt',
        '-port',
        String(port),
        '-rsigner',
        signer.certPath,
        '-rkey',
        signer.keyPath,
        '-CA',
        'ca.pem',
        '-nmin',
        '60',
        '-ignore_err',
        '-timeout',
        '5',
        ...extraArgs,
      ],
      { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`openssl ocsp did not start: ${output}`)), 10_000);
      const onData = (d: Buffer): void => {
        output += d.toString();
        if (output.includes('waiting for OCSP client connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`openssl ocsp exited with ${code}: ${output}`));
      });
    });
    return child;
  }

  load(certFile: string, keyFile: string): IssuedCertificate {
    const certPath = join(this.dir, certFile);
    const pem = readFileSync(certPath, 'utf8');
    const serialHex = run(['x509', '-in', certPath, '-noout', '-serial'], this.dir)
      .trim()
      .replace(/^serial=/, '')
      .toLowerCase();
    return { der: pemToDer(pem), pem, certPath, keyPath: join(this.dir, keyFile), serialHex };
  }

  /** A PKCS#12 of an issued certificate (legacy-free OpenSSL 3 defaults unless `args` say otherwise). */
  pkcs12(cert: IssuedCertificate, password: string, args: string[] = []): Uint8Array {
    const out = join(this.dir, `p12-${++this.counter}.p12`);
    run(
      [
        'pkcs12',
        '-export',
        '-in',
        cert.certPath,
        '-inkey',
        cert.keyPath,
        '-certfile',
        'ca.pem',
        '-out',
        out,
        '-passout',
        `pass:${password}`,
        ...args,
      ],
      this.dir,
    );
    return new Uint8Array(readFileSync(out));
  }

  /** A PKCS#7 certs-only bundle (DER), as Outlook publishes in userSMIMECertificate. */
  certsOnly(certs: IssuedCertificate[]): Uint8Array {
    const out = join(this.dir, `p7-${++this.counter}.p7b`);
    run(
      [
        'crl2pkcs7',
        '-nocrl',
        ...certs.flatMap((c) => ['-certfile', c.certPath]),
        '-outform',
        'DER',
        '-out',
        out,
      ],
      this.dir,
    );
    return new Uint8Array(readFileSync(out));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const CA_CONFIG = `[ ca ]
default_ca = CA_default
[ CA_default ]
dir = .
database = ./db/index.txt
new_certs_dir = ./db
serial = ./db/serial
crlnumber = ./db/crlnumber
default_md = sha256
policy = any
default_days = 365
default_crl_days = 1
unique_subject = no
copy_extensions = none
[ any ]
commonName = supplied
emailAddress = optional
`;

function idpSection(opts: { idpUrl?: string; idpOnlyCa?: boolean }): string {
  if (!opts.idpUrl) return '';
  return `[idp]\nfullname = URI:${opts.idpUrl}\n${opts.idpOnlyCa ? 'onlyCA = TRUE\n' : ''}`;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForPort(
  port: number,
  failed: () => string | undefined,
  timeoutMs = 10_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  const { connect } = await import('node:net');
  for (;;) {
    const why = failed();
    if (why) throw new Error(why);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
