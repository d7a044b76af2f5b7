/**
 * The read frame's status bar lines: the shared decision (shared/smime/status-lines.ts, the same one
 * the Outlook add-in uses) put into words with the extension's _locales messages.
 */
import { statusLines as decideStatusLines, type StatusId } from '../../../shared/smime/status-lines';
import type { VerdictView } from '../../background/replies';
import { errorText, t } from '../common/i18n';

export interface StatusLine {
  level: 'ok' | 'warn' | 'bad' | 'info';
  /** The message key, or the error code of a verdict error or warning. */
  key: string;
  text: string;
}

const KEYS: Record<StatusId, string> = {
  notSigned: 'statusNotSigned',
  signedBy: 'statusSignedBy',
  signerAttributes: 'statusSignerAttributes',
  trusted: 'statusTrusted',
  notTrusted: 'statusNotTrusted',
  fromMatches: 'statusFromMatches',
  fromMismatch: 'statusFromMismatch',
  signedWeak: 'statusSignedWeak',
  signatureInvalid: 'statusSignatureInvalid',
  coverageWhole: 'statusCoverageWhole',
  coveragePartial: 'statusCoveragePartial',
  signedPartNotShown: 'statusSignedPartNotShown',
  notEncrypted: 'statusNotEncrypted',
  encrypted: 'statusEncrypted',
  encryptedNotOpened: 'statusEncryptedNotOpened',
  integrityProtected: 'statusIntegrityProtected',
  notIntegrityProtected: 'statusNotIntegrityProtected',
  ignored: 'statusIgnored',
};

/** `signedPartShown`: whether any displayed section or attachment is covered by the signature. */
export function statusLines(v: VerdictView, signedPartShown = true): StatusLine[] {
  return decideStatusLines(v, { signedPartShown }).map((l) => {
    if (l.kind === 'issue') return { level: l.level, key: l.code, text: errorText(l.code, l.message) };
    const params = l.reason
      ? [l.reason === 'no-anchor' ? t('reasonNoAnchor') : errorText(l.reason.code, l.reason.message)]
      : l.params;
    return { level: l.level, key: KEYS[l.id], text: t(KEYS[l.id], params) };
  });
}
