/**
 * Turns a verdict into the status bar's lines. Drawn by the frame from the verdict alone: nothing the
 * message contains can add, restyle or hide a line.
 */
import type { LayerView, SignerView, VerdictView } from '../../background/replies';
import { errorText, t } from '../common/i18n';

export interface StatusLine {
  level: 'ok' | 'warn' | 'bad' | 'info';
  key: string;
  text: string;
}

const CIPHERS: Record<string, string> = {
  'aes-256-cbc': 'AES-256-CBC',
  'aes-128-cbc': 'AES-128-CBC',
  'aes-192-cbc': 'AES-192-CBC',
  'aes-256-gcm': 'AES-256-GCM',
  'aes-128-gcm': 'AES-128-GCM',
  'des-ede3-cbc': '3DES',
  'rc2-cbc': 'RC2',
  'des-cbc': 'DES',
};

function signerName(s: SignerView): string {
  const email = s.emails[0];
  const cn = s.commonName ?? s.subject ?? '?';
  return email ? `${cn} <${email}>` : cn;
}

/**
 * `signedPartShown`: whether any displayed section or attachment is covered by the signature (the
 * frame knows what it shows; the verdict alone does not). A partial signature whose signed part is not
 * shown at all (e.g. multipart/alternative, where the unsigned alternative is the one displayed) must
 * say so: "Signed by Alice" above only unsigned text would vouch for it.
 */
export function statusLines(v: VerdictView, signedPartShown = true): StatusLine[] {
  const lines: StatusLine[] = [];
  const add = (level: StatusLine['level'], key: string, ...subs: string[]) =>
    lines.push({ level, key, text: t(key, subs) });
  const signed = v.layers.filter((l): l is Extract<LayerView, { kind: 'signed' }> => l.kind === 'signed');
  const encrypted = v.layers.filter(
    (l): l is Extract<LayerView, { kind: 'encrypted' }> => l.kind === 'encrypted',
  );
  const signers = signed.flatMap((l) => l.signers);
  // An intact signer counts only when the core says its signature covers something: one valid
  // signerInfo next to a broken one (or any refused signature) is not "Signed by" anyone.
  const good = v.coverage.kind === 'none' ? undefined : signers.find((s) => s.intact && !s.weak);

  if (signers.length === 0) {
    add('warn', 'statusNotSigned');
  } else if (good) {
    add('ok', 'statusSignedBy', signerName(good));
    // senderCertificateAttributesToDisplay: the attributes the organisation asked for, from the certificate.
    if (good.attributes?.length)
      add('info', 'statusSignerAttributes', good.attributes.map((a) => `${a.name}: ${a.value}`).join('; '));
    if (v.trusted) {
      add('ok', 'statusTrusted', good.trust?.chain.at(-1) ?? good.issuer ?? '');
    } else {
      const why = good.trust?.issues[0];
      add('warn', 'statusNotTrusted', why ? errorText(why.code, why.message) : t('reasonNoAnchor'));
    }
    if (v.fromMatchesSigner) add('ok', 'statusFromMatches', v.from.join(', '));
    else add('bad', 'statusFromMismatch', v.from.join(', ') || '—', good.emails.join(', ') || '—');
  } else {
    const weak = signers.find((s) => s.intact && s.weak);
    if (weak) add('warn', 'statusSignedWeak', signerName(weak), weak.digestAlgorithm);
    else {
      const s = signers[0]!;
      add('bad', 'statusSignatureInvalid', signerName(s));
    }
  }

  if (good) {
    if (v.coverage.kind === 'whole') add('ok', 'statusCoverageWhole');
    else if (v.coverage.kind === 'partial')
      add(
        'warn',
        'statusCoveragePartial',
        v.coverage.signedPaths.join(', '),
        v.coverage.unsignedPaths.join(', '),
      );
    if (v.coverage.kind === 'partial' && !signedPartShown)
      add('bad', 'statusSignedPartNotShown', v.coverage.signedPaths.join(', '));
  }

  if (encrypted.length === 0) {
    add('info', 'statusNotEncrypted');
  } else {
    for (const e of encrypted) {
      add(
        e.weak ? 'warn' : 'ok',
        'statusEncrypted',
        CIPHERS[e.contentCipher] ?? e.contentCipher,
        e.keyManagement,
      );
      // A layer that could not be decrypted protected nothing the user sees (e.g. a failed GCM tag).
      if (e.integrityProtected && e.contentCipher !== 'unknown') add('ok', 'statusIntegrityProtected');
      else if (!good) add('warn', 'statusNotIntegrityProtected');
    }
  }
  // A broken signature already has its own line (statusSignatureInvalid).
  for (const e of v.errors.filter((x) => !(x.code === 'cms.bad-signature' && signers.length > 0)))
    lines.push({ level: 'bad', key: e.code, text: errorText(e.code, e.message) });
  // The coverage line above already says this, in the frame's own words.
  const shown = new Set(['smime.partial-signature']);
  for (const w of v.warnings.filter((x) => !shown.has(x.code)))
    lines.push({ level: 'warn', key: w.code, text: errorText(w.code, w.message) });
  return lines;
}
