/**
 * The directory gateway against a real slapd (Debian's OpenLDAP) on 127.0.0.1 holding inetOrgPerson
 * entries with userCertificate;binary (DER) and userSMIMECertificate (PKCS#7 certs-only, as AD has it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDirectoryGateway,
  createLdapCertificateSource,
  type DirectoryGateway,
} from '../../../shared/directory/gateway';
import { OpensslCa, freePort, stopProcess, type IssuedCertificate } from '../../stand-ins/openssl-ca';
import { ldifBinary, startSlapd, type Slapd } from '../../stand-ins/slapd';

const EXTENSION = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
let ca: OpensslCa;
let slapd: Slapd;
let gateway: DirectoryGateway;
let base: string;
const alice: Record<string, IssuedCertificate> = {};

beforeAll(async () => {
  ca = new OpensslCa();
  alice.signing = ca.issue({
    cn: 'Alice Example',
    email: 'alice@example.test',
    extensions: ['subjectAltName = email:alice@example.test', 'keyUsage = digitalSignature'],
  });
  alice.encryption = ca.issue({
    cn: 'Alice Example',
    email: 'alice@example.test',
    extensions: ['subjectAltName = email:alice@example.test', 'keyUsage = keyEncipherment'],
    keyType: 'rsa2048',
  });
  const bob = ca.issue({ cn: 'Bob Example', extensions: ['subjectAltName = email:bob@example.test'] });
  slapd = await startSlapd(
    [
      'dn: cn=Alice Example,dc=example,dc=test',
      'objectClass: inetOrgPerson',
      'cn: Alice Example',
      'sn: Example',
      'mail: Alice@Example.test',
      ldifBinary('userCertificate;binary', alice.signing.der),
      ldifBinary('userSMIMECertificate', ca.certsOnly([alice.encryption])),
      '',
      'dn: cn=Bob Example,dc=example,dc=test',
      'objectClass: inetOrgPerson',
      'cn: Bob Example',
      'sn: Example',
      'mail: bob@example.test',
      ldifBinary('userCertificate;binary', bob.der),
      '',
      'dn: cn=Nobody,dc=example,dc=test',
      'objectClass: inetOrgPerson',
      'cn: Nobody',
      'sn: Nobody',
      'mail: nobody@example.test',
      '',
    ].join('\n'),
  );
  const lookup = createLdapCertificateSource({ url: slapd.url, baseDn: slapd.suffix, timeoutMs: 5000 });
  gateway = createDirectoryGateway({ lookup, origins: [EXTENSION], cacheTtlMs: 60_000, timeoutMs: 5000 });
  base = `http://127.0.0.1:${await gateway.listen(0, '127.0.0.1')}`;
});

afterAll(async () => {
  await gateway?.close();
  await slapd?.stop();
  ca?.remove();
});

const get = (query: string, origin: string | undefined = EXTENSION): Promise<Response> =>
  fetch(`${base}/certificates?${query}`, { headers: origin ? { origin } : {} });

describe('directory gateway against slapd', () => {
  it('returns the DER userCertificate;binary and the certificates inside the PKCS#7 userSMIMECertificate', async () => {
    const res = await get('email=alice%40example.test');
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(EXTENSION);
    const body = (await res.json()) as {
      email: string;
      certificates: { pem: string; subject: string; notAfter: string; source: string }[];
    };
    expect(body.email).toBe('alice@example.test');
    const bySource = Object.fromEntries(body.certificates.map((c) => [c.source, c]));
    expect(Object.keys(bySource).sort()).toEqual(['userCertificate', 'userSMIMECertificate']);
    expect(bySource.userCertificate?.pem).toBe(alice.signing!.pem.replace(/\r/g, ''));
    expect(bySource.userSMIMECertificate?.pem).toBe(alice.encryption!.pem.replace(/\r/g, ''));
    expect(bySource.userSMIMECertificate?.subject).toBe('emailAddress=alice@example.test, CN=Alice Example');
    expect(new Date(bySource.userCertificate!.notAfter).getTime()).toBeGreaterThan(Date.now());
  });

  it('matches the address case-insensitively', async () => {
    const body = (await (await get('email=ALICE%40EXAMPLE.TEST')).json()) as { certificates: unknown[] };
    expect(body.certificates).toHaveLength(2);
  });

  it('answers an empty list for a person without certificates and for an unknown address', async () => {
    for (const email of ['nobody@example.test', 'stranger@example.test']) {
      const res = await get(`email=${encodeURIComponent(email)}`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { certificates: unknown[] }).certificates).toEqual([]);
    }
  });

  it('treats filter characters in the address as data, not filter syntax', async () => {
    const res = await get(`email=${encodeURIComponent('*@example.test')}`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { certificates: unknown[] }).certificates).toEqual([]);
  });

  it('refuses malformed queries with 400', async () => {
    for (const q of [
      '',
      'email=',
      'email=not-an-address',
      `email=${encodeURIComponent('a@b.test)(mail=*')}`,
      'email=a%40b.test&email=c%40d.test',
      'email=a%40b.test&x=1',
      `email=${'a'.repeat(300)}%40b.test`,
    ]) {
      expect((await get(q)).status, q).toBe(400);
    }
  });

  it('refuses other origins and does not send them CORS permission', async () => {
    const res = await get('email=alice%40example.test', 'https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the CORS preflight for the extension origin', async () => {
    const res = await fetch(`${base}/certificates?email=alice%40example.test`, {
      method: 'OPTIONS',
      headers: { origin: EXTENSION },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(EXTENSION);
  });

  it('serves repeated lookups from its cache, not the directory', async () => {
    let calls = 0;
    const ldap = createLdapCertificateSource({ url: slapd.url, baseDn: slapd.suffix, timeoutMs: 5000 });
    const counted = createDirectoryGateway({ lookup: (e) => (calls++, ldap(e)), origins: [EXTENSION] });
    const port = await counted.listen(0, '127.0.0.1');
    try {
      for (let i = 0; i < 3; i++)
        await fetch(`http://127.0.0.1:${port}/certificates?email=bob%40example.test`);
      expect(calls).toBe(1);
    } finally {
      await counted.close();
    }
  });

  it('answers 504 when the directory accepts the connection but never replies', async () => {
    const silent: Server = createServer(() => {
      // Accept and say nothing: a hung domain controller.
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const hung = createDirectoryGateway({
      lookup: createLdapCertificateSource({
        url: `ldap://127.0.0.1:${port}`,
        baseDn: 'dc=example,dc=test',
        timeoutMs: 30_000,
      }),
      origins: [EXTENSION],
      timeoutMs: 500,
    });
    const gwPort = await hung.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${gwPort}/certificates?email=alice%40example.test`);
      expect(res.status).toBe(504);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('directory.timeout');
    } finally {
      await hung.close();
      silent.close();
    }
  });

  it('answers 502 when the directory is down', async () => {
    const down = createDirectoryGateway({
      lookup: createLdapCertificateSource({
        url: `ldap://127.0.0.1:${await freePort()}`,
        baseDn: 'dc=example,dc=test',
        timeoutMs: 2000,
      }),
      origins: [EXTENSION],
    });
    const port = await down.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`http://127.0.0.1:${port}/certificates?email=alice%40example.test`)).status).toBe(
        502,
      );
    } finally {
      await down.close();
    }
  });

  it('reports refused bind credentials as directory.bind-failed', async () => {
    const lookup = createLdapCertificateSource({
      url: slapd.url,
      baseDn: slapd.suffix,
      bindDn: slapd.rootDn,
      bindPassword: 'wrong',
      timeoutMs: 5000,
    });
    await expect(lookup('bob@example.test')).rejects.toMatchObject({ code: 'directory.bind-failed' });
  });

  describe('sello directory serve', () => {
    let dir: string;
    let child: ChildProcess | undefined;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'sello-dir-cli-'));
    });
    afterAll(async () => {
      await stopProcess(child);
      rmSync(dir, { recursive: true, force: true });
    });

    it('binds with the password from a file and serves the extension origin', async () => {
      writeFileSync(join(dir, 'bind.pass'), `${slapd.rootPassword}\n`);
      const port = await freePort();
      child = spawn(
        process.execPath,
        [
          'bin/sello.js',
          'directory',
          'serve',
          '--ldap',
          slapd.url,
          '--base',
          slapd.suffix,
          '--bind',
          slapd.rootDn,
          '--bind-pass-file',
          join(dir, 'bind.pass'),
          '--port',
          String(port),
          '--origin',
          EXTENSION,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child!.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('listening on')) resolve();
        });
        child!.once('exit', (code) => reject(new Error(`sello directory serve exited with ${code}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/certificates?email=bob%40example.test`, {
        headers: { origin: EXTENSION },
      });
      expect(res.status).toBe(200);
      expect(
        ((await res.json()) as { certificates: { source: string }[] }).certificates.map((c) => c.source),
      ).toEqual(['userCertificate']);
    });
  });
});

describe('ldaps:// with the domain CA', () => {
  let tlsSlapd: Slapd;
  beforeAll(async () => {
    const server = ca.issue({
      cn: 'ldap.example.test',
      extensions: [
        'subjectAltName = IP:127.0.0.1',
        'extendedKeyUsage = serverAuth',
        'keyUsage = digitalSignature',
      ],
    });
    tlsSlapd = await startSlapd(
      [
        'dn: cn=Bob,dc=example,dc=test',
        'objectClass: inetOrgPerson',
        'cn: Bob',
        'sn: B',
        'mail: bob@example.test',
        ldifBinary('userCertificate;binary', alice.signing!.der),
        '',
      ].join('\n'),
      'dc=example,dc=test',
      { certPath: server.certPath, keyPath: server.keyPath },
    );
  });
  afterAll(async () => {
    await tlsSlapd?.stop();
  });

  it('binds and searches over TLS when given the CA', async () => {
    const lookup = createLdapCertificateSource({
      url: tlsSlapd.url,
      baseDn: tlsSlapd.suffix,
      bindDn: tlsSlapd.rootDn,
      bindPassword: tlsSlapd.rootPassword,
      timeoutMs: 5000,
      tlsCaPem: [ca.cert.pem],
    });
    expect((await lookup('bob@example.test')).map((v) => v.source)).toEqual(['userCertificate']);
  });

  it('refuses a server certificate the system store does not trust', async () => {
    const lookup = createLdapCertificateSource({
      url: tlsSlapd.url,
      baseDn: tlsSlapd.suffix,
      timeoutMs: 5000,
    });
    await expect(lookup('bob@example.test')).rejects.toMatchObject({ code: 'directory.tls-failed' });
  });
});
