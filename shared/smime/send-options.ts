/**
 * Pure functions that turn the effective settings into what a send does: the core's SignOptions and
 * EncryptOptions (with the content cipher the recipients get), the wrapping steps, how encrypted mail
 * is split for Bcc recipients, and whether software keys may be used at all. Shared by the extension's
 * send path (extension/background) and the Outlook add-in (addin/taskpane), so both honour an
 * organisation's policy the same way.
 * Unit-tested in test/unit/extension/send-options.test.ts (through the extension's re-export).
 */
import { OID } from '../cms/algorithms';
import { SelloError } from '../errors';
import type { Settings } from '../policy/settings-definition';
import type { EncryptOptions } from './encrypt';
import type { SignOptions } from './sign';

const HASH = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;

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

type ContentCipher = Settings['encryptionAlgorithm'];

const CIPHER_OID: Record<ContentCipher, string> = {
  'aes-256-gcm': OID.aes256Gcm,
  'aes-256-cbc': OID.aes256Cbc,
  'aes-128-gcm': OID.aes128Gcm,
  'aes-128-cbc': OID.aes128Cbc,
};
const STRONGEST_FIRST: readonly ContentCipher[] = [
  'aes-256-gcm',
  'aes-256-cbc',
  'aes-128-gcm',
  'aes-128-cbc',
];

/**
 * encryptionAlgorithmNegotiation (AllowSMIMEEncryptionAlgorithmNegotiation): 'block' always uses
 * encryptionAlgorithm. 'strong-only' uses the first of encryptionAlgorithm, then the AES ciphers
 * strongest first, that every recipient whose SMIMECapabilities are known advertises (RFC 8551
 * §2.7.1.1); a recipient whose capabilities are unknown (`undefined`) does not constrain. The practical
 * case: Outlook does not advertise GCM, so a GCM default becomes CBC for Outlook correspondents rather
 * than a cipher their client did not say it reads. When no AES cipher is common (e.g. only 3DES advertised) the message is
 * still written with AES-CBC, which every S/MIME 4.0 receiver must read (RFC 8551 §2.7): Sello never
 * writes a weak cipher, whatever a correspondent claims.
 */
export function contentCipherFor(
  settings: Pick<Settings, 'encryptionAlgorithm' | 'encryptionAlgorithmNegotiation'>,
  recipientCapabilities: readonly (readonly string[] | undefined)[],
): ContentCipher {
  const configured = settings.encryptionAlgorithm;
  if (settings.encryptionAlgorithmNegotiation === 'block') return configured;
  const known = recipientCapabilities.filter((c): c is readonly string[] => c !== undefined);
  const candidates = [configured, ...STRONGEST_FIRST.filter((c) => c !== configured)];
  const common = candidates.find((c) => known.every((caps) => caps.includes(CIPHER_OID[c])));
  if (common) return common;
  return configured.endsWith('-cbc') ? configured : 'aes-256-cbc';
}

/**
 * The core's EncryptOptions for one message. `recipientCapabilities` holds the SMIMECapabilities of
 * each certificate's owner (undefined when unknown) for contentCipherFor; the add-in, which harvests
 * nothing, passes none and so always gets encryptionAlgorithm.
 */
export function encryptOptionsFrom(
  settings: Pick<
    Settings,
    'encryptionAlgorithm' | 'encryptionAlgorithmNegotiation' | 'keyTransport' | 'useKeyIdentifier'
  >,
  recipientCapabilities: readonly (readonly string[] | undefined)[] = [],
): EncryptOptions {
  return {
    cipher: contentCipherFor(settings, recipientCapabilities),
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
