/**
 * allowWeakCertificates, revocationMode, crlRetrievalTimeoutMs and crlConnectionTimeoutMs reach the
 * extension's chain validator (extension/background/core.ts chainValidator, used by the read and
 * send paths): OpenSSL-made certificates, CRL distribution points on 127.0.0.1.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemDecodeAll } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { defaultSettings, type Settings } from '../../../shared/policy/settings-definition';
import { chainValidator } from '../../../extension/background/core';
import {
  assertSignerSendable,
  openPolicyFrom,
  sendValidationSettings,
} from '../../../extension/background/send-options';
import { openMessage } from '../../../shared/smime/open';

const env = defaultEnv();
const dir = mkdtempSync(join(tmpdir(), 'sello-cv-'));
let ca: Uint8Array;
let hanging: Server;
let hangingUrl: string;
let closedUrl: string;
let serial = 100;

const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const der = (file: string) => pemDecodeAll(readFileSync(join(dir, file), 'utf8'))[0]!.der;

/** A user certificate from the test CA; each call makes a new one (the worker caches revocation). */
function leaf(opts: { bits?: number; crl?: string }): Uint8Array {
  const name = `u${++serial}`;
  writeFileSync(
    join(dir, `${name}.ext`),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=emailProtection',
      `subjectAltName=email:${name}@example.org`,
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid',
      ...(opts.crl ? [`crlDistributionPoints=URI:${opts.crl}`] : []),
    ].join('\n'),
  );
  ssl(
    'req',
    '-new',
    '-newkey',
    `rsa:${opts.bits ?? 2048}`,
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-subj',
    `/CN=${name}`,
    '-out',
    `${name}.csr`,
  );
  ssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-set_serial',
    String(serial),
    '-days',
    '30',
    '-sha256',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
  return der(`${name}.pem`);
}

const validate = (cert: Uint8Array, patch: Partial<Settings>) =>
  chainValidator([ca], { ...defaultSettings(), ...patch }, env, { fetchIssuers: false })({
    certificate: cert,
    intermediates: [],
    signingTime: null,
    usage: 'encrypt',
  });

beforeAll(async () => {
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '60',
    '-sha256',
    '-subj',
    '/CN=Sello Settings Test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  ca = der('ca.pem');
  hanging = createServer(() => undefined); // accepts, never answers
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  hangingUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/ca.crl`;
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/ca.crl`;
  await new Promise((r) => probe.close(r));
}, 60_000);

afterAll(() => {
  hanging?.closeAllConnections();
  hanging?.close();
});

describe('chain validator follows the settings', () => {
  it('allowWeakCertificates: an RSA-1024 certificate is refused, and accepted only with the switch', async () => {
    const weak = leaf({ bits: 1024 });
    expect((await validate(weak, { revocationMode: 'off' })).trusted).toBe(false);
    expect((await validate(weak, { revocationMode: 'off', allowWeakCertificates: true })).trusted).toBe(true);
  });

  it('revocationMode: off does not check, soft-fail warns, hard-fail refuses an unreachable CRL', async () => {
    const off = await validate(leaf({ crl: closedUrl }), { revocationMode: 'off' });
    expect(off).toMatchObject({ trusted: true, revocation: 'unchecked' });
    const soft = await validate(leaf({ crl: closedUrl }), { revocationMode: 'soft-fail' });
    expect(soft).toMatchObject({ trusted: true, revocation: 'unreachable' });
    const hard = await validate(leaf({ crl: closedUrl }), { revocationMode: 'hard-fail' });
    expect(hard.trusted).toBe(false);
  });

  it('crlRetrievalTimeoutMs bounds all fetches of one validation (here one CRL that never comes)', async () => {
    const t0 = Date.now();
    const r = await validate(leaf({ crl: hangingUrl }), {
      revocationMode: 'soft-fail',
      crlRetrievalTimeoutMs: 500,
      crlConnectionTimeoutMs: 600000,
    });
    expect(r.revocation).toBe('unreachable');
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('crlConnectionTimeoutMs bounds each single CRL fetch, whatever the total allows', async () => {
    const t0 = Date.now();
    const r = await validate(leaf({ crl: hangingUrl }), {
      revocationMode: 'soft-fail',
      crlRetrievalTimeoutMs: 600000,
      crlConnectionTimeoutMs: 1000,
    });
    expect(r.revocation).toBe('unreachable');
    expect(Date.now() - t0).toBeLessThan(6000);
  });

  it('checkRevocationOnSend: an unreachable CRL that soft-fail lets pass blocks the send', async () => {
    const settings = { ...defaultSettings(), revocationMode: 'soft-fail' as const };
    // Without the setting the send path validates with soft-fail: trusted, with a warning.
    expect((await validate(leaf({ crl: closedUrl }), sendValidationSettings(settings))).trusted).toBe(true);
    const onSend = await validate(
      leaf({ crl: closedUrl }),
      sendValidationSettings({ ...settings, checkRevocationOnSend: true }),
    );
    expect(onSend.trusted).toBe(false);
    expect(() => assertSignerSendable(onSend)).toThrow(
      expect.objectContaining({ code: 'revocation.unreachable' }),
    );
    // A certificate with no CRL or OCSP at all cannot be checked either: blocked too.
    const noSource = await validate(
      leaf({}),
      sendValidationSettings({ ...settings, checkRevocationOnSend: true }),
    );
    expect(() => assertSignerSendable(noSource)).toThrow();
  });
});

describe('opening follows allowLegacyAlgorithms', () => {
  it('a SHA-1 signature is not valid by default and counts (as weak) only with the legacy switch', async () => {
    leaf({});
    const name = `u${serial}`;
    writeFileSync(join(dir, 'msg.txt'), 'Content-Type: text/plain\r\n\r\nHello.\r\n');
    ssl(
      'cms',
      '-sign',
      '-md',
      'sha1',
      '-in',
      'msg.txt',
      '-signer',
      `${name}.pem`,
      '-inkey',
      `${name}.key`,
      '-out',
      'sha1.eml',
    );
    const mail = readFileSync(join(dir, 'sha1.eml'));
    const strict = await openMessage(mail, { keys: [], ...openPolicyFrom(defaultSettings()) }, env);
    expect(strict.valid).toBe(false);
    const legacy = await openMessage(
      mail,
      { keys: [], ...openPolicyFrom({ ...defaultSettings(), allowLegacyAlgorithms: true }) },
      env,
    );
    expect(legacy.valid).toBe(true);
  });
});
