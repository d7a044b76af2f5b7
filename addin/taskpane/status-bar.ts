/**
 * The read pane's status bar, drawn from the Verdict alone (the same reading of a verdict as the
 * extension's read frame): nothing the message contains can add, restyle or hide a line.
 */
import type { EncryptionLayer, SignatureLayer, SignerInfoResult, Verdict } from '../../shared/smime/verdict';
import { errorText, t } from './i18n';

export interface StatusLine {
  level: 'ok' | 'warn' | 'bad' | 'info';
  text: string;
}

const CIPHERS: Record<string, string> = {
  'aes-256-cbc': 'AES-256-CBC',
  'aes-192-cbc': 'AES-192-CBC',
  'aes-128-cbc': 'AES-128-CBC',
  'aes-256-gcm': 'AES-256-GCM',
  'aes-128-gcm': 'AES-128-GCM',
  'des-ede3-cbc': '3DES',
  'rc2-cbc': 'RC2',
  'des-cbc': 'DES',
};

function signerName(s: SignerInfoResult): string {
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(s.subject ?? '')?.[1] ?? s.subject ?? '?';
  const email = s.emails[0];
  return email ? `${cn} <${email}>` : cn;
}

export function statusLines(v: Verdict): StatusLine[] {
  const lines: StatusLine[] = [];
  const add = (level: StatusLine['level'], text: string) => lines.push({ level, text });
  const allSigned = v.layers.filter((l): l is SignatureLayer => l.kind === 'signed');
  // A signature the core set aside (e.g. a gateway's signature over ciphertext) says nothing about the author.
  const signed = allSigned.filter((l) => l.ignored === null);
  const encrypted = v.layers.filter((l): l is EncryptionLayer => l.kind === 'encrypted');
  const signers = signed.flatMap((l) => l.signers);
  // An intact signer counts only when the core says its signature covers something: one valid
  // signerInfo next to a broken one (or any refused signature) is not "Signed by" anyone.
  const good = v.coverage.kind === 'none' ? undefined : signers.find((s) => s.intact && !s.weak);

  if (signers.length === 0) add('warn', t('status.notSigned'));
  else if (good) {
    add('ok', t('status.signedBy', signerName(good)));
    if (v.trusted) add('ok', t('status.trusted', good.trust?.chain.at(-1) ?? good.issuer ?? ''));
    else {
      const why = good.trust?.issues[0];
      add('warn', t('status.notTrusted', why ? errorText(why.code, why.message) : t('status.noAnchor')));
    }
    if (v.fromMatchesSigner) add('ok', t('status.fromMatches', v.from.join(', ')));
    else add('bad', t('status.fromMismatch', v.from.join(', ') || '—', good.emails.join(', ') || '—'));
    if (v.coverage.kind === 'whole') add('ok', t('status.coverageWhole'));
    else if (v.coverage.kind === 'partial') {
      add(
        'warn',
        t('status.coveragePartial', v.coverage.signedPaths.join(', '), v.coverage.unsignedPaths.join(', ')),
      );
    }
  } else {
    const weak = signers.find((s) => s.intact && s.weak);
    if (weak) add('warn', t('status.signedWeak', signerName(weak), weak.digestAlgorithm));
    else add('bad', t('status.signatureInvalid', signerName(signers[0]!)));
  }

  if (encrypted.length === 0) add('info', t('status.notEncrypted'));
  for (const e of encrypted) {
    add(
      e.weak ? 'warn' : 'ok',
      t('status.encrypted', CIPHERS[e.contentCipher] ?? e.contentCipher, e.keyManagement),
    );
    // A layer that could not be decrypted protected nothing the user sees (e.g. a failed GCM tag).
    if (e.integrityProtected && e.contentCipher !== 'unknown') add('ok', t('status.integrity'));
    else if (!good) add('warn', t('status.noIntegrity'));
  }
  for (const l of allSigned) if (l.ignored !== null) add('info', t('status.ignored', l.ignored));
  for (const e of v.errors) add('bad', errorText(e.code, e.message));
  for (const w of v.warnings) add('warn', errorText(w.code, w.message));
  return lines;
}

/** Renders the lines into `host` as a labelled list; levels are classes and words, not colour alone. */
export function renderStatusBar(host: HTMLElement, v: Verdict): void {
  host.replaceChildren();
  host.setAttribute('role', 'status');
  host.setAttribute('aria-label', t('status.label'));
  const list = document.createElement('ul');
  list.className = 'status-lines';
  for (const line of statusLines(v)) {
    const li = document.createElement('li');
    li.className = `status-${line.level}`;
    li.dataset.level = line.level;
    li.textContent = line.text;
    list.append(li);
  }
  host.append(list);
}
