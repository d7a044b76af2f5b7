/**
 * RFC 5280 §6.1 basic path validation of one candidate path (anchor first, end entity last):
 * signatures, validity, name chaining, name constraints, certificate policies, basicConstraints and
 * pathLenConstraint, CA keyUsage, unknown critical extensions, and the end entity's fitness for S/MIME
 * (keyUsage, extendedKeyUsage). Revocation is asked afterwards by the caller, for paths that pass.
 */
import type * as pkijs from 'pkijs';
import type { CoreEnv } from '../env';
import type { ErrorCode } from '../errors';
import {
  EXT,
  basicConstraints,
  extendedKeyUsage,
  isSelfIssued,
  keyUsage,
  rsaKeyBits,
  subjectOf,
} from './certificate';
import { verifyCertificateSignature, weakSignatureAlgorithm } from './certificate-signature';
import { createPolicyProcessor } from './certificate-policies';
import { addNameConstraints, checkNameConstraints, initialNameConstraints } from './name-constraints';
import { formatName, namesMatch } from './names';
import type { PathPolicy } from './path-policy';

export interface PathIssue {
  code: ErrorCode;
  message: string;
  severity: 'error' | 'warning';
}

/** 'crl': a CRL signer's certificate (keyUsage cRLSign, no e-mail usage). */
export type KeyPurpose = 'sign' | 'encrypt' | 'crl';

const OID_EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';
const OID_ANY_EKU = '2.5.29.37.0';

/** Extensions this validator processes; any other critical extension makes the path invalid (§4.2). */
const KNOWN_EXTENSIONS = new Set<string>([
  EXT.subjectKeyIdentifier,
  EXT.keyUsage,
  EXT.subjectAltName,
  EXT.issuerAltName,
  EXT.basicConstraints,
  EXT.nameConstraints,
  EXT.crlDistributionPoints,
  EXT.certificatePolicies,
  EXT.policyMappings,
  EXT.authorityKeyIdentifier,
  EXT.policyConstraints,
  EXT.extKeyUsage,
  EXT.freshestCrl,
  EXT.inhibitAnyPolicy,
  EXT.authorityInfoAccess,
  EXT.subjectInfoAccess,
]);

export interface PathCheckInput {
  anchor: pkijs.Certificate;
  /** Certificates after the anchor, the end entity last. */
  certs: pkijs.Certificate[];
  usage: KeyPurpose;
  /** The instant validity is decided at (signing time when given, else now). */
  at: Date;
  policy: PathPolicy;
  env: CoreEnv;
}

export function isValidAt(cert: pkijs.Certificate, at: Date): boolean {
  const t = at.getTime();
  return cert.notBefore.value.getTime() <= t && t <= cert.notAfter.value.getTime();
}

export function validityIssue(cert: pkijs.Certificate, at: Date): PathIssue | undefined {
  const name = subjectOf(cert);
  if (cert.notBefore.value.getTime() > at.getTime())
    return {
      code: 'path.not-yet-valid',
      message: `${name} is not valid before ${cert.notBefore.value.toISOString()}.`,
      severity: 'error',
    };
  if (cert.notAfter.value.getTime() < at.getTime())
    return {
      code: 'path.expired',
      message: `${name} expired on ${cert.notAfter.value.toISOString()}.`,
      severity: 'error',
    };
  return undefined;
}

export async function checkPath(input: PathCheckInput): Promise<PathIssue[]> {
  const { anchor, certs, policy, env } = input;
  const issues: PathIssue[] = [];
  const error = (code: ErrorCode, message: string): void => {
    issues.push({ code, message, severity: 'error' });
  };
  const n = certs.length;
  const names = initialNameConstraints();
  const policies = createPolicyProcessor(policy, n);
  let maxPathLength = n;
  let workingIssuer = anchor;

  // The anchor's key signs the first certificate of every path it ends, so a small one weakens all
  // of them: it is held to the same floor, and relaxed by the same switch, as any certificate's key.
  const anchorBits = rsaKeyBits(anchor);
  if (anchorBits !== undefined && anchorBits < policy.minRsaBits) {
    const what = `The trust anchor ${subjectOf(anchor)} has a ${anchorBits}-bit RSA key`;
    if (policy.allowWeakKeys)
      issues.push({
        code: 'path.weak-key-allowed',
        message: `${what}; accepted only because weak keys are allowed.`,
        severity: 'warning',
      });
    else error('path.weak-key', `${what}; at least ${policy.minRsaBits} bits are required.`);
  }

  for (let i = 0; i < n; i++) {
    const cert = certs[i]!;
    const isLast = i === n - 1;
    const name = subjectOf(cert);
    const issuerName = subjectOf(workingIssuer);

    // §6.1.3 (a)(1): the signature, with the algorithm and key-size floor.
    if (cert.signatureAlgorithm.algorithmId !== cert.signature.algorithmId)
      error('path.malformed-certificate', `${name}: the two signature algorithm fields differ.`);
    const weak = weakSignatureAlgorithm(cert.signatureAlgorithm);
    if (weak) {
      if (policy.allowWeakSignatures)
        issues.push({
          code: 'path.weak-signature-allowed',
          message: `${name} is signed with ${weak}; accepted only because weak algorithms are allowed.`,
          severity: 'warning',
        });
      else error('path.weak-signature', `${name} is signed with ${weak}, which is no longer safe.`);
    }
    const outcome = await verifyCertificateSignature(cert, workingIssuer.subjectPublicKeyInfo, env);
    if (outcome === 'invalid')
      error('path.bad-signature', `The signature on ${name} does not verify with the key of ${issuerName}.`);
    else if (outcome === 'unsupported')
      error(
        'path.unsupported-algorithm',
        `The signature on ${name} uses an algorithm Sello cannot check (${cert.signatureAlgorithm.algorithmId}).`,
      );
    const bits = rsaKeyBits(cert);
    if (bits !== undefined && bits < policy.minRsaBits) {
      if (policy.allowWeakKeys)
        issues.push({
          code: 'path.weak-key-allowed',
          message: `${name} has a ${bits}-bit RSA key; accepted only because weak keys are allowed.`,
          severity: 'warning',
        });
      else
        error(
          'path.weak-key',
          `${name} has a ${bits}-bit RSA key; at least ${policy.minRsaBits} bits are required.`,
        );
    }

    // (a)(2) validity at the decisive time.
    const validity = validityIssue(cert, input.at);
    if (validity) issues.push(validity);

    // (a)(4) name chaining.
    if (!namesMatch(cert.issuer, workingIssuer.subject))
      error('path.name-chaining', `${name} names ${formatName(cert.issuer)} as issuer, not ${issuerName}.`);

    // (b)(c) name constraints; self-issued intermediates are exempt.
    const selfIssued = isSelfIssued(cert);
    if (isLast || !selfIssued) {
      try {
        const why = checkNameConstraints(names, cert);
        if (why) error('path.name-constraints', `${name}: ${why}.`);
      } catch (e) {
        error('path.malformed-certificate', `${name}: its names cannot be read (${String(e)}).`);
      }
    }

    // (d)-(f) certificate policies.
    const policyProblem = policies.processCertificate(cert, i, selfIssued);
    if (policyProblem) error('path.policy', `${name}: ${policyProblem}`);

    for (const ext of cert.extensions ?? [])
      if (ext.critical && !KNOWN_EXTENSIONS.has(ext.extnID))
        error(
          'path.unknown-critical-extension',
          `${name} has a critical extension Sello does not know (${ext.extnID}).`,
        );

    if (!isLast) {
      // §6.1.4 preparation for the next certificate.
      const mappingProblem = policies.prepareNext(cert, selfIssued);
      if (mappingProblem) error('path.policy', `${name}: ${mappingProblem}`);
      try {
        addNameConstraints(names, cert);
      } catch {
        error('path.malformed-certificate', `${name}: its nameConstraints extension cannot be read.`);
      }
      const bc = basicConstraints(cert);
      if (cert.version < 2 || !bc?.cA)
        error('path.not-a-ca', `${name} is not a CA certificate but issued ${subjectOf(certs[i + 1]!)}.`);
      if (!selfIssued) {
        if (maxPathLength <= 0)
          error('path.path-length-exceeded', `${name} exceeds the path length a CA above it allows.`);
        maxPathLength--;
      }
      if (bc?.pathLenConstraint !== undefined && bc.pathLenConstraint < maxPathLength)
        maxPathLength = bc.pathLenConstraint;
      const ku = keyUsage(cert);
      if (ku && !ku.has('keyCertSign'))
        error('path.ca-key-usage', `${name} may not sign certificates (keyUsage lacks keyCertSign).`);
      workingIssuer = cert;
    } else {
      const finalProblem = policies.finish(cert);
      if (finalProblem) error('path.policy', `${name}: ${finalProblem}`);
      checkEndEntityUsage(cert, input.usage, policy, issues);
    }
  }
  return issues;
}

export function checkEndEntityUsage(
  cert: pkijs.Certificate,
  usage: KeyPurpose,
  policy: PathPolicy,
  issues: PathIssue[],
): void {
  const name = subjectOf(cert);
  const ku = keyUsage(cert);
  if (usage === 'crl') {
    if (ku && !ku.has('cRLSign'))
      issues.push({ code: 'path.key-usage', message: `${name} may not sign CRLs.`, severity: 'error' });
    return;
  }
  if (ku) {
    const ok =
      usage === 'sign'
        ? ku.has('digitalSignature') || ku.has('nonRepudiation')
        : ku.has('keyEncipherment') || ku.has('keyAgreement');
    if (!ok)
      issues.push({
        code: 'path.key-usage',
        message:
          usage === 'sign'
            ? `${name} may not be used for signatures (keyUsage lacks digitalSignature and nonRepudiation).`
            : `${name} may not be used for encryption (keyUsage lacks keyEncipherment and keyAgreement).`,
        severity: 'error',
      });
  }
  const eku = extendedKeyUsage(cert);
  if (
    eku &&
    policy.requireEmailProtection &&
    !eku.includes(OID_EMAIL_PROTECTION) &&
    !eku.includes(OID_ANY_EKU)
  )
    issues.push({
      code: 'path.extended-key-usage',
      message: `${name} is not meant for e-mail (extendedKeyUsage lacks emailProtection).`,
      severity: 'error',
    });
}
