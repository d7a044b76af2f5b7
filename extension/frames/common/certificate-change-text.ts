/**
 * A correspondent's certificate change in words, the same in the read frame, the compose frame and
 * the options page: who, what changed (another key, or the same key from another issuer) and the
 * short fingerprints a user can compare with what the correspondent reads out to them.
 */
import type { CertificateChangeView } from '../../background/replies';
import { t } from './i18n';

/** The first 64 bits of the SHA-256 fingerprint, in groups of four: "1A2B 3C4D 5E6F 7A8B". */
export function shortFingerprint(hex: string): string {
  return (
    hex
      .slice(0, 16)
      .toUpperCase()
      .match(/.{1,4}/g)
      ?.join(' ') ?? ''
  );
}

export function correspondentName(c: CertificateChangeView): string {
  return c.current.commonName ?? c.previous.commonName ?? c.email;
}

/** "new key from CA — was 1A2B …, now 3C4D …", for the recipient list and the options page. */
export function changeDetail(c: CertificateChangeView): string {
  const was = shortFingerprint(c.previous.fingerprint);
  const now = shortFingerprint(c.current.fingerprint);
  return c.kind === 'new-key'
    ? t('certificateChangeNewKey', [c.current.issuerName, was, now])
    : t('certificateChangeNewIssuer', [c.current.issuerName, c.previous.issuerName, was, now]);
}

/** The read frame's status line: "Alice's certificate changed: new key from CA …". */
export function changeStatusText(c: CertificateChangeView): string {
  return t(c.kind === 'new-key' ? 'statusCertificateChangedNewKey' : 'statusCertificateChangedNewIssuer', [
    correspondentName(c),
    c.current.issuerName,
    c.previous.issuerName,
    shortFingerprint(c.current.fingerprint),
    shortFingerprint(c.previous.fingerprint),
  ]);
}
