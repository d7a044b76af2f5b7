/**
 * A real OpenLDAP slapd (Debian package) on 127.0.0.1 with a throwaway slapd.conf and mdb database,
 * loaded with slapadd before it starts. Schemas: core, cosine, inetorgperson from /etc/ldap/schema
 * (inetorgperson defines userSMIMECertificate; core defines userCertificate). Contract: LDAPv3 as an
 * Active Directory or OpenLDAP server answers the directory gateway.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, stopProcess, waitForPort } from './openssl-ca';

const SLAPD = '/usr/sbin/slapd';
const SLAPADD = '/usr/sbin/slapadd';
const SCHEMA_DIR = '/etc/ldap/schema';

export interface Slapd {
  url: string;
  port: number;
  suffix: string;
  rootDn: string;
  rootPassword: string;
  stop(): Promise<void>;
}

export function requireSlapd(): void {
  const missing = [SLAPD, SLAPADD, join(SCHEMA_DIR, 'inetorgperson.schema')].filter((p) => !existsSync(p));
  if (missing.length > 0) {
    throw new Error(
      `slapd is not installed (${missing.join(', ')} missing): run test/tools/ensure-system-deps.sh as root (installs slapd ldap-utils)`,
    );
  }
}

/** `ldif` holds the entries below the suffix; the suffix entry itself is added here. */
export interface SlapdTls {
  certPath: string;
  keyPath: string;
}

/** With `tls`, slapd listens on ldaps:// only, presenting that certificate. */
export async function startSlapd(
  ldif: string,
  suffix = 'dc=example,dc=test',
  tls?: SlapdTls,
): Promise<Slapd> {
  requireSlapd();
  const dir = mkdtempSync(join(tmpdir(), 'sello-slapd-'));
  mkdirSync(join(dir, 'db'));
  const rootDn = `cn=admin,${suffix}`;
  const rootPassword = 'directory-admin-secret';
  const conf = [
    ...['core', 'cosine', 'inetorgperson'].map((s) => `include ${SCHEMA_DIR}/${s}.schema`),
    ...(tls ? [`TLSCertificateFile ${tls.certPath}`, `TLSCertificateKeyFile ${tls.keyPath}`] : []),
    'modulepath /usr/lib/ldap',
    'moduleload back_mdb',
    `pidfile ${join(dir, 'slapd.pid')}`,
    'database mdb',
    'maxsize 10485760',
    `suffix "${suffix}"`,
    `rootdn "${rootDn}"`,
    `rootpw ${rootPassword}`,
    `directory ${join(dir, 'db')}`,
    'index mail eq',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'slapd.conf'), conf);
  const dc = /^dc=([^,]+)/.exec(suffix)?.[1] ?? 'example';
  writeFileSync(
    join(dir, 'data.ldif'),
    `dn: ${suffix}\nobjectClass: dcObject\nobjectClass: organization\ndc: ${dc}\no: ${dc}\n\n${ldif}`,
  );
  execFileSync(SLAPADD, ['-f', join(dir, 'slapd.conf'), '-l', join(dir, 'data.ldif')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await freePort();
  const url = `${tls ? 'ldaps' : 'ldap'}://127.0.0.1:${port}`;
  // -d 0 keeps slapd in the foreground as our child, so the test can always stop it.
  const child: ChildProcess = spawn(SLAPD, ['-f', join(dir, 'slapd.conf'), '-h', `${url}/`, '-d', '0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitForPort(port, () =>
    child.exitCode !== null ? `slapd exited with ${child.exitCode}: ${stderr}` : undefined,
  );
  return {
    url,
    port,
    suffix,
    rootDn,
    rootPassword,
    stop: async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An LDIF attribute line with a binary value. */
export function ldifBinary(attribute: string, value: Uint8Array): string {
  return `${attribute}:: ${Buffer.from(value).toString('base64')}`;
}
