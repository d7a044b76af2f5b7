/**
 * The one definition of every Sello setting. The extension's managed_schema.json, the defaults, the
 * validation of admin/user settings and the admin guide's mapping table are all generated from it, so
 * they cannot drift apart.
 */

export type SettingGroup = 'signing' | 'encryption' | 'revocation' | 'trust' | 'deployment' | 'keys';

interface BaseDef {
  group: SettingGroup;
  /** English text for the schema and docs; the UI uses the localised `setting_<key>` message. */
  description: string;
  /** Set-SmimeConfig / mobile device mailbox policy parameters this setting stands for. */
  microsoft?: readonly string[];
}

export interface BooleanDef extends BaseDef {
  type: 'boolean';
  default: boolean;
}
export interface IntegerDef extends BaseDef {
  type: 'integer';
  default: number;
  minimum: number;
  maximum: number;
}
export interface EnumDef extends BaseDef {
  type: 'enum';
  default: string;
  values: readonly string[];
}
export interface StringDef extends BaseDef {
  type: 'string';
  default: string;
  /** A regular expression the whole value must match (empty string always allowed: "not set"). */
  pattern?: string;
}
export interface StringListDef extends BaseDef {
  type: 'string-list';
  default: readonly string[];
  maxItems: number;
  itemPattern?: string;
}

export type SettingDef = BooleanDef | IntegerDef | EnumDef | StringDef | StringListDef;

// The patterns go into managed_schema.json too, where Chrome checks them with RE2 and drops a policy
// value that does not match, so they use only syntax RE2 and JavaScript share (no lookaround or
// backreferences).
const GUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';
/** A DNS name or IPv4 address: dot-separated labels of letters, digits and inner hyphens. */
const DNS_NAME =
  '[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*';
const HOST = `^${DNS_NAME}(:[0-9]{1,5})?$`;
/** A tenant GUID, a verified domain, or common / organizations / consumers (all DNS-name shaped). */
const TENANT = `^(${GUID}|${DNS_NAME})$`;
const HTTP_URL = `^https?://(${DNS_NAME}|\\[[0-9A-Fa-f:.]+\\])(:[0-9]{1,5})?([/?#][^\\s]*)?$`;

export const SETTINGS = {
  alwaysSign: {
    type: 'boolean',
    default: false,
    group: 'signing',
    description: 'Sign every message; the user cannot turn signing off.',
    microsoft: ['OWAAlwaysSign', 'RequireSignedSMIMEMessages'],
  },
  signingForm: {
    type: 'enum',
    default: 'detached',
    values: ['detached', 'opaque'],
    group: 'signing',
    description: 'Clear-signed multipart/signed (readable without S/MIME) or opaque signed-data.',
    microsoft: ['OWAClearSign'],
  },
  signingHash: {
    type: 'enum',
    default: 'sha256',
    values: ['sha256', 'sha384', 'sha512'],
    group: 'signing',
    description: 'Digest for Sello signatures. SHA-1 and MD5 are never used for signing.',
    microsoft: ['OWASigningAlgorithms', 'RequireSignedSMIMEAlgorithm'],
  },
  rsaPss: {
    type: 'boolean',
    default: false,
    group: 'signing',
    description: 'Sign with RSASSA-PSS instead of PKCS#1 v1.5 (some older clients cannot verify PSS).',
  },
  certificateInclusion: {
    type: 'enum',
    default: 'no-root',
    values: ['none', 'no-root', 'full'],
    group: 'signing',
    description:
      'Certificates in signed mail: signer only, the chain without the root, or the chain with root.',
    microsoft: [
      'OWAIncludeCertificateChainWithoutRootCertificate',
      'OWAIncludeCertificateChainAndRootCertificate',
    ],
  },
  includeSmimeCapabilities: {
    type: 'boolean',
    default: true,
    group: 'signing',
    description: 'Announce the ciphers Sello can read (SMIMECapabilities) in signed mail.',
    microsoft: ['OWAIncludeSMIMECapabilitiesInMessage'],
  },
  includeEncryptionCertificate: {
    type: 'boolean',
    default: true,
    group: 'signing',
    description:
      'Include the sender encryption certificate (and SMIMEEncryptionKeyPreference) in signed mail.',
    microsoft: ['OWASignedEmailCertificateInclusion'],
  },
  allowUserChoiceOfSigningCertificate: {
    type: 'boolean',
    default: true,
    group: 'signing',
    description: 'Let users pick which of their certificates signs; otherwise the newest valid one is used.',
    microsoft: ['OWAAllowUserChoiceOfSigningCertificate'],
  },
  noSignOnReply: {
    type: 'boolean',
    default: false,
    group: 'signing',
    description: 'Do not sign replies and forwards by default.',
    microsoft: ['OWANoSignOnReply'],
  },
  senderCertificateAttributesToDisplay: {
    type: 'string-list',
    default: [],
    maxItems: 16,
    group: 'signing',
    description:
      'Certificate attributes shown next to the sender in the read status bar (e.g. "email", "O").',
    microsoft: ['OWASenderCertificateAttributesToDisplay'],
  },
  alwaysEncrypt: {
    type: 'boolean',
    default: false,
    group: 'encryption',
    description: 'Encrypt every message; sending is blocked when a recipient has no usable certificate.',
    microsoft: ['OWAAlwaysEncrypt', 'RequireEncryptedSMIMEMessages'],
  },
  encryptionAlgorithm: {
    type: 'enum',
    default: 'aes-256-cbc',
    values: ['aes-256-cbc', 'aes-128-cbc', 'aes-256-gcm', 'aes-128-gcm'],
    group: 'encryption',
    description:
      'Content cipher. GCM (AuthEnvelopedData) is integrity-protected; CBC is what Outlook reads everywhere.',
    microsoft: ['OWAEncryptionAlgorithms', 'RequireEncryptionSMIMEAlgorithm'],
  },
  encryptionAlgorithmNegotiation: {
    type: 'enum',
    default: 'strong-only',
    values: ['block', 'strong-only'],
    group: 'encryption',
    description:
      'Whether recipients\u2019 SMIMECapabilities may pick the cipher. Only AES ciphers are ever written.',
    microsoft: ['AllowSMIMEEncryptionAlgorithmNegotiation'],
  },
  keyTransport: {
    type: 'enum',
    default: 'rsaes-pkcs1-v1_5',
    values: ['rsaes-pkcs1-v1_5', 'rsaes-oaep-sha256', 'rsaes-oaep-sha1'],
    group: 'encryption',
    description: 'RSA key transport. PKCS#1 v1.5 is what Outlook expects; OAEP is stronger.',
  },
  useKeyIdentifier: {
    type: 'boolean',
    default: false,
    group: 'encryption',
    description: 'Identify recipients by subjectKeyIdentifier instead of issuer and serial number.',
    microsoft: ['OWAUseKeyIdentifier'],
  },
  tripleWrap: {
    type: 'boolean',
    default: false,
    group: 'encryption',
    description: 'Sign, encrypt, then sign again (RFC 2634 triple wrapping).',
    microsoft: ['OWATripleWrapSignedEncryptedMail'],
  },
  bccForking: {
    type: 'enum',
    default: 'per-bcc-recipient',
    values: ['per-bcc-recipient', 'one-for-all-bcc', 'no-forking'],
    group: 'encryption',
    description: 'How encrypted mail to Bcc recipients is split so that Bcc addresses are not revealed.',
    microsoft: ['OWABCCEncryptedEmailForking'],
  },
  dlExpansionTimeoutMs: {
    type: 'integer',
    default: 60000,
    minimum: 0,
    maximum: 600000,
    group: 'encryption',
    description: 'Time allowed to expand a distribution list into recipients\u2019 certificates.',
    microsoft: ['OWADLExpansionTimeout'],
  },
  allowLegacyAlgorithms: {
    type: 'boolean',
    default: false,
    group: 'encryption',
    description:
      'Legacy switch: count SHA-1 signatures as valid and read DES/RC2 mail without an error. Always shown as weak; never used for sending.',
  },
  allowWeakCertificates: {
    type: 'boolean',
    default: false,
    group: 'trust',
    description:
      'Legacy switch: accept MD5/SHA-1 certificate signatures and RSA keys under 2048 bits (shown as weak).',
  },
  revocationMode: {
    type: 'enum',
    default: 'soft-fail',
    values: ['off', 'soft-fail', 'hard-fail'],
    group: 'revocation',
    description:
      'Revocation checking: off, unreachable is a warning (soft-fail), or unreachable fails (hard-fail).',
    microsoft: ['OWADisableCRLCheck'],
  },
  crlConnectionTimeoutMs: {
    type: 'integer',
    default: 60000,
    minimum: 1000,
    maximum: 600000,
    group: 'revocation',
    description: 'Time allowed for each single CRL or OCSP fetch.',
    microsoft: ['OWACRLConnectionTimeout'],
  },
  crlRetrievalTimeoutMs: {
    type: 'integer',
    default: 10000,
    minimum: 500,
    maximum: 600000,
    group: 'revocation',
    description:
      'Time allowed for all CRL, OCSP and issuer (AIA) fetches of one certificate validation together.',
    microsoft: ['OWACRLRetrievalTimeout'],
  },
  checkRevocationOnSend: {
    type: 'boolean',
    default: false,
    group: 'revocation',
    description: 'Block sending while the revocation status of a certificate cannot be checked.',
    microsoft: ['OWACheckCRLOnSend'],
  },
  allowSoftCertificates: {
    type: 'boolean',
    default: true,
    group: 'keys',
    description:
      'Allow software certificates (PKCS#12). Sello has no smart-card access, so false disables signing and decryption.',
    microsoft: ['AllowSMIMESoftCerts', 'OWAOnlyUseSmartCard'],
  },
  requirePassphrase: {
    type: 'boolean',
    default: false,
    group: 'keys',
    description: 'Require a passphrase that locks the user\u2019s private keys at rest.',
  },
  autoLockMinutes: {
    type: 'integer',
    default: 15,
    minimum: 1,
    maximum: 1440,
    group: 'keys',
    description: 'Unlocked keys are forgotten after this many idle minutes.',
  },
  harvestCertificates: {
    type: 'boolean',
    default: true,
    group: 'keys',
    description: 'Remember correspondents\u2019 certificates from verified signed mail.',
  },
  trustAnchors: {
    type: 'string-list',
    default: [],
    maxItems: 500,
    itemPattern: '^-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\\s]+-----END CERTIFICATE-----\\s*$',
    group: 'trust',
    description: 'Trusted CA certificates (PEM), e.g. converted from the SST given to Set-SmimeConfig.',
    microsoft: ['SMIMECertificateIssuingCA'],
  },
  owaHosts: {
    type: 'string-list',
    default: [],
    maxItems: 50,
    itemPattern: HOST,
    group: 'deployment',
    description: 'Additional Outlook on the web hosts (on-premises OWA), like AllowedDomainsByPolicy.',
  },
  directoryGatewayUrl: {
    type: 'string',
    default: '',
    pattern: HTTP_URL,
    group: 'deployment',
    description: 'URL of `sello directory serve`, for recipients\u2019 certificates published in AD/LDAP.',
  },
  graphTenantId: {
    type: 'string',
    default: 'organizations',
    pattern: TENANT,
    group: 'deployment',
    description: 'Microsoft Entra tenant (GUID or domain) for sign-in.',
  },
  graphClientId: {
    type: 'string',
    default: '',
    pattern: `^${GUID}$`,
    group: 'deployment',
    description: 'Application (client) id of the organisation\u2019s Sello app registration.',
  },
  authorityUrl: {
    type: 'string',
    default: 'https://login.microsoftonline.com',
    pattern: HTTP_URL,
    group: 'deployment',
    description: 'Entra authority base URL (sovereign clouds use another).',
  },
  graphUrl: {
    type: 'string',
    default: 'https://graph.microsoft.com',
    pattern: HTTP_URL,
    group: 'deployment',
    description: 'Microsoft Graph base URL (sovereign clouds use another).',
  },
} as const satisfies Record<string, SettingDef>;

export type SettingKey = keyof typeof SETTINGS;

type ValueOf<D> = D extends { type: 'boolean' }
  ? boolean
  : D extends { type: 'integer' }
    ? number
    : D extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : D extends { type: 'string-list' }
        ? string[]
        : string;

export type Settings = { -readonly [K in SettingKey]: ValueOf<(typeof SETTINGS)[K]> };

export const SETTING_KEYS = Object.keys(SETTINGS) as SettingKey[];

export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) {
    const d = SETTINGS[k].default;
    out[k] = Array.isArray(d) ? [...d] : d;
  }
  return out as Settings;
}
