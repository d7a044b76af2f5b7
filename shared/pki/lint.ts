/**
 * `sello lint`: is this certificate (or PKCS#12 identity) fit for S/MIME with Outlook and Exchange?
 * Each finding has a severity and a stable code; the worst severity decides the exit code.
 */
import type { CoreEnv } from '../env';
import type { ErrorCode } from '../errors';
import type { ChainValidator } from '../smime/verdict';
import { parseCertificate, rsaKeyBits, subjectOf } from './certificate';
import { createChainValidator } from './chain-validator';
import { defaultPathPolicy } from './path-policy';
import { certificateFacts, type CertificateFacts } from './lint-certificate-facts';

const MIN_ANCHOR_RSA_BITS = defaultPathPolicy().minRsaBits;

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintFinding {
  severity: LintSeverity;
  code: ErrorCode;
  message: string;
}

export interface LintSubject {
  certificate: Uint8Array;
  /** Certificates that came with it (PKCS#12 bag, PEM bundle), used as intermediates. */
  chain: Uint8Array[];
  /** For a PKCS#12: whether it holds the private key of `certificate`. Null for a bare certificate. */
  privateKeyMatches: boolean | null;
  /** For a PKCS#12: protected with legacy algorithms (3DES/RC2, SHA-1 MAC). */
  legacyProtection?: boolean;
}

export interface LintOptions {
  /** Trust anchors to chain to; no chain check when empty. */
  anchors?: Uint8Array[];
  /** A configured path validator; by default shared/pki's createChainValidator over `anchors`. */
  validateChain?: ChainValidator;
  /** Warn when the certificate expires within this many days. Default 30. */
  expiryWarningDays?: number;
}

export interface LintReport {
  subject: string;
  findings: LintFinding[];
  worst: LintSeverity | 'ok';
}

const EKU_EMAIL = '1.3.6.1.5.5.7.3.4';
const EKU_ANY = '2.5.29.37.0';
const DAY = 86_400_000;
const WEAK_SIGNATURES = new Set(['md5WithRSAEncryption', 'sha1WithRSAEncryption', 'ecdsa-with-SHA1']);
const GOOD_CURVES = new Set(['P-256', 'P-384', 'P-521']);

export async function lintCertificate(
  subject: LintSubject,
  options: LintOptions,
  env: CoreEnv,
): Promise<LintReport> {
  const facts = await certificateFacts(subject.certificate, env.crypto);
  const findings: LintFinding[] = [];
  const add = (severity: LintSeverity, code: ErrorCode, message: string): void =>
    void findings.push({ severity, code, message });

  if (subject.privateKeyMatches === false)
    add(
      'error',
      'cert.no-private-key',
      'the PKCS#12 file holds no private key for this certificate: it cannot sign or decrypt',
    );
  if (subject.privateKeyMatches === true)
    add('info', 'cert.private-key-present', 'the private key for this certificate is present');
  if (subject.legacyProtection)
    add(
      'info',
      'cert.legacy-pkcs12',
      'the PKCS#12 file uses legacy protection (3DES/RC2 or a SHA-1 MAC); export it again with modern algorithms when old Windows versions need not read it',
    );

  if (facts.isCA) add('error', 'cert.is-ca', 'this is a CA certificate, not a personal S/MIME certificate');
  if (facts.subjectKeyIdentifier)
    add('info', 'cert.subject-key-identifier', `subjectKeyIdentifier ${facts.subjectKeyIdentifier}`);
  else
    add(
      'error',
      'cert.no-subject-key-identifier',
      'no subjectKeyIdentifier extension: Exchange refuses to use certificates without it',
    );

  lintKey(facts, add);
  lintUsage(facts, add);
  lintEmail(facts, add);
  lintValidity(facts, env.now(), options.expiryWarningDays ?? 30, add);
  if (WEAK_SIGNATURES.has(facts.signatureAlgorithm))
    add(
      'error',
      'cert.weak-signature',
      `the certificate is signed with ${facts.signatureAlgorithm}, which mail clients reject`,
    );
  for (const oid of facts.unknownCriticalExtensions)
    add(
      'error',
      'cert.unknown-critical-extension',
      `critical extension ${oid} is not understood: relying parties must reject the certificate`,
    );

  const anchors = options.anchors ?? [];
  // Said on its own line too: path validation refuses such an anchor, and the reason belongs to the
  // admin's anchor file rather than to the certificate being linted.
  for (const der of anchors) {
    const anchor = parseCertificate(der, 'trust anchor');
    const bits = rsaKeyBits(anchor);
    if (bits !== undefined && bits < MIN_ANCHOR_RSA_BITS)
      add(
        'warning',
        'cert.weak-anchor',
        `the trust anchor ${subjectOf(anchor)} has a ${bits}-bit RSA key (at least ${MIN_ANCHOR_RSA_BITS} expected)`,
      );
  }
  const validate =
    options.validateChain ?? (anchors.length > 0 ? createChainValidator({ anchors, env }) : undefined);
  if (validate) {
    // Validate for what the certificate is for: signing when it may sign, else encryption.
    const signs =
      facts.keyUsage === null ||
      facts.keyUsage.includes('digitalSignature') ||
      facts.keyUsage.includes('nonRepudiation');
    const trust = await validate({
      certificate: subject.certificate,
      intermediates: subject.chain,
      signingTime: null,
      usage: signs ? 'sign' : 'encrypt',
    });
    if (trust.trusted) add('info', 'cert.chain-ok', `chains to a trust anchor: ${trust.chain.join(' <- ')}`);
    else {
      const why = trust.issues.map((i) => `${i.message} [${i.code}]`).join('; ') || 'no path found';
      add('error', 'cert.untrusted', `does not chain to the given anchors: ${why}`);
    }
  } else {
    add('info', 'cert.chain-not-checked', 'no trust anchors given (--trust): the chain was not checked');
  }

  const order: LintSeverity[] = ['error', 'warning'];
  const worst = order.find((s) => findings.some((f) => f.severity === s)) ?? 'ok';
  return { subject: facts.subject, findings, worst };
}

/** 0 nothing worse than info, 1 warnings, 3 errors (2 stays "usage", 10+ unreadable input). */
export function lintExitCode(worst: LintReport['worst']): 0 | 1 | 3 {
  return worst === 'error' ? 3 : worst === 'warning' ? 1 : 0;
}

type Add = (severity: LintSeverity, code: ErrorCode, message: string) => void;

function lintKey(facts: CertificateFacts, add: Add): void {
  const { keyAlgorithm: alg, keyBits: bits, curve } = facts;
  if (alg === 'RSA' || alg === 'RSA-PSS') {
    if (bits === null) add('error', 'cert.unreadable-key', 'the RSA public key cannot be read');
    else if (bits < 2048) add('error', 'cert.weak-key', `RSA ${bits} bits is too short: use at least 2048`);
    else add('info', 'cert.key', `${alg} ${bits} bits`);
    if (alg === 'RSA-PSS')
      add('warning', 'cert.key-rsa-pss', 'an RSA-PSS-only key cannot be used for key transport (encryption)');
  } else if (alg === 'EC') {
    if (curve && GOOD_CURVES.has(curve)) add('info', 'cert.key', `EC ${curve}`);
    else
      add(
        'warning',
        'cert.key-curve',
        `EC curve ${curve ?? 'unknown'} is not supported by Outlook and most mail clients`,
      );
  } else if (alg === 'Ed25519' || alg === 'Ed448') {
    add('warning', 'cert.key-eddsa', `${alg} keys are not supported by Outlook S/MIME`);
  } else {
    add('error', 'cert.key-unsupported', `key algorithm ${alg} is not usable for S/MIME`);
  }
}

function lintUsage(facts: CertificateFacts, add: Add): void {
  if (facts.extKeyUsage === null)
    add(
      'info',
      'cert.no-extended-key-usage',
      'no extendedKeyUsage: any purpose is allowed (emailProtection is recommended)',
    );
  else if (!facts.extKeyUsage.includes(EKU_EMAIL) && !facts.extKeyUsage.includes(EKU_ANY)) {
    add(
      'error',
      'cert.no-email-protection',
      'extendedKeyUsage does not include emailProtection: mail clients will reject it',
    );
  }
  const ku = facts.keyUsage;
  if (ku === null) {
    add(
      'warning',
      'cert.no-key-usage',
      'no keyUsage extension: allowed, but S/MIME certificates should state digitalSignature and keyEncipherment/keyAgreement',
    );
    return;
  }
  const signs = ku.includes('digitalSignature') || ku.includes('nonRepudiation');
  const encryptBit = facts.keyAlgorithm === 'EC' ? 'keyAgreement' : 'keyEncipherment';
  const encrypts = ku.includes(encryptBit);
  if (!signs && !encrypts)
    add(
      'error',
      'cert.key-usage-unsuitable',
      `keyUsage (${ku.join(', ') || 'empty'}) allows neither signing nor ${encryptBit}`,
    );
  else if (!encrypts)
    add(
      'info',
      'cert.sign-only',
      `keyUsage allows signing only: others cannot encrypt to it (needs ${encryptBit})`,
    );
  else if (!signs) add('info', 'cert.encrypt-only', 'keyUsage allows encryption only: it cannot sign');
  else add('info', 'cert.key-usage', `keyUsage ${ku.join(', ')}`);
  if (ku.includes('keyCertSign') || ku.includes('cRLSign'))
    add(
      'warning',
      'cert.key-usage-ca-bits',
      'keyUsage has CA bits (keyCertSign/cRLSign) on a personal certificate',
    );
}

function lintEmail(facts: CertificateFacts, add: Add): void {
  if (facts.sanEmails.length > 0) add('info', 'cert.email', `email ${facts.sanEmails.join(', ')}`);
  else if (facts.subjectEmails.length > 0) {
    add(
      'warning',
      'cert.email-only-in-subject',
      `the address (${facts.subjectEmails.join(', ')}) is only in the subject DN; RFC 8550 wants it in subjectAltName`,
    );
  } else
    add(
      'error',
      'cert.no-email',
      'no email address in subjectAltName: mail clients cannot match it to a sender',
    );
}

function lintValidity(facts: CertificateFacts, now: Date, warnDays: number, add: Add): void {
  const t = now.getTime();
  const until = facts.notAfter.toISOString().slice(0, 10);
  if (t < facts.notBefore.getTime())
    add('error', 'cert.not-yet-valid', `not valid before ${facts.notBefore.toISOString()}`);
  else if (t > facts.notAfter.getTime()) add('error', 'cert.expired', `expired on ${until}`);
  else if (facts.notAfter.getTime() - t < warnDays * DAY)
    add(
      'warning',
      'cert.expires-soon',
      `expires on ${until}, in ${Math.ceil((facts.notAfter.getTime() - t) / DAY)} days`,
    );
  else add('info', 'cert.validity', `valid until ${until}`);
}
