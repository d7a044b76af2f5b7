/**
 * What each request answers: JSON-only views (no key material, dates as ISO strings). Frames import
 * these types; the router's handler table is typed against them.
 */
import type { RecipientStatus } from '../../shared/directory/address-book';
import type { CertificateSummary } from './certificate-summary';
import type { Draft, RequestType } from './messages';
import type { KeystoreStatus } from './keystore';
import type { OwaReplyMap } from './graph/owa-messages';
import type { NotTakenOver } from './graph/owa-attachments';

export interface IdentityView extends CertificateSummary {
  id: string;
  friendlyName: string | null;
  chainLength: number;
  protection: 'device' | 'passphrase';
  isDefaultSigning: boolean;
  /** Own addresses for which this certificate is the chosen encryption certificate. */
  encryptionFor: string[];
}

export interface CertificateView extends CertificateSummary {
  source: 'imported' | 'harvested' | 'directory' | 'organisation';
}

export interface SettingsView {
  values: Record<string, unknown>;
  locked: string[];
  managedIssues: { field: string; reason: string }[];
}

/**
 * shared/directory's RecipientStatus, and 'certificate-changed': the correspondent moved to another
 * key or issuer and the user has not yet said which certificate to use (encryption to them is blocked).
 */
export type RecipientState = RecipientStatus | 'certificate-changed';
export interface RecipientStatusView {
  address: string;
  state: RecipientState;
  /** The address book's reason, in English (the frame shows the localised state). */
  reason: string;
  /** The certificate chosen, or for a blocked recipient the one passed over (null: none is known). */
  certificate: CertificateSummary | null;
  /** With 'certificate-changed': the change waiting for the user's answer. */
  change?: CertificateChangeView;
}

export interface CertificateBriefView {
  /** Hex SHA-256 of the certificate. */
  fingerprint: string;
  subject: string;
  commonName: string | null;
  issuer: string;
  /** The issuer's CN (the whole issuer name when it has none). */
  issuerName: string;
  notAfter: string;
}

/** An unconfirmed move of a correspondent to another key or issuer (background/certificate-changes). */
export interface CertificateChangeView {
  email: string;
  kind: 'new-key' | 'new-issuer';
  previous: CertificateBriefView;
  current: CertificateBriefView;
  detectedAt: string;
  origin: 'harvested' | 'imported' | 'directory';
  /** The previous certificate is still within its validity period, so it may be kept instead. */
  canKeepPrevious: boolean;
}

export interface SignerView {
  subject: string | null;
  commonName: string | null;
  emails: string[];
  issuer: string | null;
  signingTime: string | null;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  intact: boolean;
  weak: boolean;
  trust: {
    trusted: boolean;
    chain: string[];
    issues: { code: string; message: string }[];
    revocation: string;
    validNow: boolean;
  } | null;
  errors: { code: string; message: string }[];
  /** senderCertificateAttributesToDisplay: the attributes the organisation wants shown. */
  attributes?: { name: string; value: string }[];
}

export type LayerView =
  | {
      kind: 'encrypted';
      structure: string;
      contentCipher: string;
      keyManagement: string;
      integrityProtected: boolean;
      weak: boolean;
      recipientCount: number;
    }
  | {
      kind: 'signed';
      form: string;
      coveredPath: string;
      signers: SignerView[];
      /**
       * Why the core set this signature aside (e.g. a gateway's signature over the ciphertext), or
       * null when it counts. The status bar lists it and does not take its signer for the author's.
       */
      ignored: string | null;
    };

export interface VerdictView {
  layers: LayerView[];
  valid: boolean;
  trusted: boolean;
  fromMatchesSigner: boolean;
  from: string[];
  coverage: { kind: 'whole' | 'partial' | 'none'; signedPaths: string[]; unsignedPaths: string[] };
  warnings: { code: string; message: string }[];
  errors: { code: string; message: string }[];
}

export interface DisplaySection {
  path: string;
  kind: 'html' | 'text';
  content: string;
  /** Covered by an intact signature (the read frame labels the others itself). */
  signed: boolean;
}

export interface DisplayAttachment {
  name: string;
  type: string;
  size: number;
  data: string;
  signed: boolean;
}

export interface DisplayMessage {
  subject: string;
  from: string;
  to: string;
  cc: string;
  date: string;
  sections: DisplaySection[];
  attachments: DisplayAttachment[];
  /** Content-ID (without <>) -> data: URL for inline images. */
  inline: Record<string, string>;
}

export interface OpenResult {
  verdict: VerdictView;
  display: DisplayMessage | null;
  /** Unconfirmed certificate changes of the verified signers' addresses (the status bar says so). */
  certificateChanges: CertificateChangeView[];
}

export interface ReplyMap extends OwaReplyMap {
  'keystore.status': KeystoreStatus & { requirePassphrase: boolean };
  'keystore.unlock': KeystoreStatus;
  'keystore.lock': KeystoreStatus;
  'keystore.set-passphrase': KeystoreStatus;
  'identities.list': IdentityView[];
  'identities.import-pkcs12': {
    imported: IdentityView[];
    legacyProtection: boolean;
    extraCertificates: number;
  };
  'identities.export-pkcs12': { file: string; fileName: string };
  'identities.remove': IdentityView[];
  'identities.set-default-signing': IdentityView[];
  'identities.set-encryption-for': IdentityView[];
  'recipients.list': CertificateView[];
  'recipients.import': { imported: CertificateView[] };
  'recipients.remove': CertificateView[];
  'recipients.changes': CertificateChangeView[];
  'recipients.resolve-change': CertificateChangeView[];
  'trust.list': CertificateView[];
  'trust.import': { imported: CertificateView[]; refused: { subject: string; reason: string }[] };
  'trust.remove': CertificateView[];
  'settings.get': SettingsView;
  'settings.set': SettingsView;
  'transport.get': { url: string };
  'transport.set': { url: string };
  'compose.recipient-status': RecipientStatusView[];
  'compose.stage-attachment': null;
  'compose.send': { bytes: number; signed: boolean; encrypted: boolean };
  'drafts.save': { savedAt: string };
  /** notTakenOver: an OWA server draft's attachments that are not in the Sello draft, and why. */
  'drafts.load': { draft: Draft; savedAt: string; notTakenOver: NotTakenOver[] } | null;
  'drafts.delete': null;
  'read.stage': { token: string };
  'read.open': OpenResult;
}

export type ReplyOf<T extends RequestType> = ReplyMap[T];
