/** The human-readable verdict `sello verify` and `sello demo` print (the JSON form is verdictToJSON). */
import { verdictToJSON, type Verdict } from '../smime/verdict';

// null: the message gives no signing time, so only "now" can be judged.
const validity = (v: boolean | null): string => (v === null ? 'unknown (no signing time)' : v ? 'yes' : 'NO');

export function formatVerdict(v: Verdict): string {
  const j = verdictToJSON(v);
  const lines: string[] = [];
  for (const l of v.layers) {
    if (l.kind === 'encrypted') {
      lines.push(
        `encrypted: ${l.structure} ${l.contentCipher}, key ${l.keyManagement}, ${l.recipientCount} recipient(s)` +
          (l.integrityProtected ? '' : ', not integrity-protected') +
          (l.weak ? ', WEAK cipher' : ''),
      );
    } else {
      lines.push(`signed (${l.form}${l.coveredPath ? `, part ${l.coveredPath} only` : ''}):`);
      for (const s of l.signers) {
        lines.push(
          `  signer: ${s.subject ?? 'unknown'}${s.emails.length ? ` <${s.emails.join(', ')}>` : ''}` +
            `\n    signature: ${s.intact ? 'intact' : 'NOT intact'}, ${s.digestAlgorithm} / ${s.signatureAlgorithm}` +
            (s.weak ? ' (weak)' : '') +
            (s.signingTime ? `\n    signed at: ${s.signingTime.toISOString()}` : '') +
            (s.trust
              ? `\n    chain: ${s.trust.trusted ? 'trusted' : 'NOT trusted'} (${s.trust.chain.join(' <- ')})` +
                `\n    valid at signing time: ${validity(s.trust.validAtSigningTime)}; valid now: ${validity(s.trust.validNow)}` +
                `\n    revocation: ${s.trust.revocation}`
              : ''),
        );
      }
    }
  }
  if (v.layers.length === 0) lines.push('not signed, not encrypted');
  lines.push(`valid: ${j.valid}`);
  lines.push(`trusted: ${j.trusted}`);
  lines.push(`from: ${j.from.join(', ') || '(none)'}; matches signer: ${j.fromMatchesSigner}`);
  lines.push(
    `coverage: ${j.coverage.kind}` +
      (j.coverage.kind === 'partial'
        ? ` (signed: ${j.coverage.signedPaths.join(', ')}; unsigned: ${j.coverage.unsignedPaths.join(', ')})`
        : ''),
  );
  for (const w of j.warnings) lines.push(`warning: ${w.message} [${w.code}]`);
  for (const e of j.errors) lines.push(`error: ${e.message} [${e.code}]`);
  return `${lines.join('\n')}\n`;
}
