/**
 * NIST PKITS (../shared/corpora/pkits, provenance in its PROVENANCE.md): every S/MIME message's
 * signature is verified with shared/cms, then the signer's path is validated with shared/pki under
 * the settings EXPECTED.tsv names (Bouncy Castle's sub-cases), using the corpus CRLs through
 * createCrlStatusChecker. PKITS, not OpenSSL, is the reference. Cases Sello deliberately does not
 * support are listed with their reason in docs/pkits.md; pkits.supported.txt lists the cases that
 * pass today, so none of them may regress.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { verifySignedData } from '../../shared/cms/signed-data';
import { defaultEnv } from '../../shared/env';
import { decodeBody, parseMessage } from '../../shared/mime';
import {
  createChainValidator,
  createCrlStatusChecker,
  validatePath,
  type PathPolicy,
} from '../../shared/pki';
import { openMessage } from '../../shared/smime/open';

const CORPUS = join(__dirname, '../../../shared/corpora/pkits');
const SUPPORTED = join(__dirname, 'pkits.supported.txt');
// Every certificate is valid 2010-01-01..2030-12-31; PROVENANCE.md suggests this instant.
const env = defaultEnv({ now: () => new Date('2020-09-13T12:26:40Z'), fetch: undefined });

// The score on this corpus when pkits.supported.txt was made (docs/pkits.md lists the 3 unsupported cases).
const PASS_FLOOR = 245;

const POLICY_OIDS: Record<string, string> = {
  'NIST-test-policy-1': '2.16.840.1.101.3.2.1.48.1',
  'NIST-test-policy-2': '2.16.840.1.101.3.2.1.48.2',
  'NIST-test-policy-3': '2.16.840.1.101.3.2.1.48.3',
  'NIST-test-policy-6': '2.16.840.1.101.3.2.1.48.6',
};

interface Row {
  id: string;
  title: string;
  expected: 'VALID' | 'INVALID';
  settings: string;
  smime: string;
  crls: string[];
}

function rows(): Row[] {
  return readFileSync(join(CORPUS, 'EXPECTED.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('section\t'))
    .map((l) => {
      const [section, title, sub, expected, settings, , smime, , crls] = l.split('\t');
      return {
        id: `${section}/${sub}`,
        title: title!,
        expected: expected as Row['expected'],
        settings: settings!,
        smime: smime!,
        crls: crls ? crls.split(';').filter(Boolean) : [],
      };
    });
}

function settingsOf(settings: string): { policy: Partial<PathPolicy>; useDeltas: boolean } {
  const policy: Partial<PathPolicy> = {};
  let useDeltas = false;
  for (const s of settings.split(';')) {
    if (s === 'default') continue;
    else if (s === 'ExplicitPolicyRequired(true)') policy.requireExplicitPolicy = true;
    else if (s === 'InhibitAnyPolicy(true)') policy.inhibitAnyPolicy = true;
    else if (s === 'PolicyMappingInhibited(true)') policy.inhibitPolicyMapping = true;
    else if (s === 'enableDeltaCRLs(true)') useDeltas = true;
    else if (s.startsWith('PolicyByName(')) {
      policy.initialPolicySet = s
        .slice('PolicyByName('.length, -1)
        .split(',')
        .map((p) => POLICY_OIDS[p.trim()]!);
    } else throw new Error(`unknown setting ${s}`);
  }
  return { policy, useDeltas };
}

const anchor = new Uint8Array(readFileSync(join(CORPUS, 'certs/TrustAnchorRootCertificate.crt')));
const rootCrl = new Uint8Array(readFileSync(join(CORPUS, 'crls/TrustAnchorRootCRL.crl')));

function crlsInSignedData(der: Uint8Array): Uint8Array[] {
  const ci = new pkijs.ContentInfo({ schema: asn1js.fromBER(der.slice().buffer).result });
  const sd = new pkijs.SignedData({ schema: ci.content });
  return (sd.crls ?? [])
    .filter((c): c is pkijs.CertificateRevocationList => c instanceof pkijs.CertificateRevocationList)
    .map((c) => new Uint8Array(c.toSchema().toBER(false)));
}

interface Outcome {
  row: Row;
  signatureIntact: boolean;
  trusted: boolean;
  issues: string[];
}

async function runCase(row: Row): Promise<Outcome> {
  const message = parseMessage(new Uint8Array(readFileSync(join(CORPUS, 'smime', row.smime))));
  const [content, signature] = message.children;
  const cms =
    message.contentType.subtype === 'signed' && content && signature
      ? decodeBody(signature)
      : decodeBody(message);
  const signed = await verifySignedData(
    cms,
    content && signature ? { detachedContent: content.raw } : {},
    env,
  );
  const signer = signed.signers[0];
  if (!signer?.certificate)
    return { row, signatureIntact: false, trusted: false, issues: ['no signer certificate'] };
  const { policy, useDeltas } = settingsOf(row.settings);
  // The CRLs the message carries, plus those EXPECTED.tsv names from crls/.
  const crls = [
    rootCrl,
    ...crlsInSignedData(cms),
    ...row.crls.map((c) => new Uint8Array(readFileSync(join(CORPUS, 'crls', c)))),
  ];
  const result = await validatePath({
    certificate: signer.certificate,
    intermediates: signed.certificates,
    anchors: [anchor],
    usage: 'sign',
    signingTime: signer.signingTime,
    policy,
    checkRevocation: createCrlStatusChecker({
      crls,
      useDeltas,
      certificates: signed.certificates,
      anchors: [anchor],
    }),
    env,
  });
  return {
    row,
    signatureIntact: signer.intact,
    trusted: result.trusted,
    issues: result.issues.filter((i) => i.severity === 'error').map((i) => `${i.code}: ${i.message}`),
  };
}

describe('NIST PKITS path validation over S/MIME', () => {
  it('validates every PKITS case as PKITS expects, with no supported case regressing', async () => {
    expect(existsSync(CORPUS)).toBe(true);
    const outcomes: Outcome[] = [];
    for (const row of rows()) outcomes.push(await runCase(row));
    const passed = outcomes.filter((o) => o.trusted === (o.row.expected === 'VALID'));
    const failed = outcomes.filter((o) => o.trusted !== (o.row.expected === 'VALID'));
    console.log(`PKITS: ${passed.length} passed, ${failed.length} failed`);
    for (const o of failed)
      console.log(
        `  FAIL ${o.row.id} ${o.row.title} [${o.row.settings}] expected ${o.row.expected}: ${o.issues.join(' | ') || 'trusted'}`,
      );
    if (process.env.PKITS_SHOW_REASONS)
      for (const o of passed.filter((x) => x.row.expected === 'INVALID'))
        console.log(`  ok ${o.row.id} ${o.row.title}: ${o.issues[0] ?? ''}`.slice(0, 200));
    if (process.env.PKITS_WRITE_SUPPORTED)
      (await import('node:fs')).writeFileSync(SUPPORTED, `${passed.map((o) => o.row.id).join('\n')}\n`);
    // Every message's own signature is good (PROVENANCE.md): only the path varies. WebCrypto has no
    // DSA, so the three DSA messages cannot be checked (docs/pkits.md).
    expect(
      outcomes.filter((o) => !o.signatureIntact && !o.row.smime.includes('DSA')).map((o) => o.row.smime),
    ).toEqual([]);
    const supported = readFileSync(SUPPORTED, 'utf8').split('\n').filter(Boolean);
    const passedIds = new Set(passed.map((o) => o.row.id));
    expect(supported.filter((id) => !passedIds.has(id))).toEqual([]);
    expect(passed.length).toBeGreaterThanOrEqual(PASS_FLOOR);
  }, 600_000);
});

describe('PKITS through openMessage with the chain validator', () => {
  it('marks a valid PKITS message trusted and a revoked one untrusted, with the reason in the verdict', async () => {
    const open = async (file: string, crls: string[]) => {
      const message = new Uint8Array(readFileSync(join(CORPUS, 'smime', file)));
      const validateChain = createChainValidator({
        anchors: [anchor],
        checkRevocation: createCrlStatusChecker({
          crls: [rootCrl, ...crls.map((c) => new Uint8Array(readFileSync(join(CORPUS, 'crls', c))))],
        }),
        env,
      });
      return openMessage(message, { keys: [], validateChain }, env);
    };
    const good = await open('SignedValidSignaturesTest1.eml', ['GoodCACRL.crl']);
    expect([good.valid, good.trusted]).toEqual([true, true]);
    const revoked = await open('SignedInvalidRevokedEETest3.eml', ['GoodCACRL.crl']);
    expect([revoked.valid, revoked.trusted]).toEqual([true, false]);
    const signer = revoked.layers.flatMap((l) => (l.kind === 'signed' ? l.signers : []))[0]!;
    expect(signer.trust?.revocation).toBe('revoked');
  });
});
