/**
 * Pure functions that turn the effective settings (defaults < user < managed) into what the send
 * path does: whether to sign and encrypt, the core's SignOptions/EncryptOptions, the wrapping steps,
 * how encrypted mail is split for Bcc recipients and how recipients' certificates are validated.
 * No browser APIs: unit-tested in test/unit/extension/send-options.test.ts.
 */
import { SelloError } from '../../shared/errors';
import type { SettingKey, Settings } from '../../shared/policy/settings-definition';
import type { EncryptOptions } from '../../shared/smime/encrypt';
import type { SignOptions } from '../../shared/smime/sign';
import type { TrustResult } from '../../shared/smime/verdict';

const HASH = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;

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

export function signOptionsFrom(
  settings: Pick<
    Settings,
    | 'signingForm'
    | 'signingHash'
    | 'rsaPss'
    | 'certificateInclusion'
    | 'includeSmimeCapabilities'
    | 'includeEncryptionCertificate'
  >,
  ownEncryptionCertificate?: Uint8Array,
): SignOptions {
  return {
    form: settings.signingForm,
    hash: HASH[settings.signingHash],
    pss: settings.rsaPss,
    chain: settings.certificateInclusion,
    capabilities: settings.includeSmimeCapabilities,
    ...(settings.includeEncryptionCertificate && ownEncryptionCertificate
      ? { encryptionCertificate: ownEncryptionCertificate }
      : {}),
  };
}

export function encryptOptionsFrom(
  settings: Pick<Settings, 'encryptionAlgorithm' | 'keyTransport' | 'useKeyIdentifier'>,
): EncryptOptions {
  return {
    cipher: settings.encryptionAlgorithm,
    keyTransport: settings.keyTransport,
    recipientId: settings.useKeyIdentifier ? 'ski' : 'issuer-serial',
  };
}

/** The order of operations; tripleWrap (RFC 2634) signs again around the encryption. */
export function wrapSteps(
  settings: Pick<Settings, 'tripleWrap'>,
  p: { sign: boolean; encrypt: boolean },
): ('sign' | 'encrypt')[] {
  if (p.sign && p.encrypt) return settings.tripleWrap ? ['sign', 'encrypt', 'sign'] : ['sign', 'encrypt'];
  if (p.sign) return ['sign'];
  if (p.encrypt) return ['encrypt'];
  return [];
}

/** One message to send: who gets it (SMTP envelope) and whose certificates open it. */
export interface Envelope {
  recipients: string[];
  /** Addresses whose certificates the message is encrypted to (always includes the sender). */
  encryptTo: string[];
}

/**
 * bccForking: encrypted mail names every recipient's certificate in its RecipientInfos, so one message
 * to all would reveal the Bcc recipients to To/Cc. per-bcc-recipient sends To/Cc one message and each
 * Bcc recipient their own; one-for-all-bcc sends all Bcc recipients one message between them;
 * no-forking sends one message encrypted to everybody. Unencrypted mail is never split (Bcc never
 * enters the headers). The sender is in every message's encryptTo, to read their own Sent Items.
 */
export function envelopesFor(
  settings: Pick<Settings, 'bccForking'>,
  r: { to: string[]; cc: string[]; bcc: string[] },
  from: string,
  encrypt: boolean,
): Envelope[] {
  const uniq = (xs: string[]) => [...new Set(xs.map((x) => x.toLowerCase()))];
  const visible = uniq([...r.to, ...r.cc]);
  const bcc = uniq(r.bcc).filter((b) => !visible.includes(b));
  const self = from.toLowerCase();
  const env = (recipients: string[]): Envelope => ({ recipients, encryptTo: uniq([...recipients, self]) });
  if (!encrypt || bcc.length === 0 || settings.bccForking === 'no-forking')
    return [env(uniq([...visible, ...bcc]))];
  const main = visible.length > 0 ? [env(visible)] : [];
  if (settings.bccForking === 'one-for-all-bcc') return [...main, env(bcc)];
  return [...main, ...bcc.map((b) => env([b]))];
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

/**
 * allowSoftCertificates: false means no software key may be used at all (Sello has no smart-card
 * access), including keys imported before the policy arrived: signing and decrypting are refused.
 */
export function assertSoftKeysAllowed(settings: Pick<Settings, 'allowSoftCertificates'>): void {
  if (!settings.allowSoftCertificates)
    throw new SelloError(
      'keystore.soft-certificates-disabled',
      'Your organisation does not allow software certificates.',
    );
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
