/**
 * Pure functions that turn the effective settings (defaults < user < managed) into what the send
 * path does: whether to sign and encrypt, the core's SignOptions/EncryptOptions, the wrapping steps,
 * how encrypted mail is split for Bcc recipients and how recipients' certificates are validated.
 * No browser APIs: unit-tested in test/unit/extension/send-options.test.ts.
 */
import { SelloError } from '../../shared/errors';
import type { SettingKey, Settings } from '../../shared/policy/settings-definition';
import type { TrustResult } from '../../shared/smime/verdict';

// The settings -> sign/encrypt options mapping is shared with the Outlook add-in.
export {
  assertSoftKeysAllowed,
  encryptOptionsFrom,
  envelopesFor,
  signOptionsFrom,
  wrapSteps,
  type Envelope,
} from '../../shared/smime/send-options';

/**
 * What this message gets. A managed alwaysSign/alwaysEncrypt is the organisation's rule: it turns
 * protection on whatever the draft says (the frame shows the toggle locked, and a crafted message
 * cannot get round it). A user-level one is only the toggle's starting state: the frame starts it
 * checked and the user may uncheck it for this message, so the draft's choice stands.
 */
export function protectionFor(
  effective: { values: Pick<Settings, 'alwaysSign' | 'alwaysEncrypt'>; locked: ReadonlySet<SettingKey> },
  draft: { sign: boolean; encrypt: boolean },
): { sign: boolean; encrypt: boolean } {
  const enforced = (k: 'alwaysSign' | 'alwaysEncrypt') => effective.locked.has(k) && effective.values[k];
  return { sign: draft.sign || enforced('alwaysSign'), encrypt: draft.encrypt || enforced('alwaysEncrypt') };
}

/** Defaults of a new reply or forward: noSignOnReply turns signing off unless alwaysSign holds. */
export function replyDefaults(settings: Pick<Settings, 'alwaysSign' | 'alwaysEncrypt' | 'noSignOnReply'>): {
  sign: boolean;
  encrypt: boolean;
} {
  return { sign: settings.alwaysSign || !settings.noSignOnReply, encrypt: true };
}

/**
 * Revocation policy for recipients' and the signer's certificates while sending. checkRevocationOnSend
 * blocks the send when a status cannot be checked, i.e. hard-fail, whatever revocationMode says.
 */
export function sendValidationSettings<S extends Pick<Settings, 'revocationMode' | 'checkRevocationOnSend'>>(
  settings: S,
): S {
  return settings.checkRevocationOnSend ? { ...settings, revocationMode: 'hard-fail' } : settings;
}

/** What opening a message may accept: allowLegacyAlgorithms counts SHA-1/MD5 signatures (still weak). */
export function openPolicyFrom(settings: Pick<Settings, 'allowLegacyAlgorithms'>): { allowWeak: boolean } {
  return { allowWeak: settings.allowLegacyAlgorithms };
}

/**
 * checkRevocationOnSend for the signer's own certificate: validated with hard-fail before signing;
 * a certificate whose revocation status cannot be established (or that is revoked) blocks the send.
 */
export function assertSignerSendable(result: TrustResult): void {
  if (result.trusted && (result.revocation === 'good' || result.revocation === 'unchecked')) return;
  const why = result.issues.find((i) => i.code.startsWith('revocation.')) ?? result.issues[0];
  throw new SelloError(
    why?.code ?? 'revocation.unknown',
    `Your organisation requires a revocation check before sending: ${why?.message ?? 'your certificate could not be checked'}.`,
  );
}

/**
 * allowUserChoiceOfSigningCertificate: the user's default signing certificate when allowed, otherwise
 * the newest valid one (`views` come newest first, already filtered to valid signing certificates).
 */
export function chooseSigningIdentity<V extends { isDefaultSigning: boolean }>(
  settings: Pick<Settings, 'allowUserChoiceOfSigningCertificate'>,
  views: V[],
): V | undefined {
  return settings.allowUserChoiceOfSigningCertificate
    ? (views.find((v) => v.isDefaultSigning) ?? views[0])
    : views[0];
}
