/**
 * The core Verdict as the read frame receives it (VerdictView): JSON only (dates as ISO strings, no
 * certificates or content), with the sender attributes the organisation wants shown already chosen.
 * Pure, so that what crosses to the frame can be checked against the core without an extension.
 */
import type { Verdict } from '../../shared/smime/verdict';
import type { VerdictView } from './replies';
import { senderAttributes } from './sender-attributes';

export function toVerdictView(v: Verdict, attributesToShow: readonly string[] = []): VerdictView {
  return {
    layers: v.layers.map((l) =>
      l.kind === 'encrypted'
        ? { ...l }
        : {
            kind: 'signed',
            form: l.form,
            coveredPath: l.coveredPath,
            signers: l.signers.map((s) => ({
              subject: s.subject,
              commonName: /CN=([^,]+)/.exec(s.subject ?? '')?.[1] ?? null,
              emails: s.emails,
              issuer: s.issuer,
              signingTime: s.signingTime ? s.signingTime.toISOString() : null,
              digestAlgorithm: s.digestAlgorithm,
              signatureAlgorithm: s.signatureAlgorithm,
              intact: s.intact,
              weak: s.weak,
              trust: s.trust
                ? {
                    trusted: s.trust.trusted,
                    chain: s.trust.chain,
                    issues: s.trust.issues.map((i) => ({ code: i.code, message: i.message })),
                    revocation: s.trust.revocation,
                    validNow: s.trust.validNow,
                  }
                : null,
              errors: s.errors.map((i) => ({ code: i.code, message: i.message })),
              attributes: senderAttributes(attributesToShow, s),
            })),
            // Dropping this would make an ignored signer (a transport signature over ciphertext) the
            // frame's "Signed by".
            ignored: l.ignored,
          },
    ),
    valid: v.valid,
    trusted: v.trusted,
    fromMatchesSigner: v.fromMatchesSigner,
    from: v.from,
    coverage: { ...v.coverage },
    warnings: v.warnings.map((i) => ({ code: i.code, message: i.message })),
    errors: v.errors.map((i) => ({ code: i.code, message: i.message })),
  };
}
