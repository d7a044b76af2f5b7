/**
 * The read pane's status bar: the shared decision (shared/smime/status-lines.ts, the same one the
 * extension's read frame uses) put into words with the add-in's own strings. Drawn from the Verdict
 * alone: nothing the message contains can add, restyle or hide a line.
 */
import { statusLines as decideStatusLines, type StatusId } from '../../shared/smime/status-lines';
import type { Verdict } from '../../shared/smime/verdict';
import { errorText, t, type MessageKey } from './i18n';

export interface StatusLine {
  level: 'ok' | 'warn' | 'bad' | 'info';
  text: string;
}

const KEYS: Record<StatusId, MessageKey> = {
  notSigned: 'status.notSigned',
  signedBy: 'status.signedBy',
  signerAttributes: 'status.signerAttributes',
  trusted: 'status.trusted',
  notTrusted: 'status.notTrusted',
  fromMatches: 'status.fromMatches',
  fromMismatch: 'status.fromMismatch',
  signedWeak: 'status.signedWeak',
  signatureInvalid: 'status.signatureInvalid',
  coverageWhole: 'status.coverageWhole',
  coveragePartial: 'status.coveragePartial',
  signedPartNotShown: 'status.signedPartNotShown',
  notEncrypted: 'status.notEncrypted',
  encrypted: 'status.encrypted',
  encryptedNotOpened: 'status.encryptedNotOpened',
  integrityProtected: 'status.integrity',
  notIntegrityProtected: 'status.noIntegrity',
  ignored: 'status.ignored',
};

export interface StatusBarOptions {
  /** senderCertificateAttributesToDisplay from the settings. */
  attributesToDisplay?: readonly string[];
  /** Whether anything the pane shows is covered by the signature. */
  signedPartShown?: boolean;
}

export function statusLines(v: Verdict, o: StatusBarOptions = {}): StatusLine[] {
  return decideStatusLines(v, o).map((l) => {
    if (l.kind === 'issue') return { level: l.level, text: errorText(l.code, l.message) };
    const params = l.reason
      ? [l.reason === 'no-anchor' ? t('status.noAnchor') : errorText(l.reason.code, l.reason.message)]
      : l.params;
    return { level: l.level, text: t(KEYS[l.id], ...params) };
  });
}

/** Renders the lines into `host` as a labelled list; levels are classes and words, not colour alone. */
export function renderStatusBar(host: HTMLElement, v: Verdict, o: StatusBarOptions = {}): void {
  host.replaceChildren();
  host.setAttribute('role', 'status');
  host.setAttribute('aria-label', t('status.label'));
  const list = document.createElement('ul');
  list.className = 'status-lines';
  for (const line of statusLines(v, o)) {
    const li = document.createElement('li');
    li.className = `status-${line.level}`;
    li.dataset.level = line.level;
    li.textContent = line.text;
    list.append(li);
  }
  host.append(list);
}
