/**
 * Turns `Get-SmimeConfig | ConvertTo-Json` (and, in the same object, the S/MIME parameters of
 * `Get-MobileDeviceMailboxPolicy`) into Sello settings. Every parameter is reported as mapped,
 * changed (with why: Sello never writes SHA-1, MD5, DES, 3DES or RC2) or not mapped, so an admin can
 * see exactly what the migration did.
 */
import { SelloError } from '../errors';
import type { Settings } from './settings-definition';
import { checkSettings } from './validate-settings';

export type MappingOutcome = 'mapped' | 'changed' | 'not-mapped' | 'ignored';

export interface MappingLine {
  parameter: string;
  outcome: MappingOutcome;
  detail: string;
}

export interface SmimeConfigMapping {
  settings: Partial<Settings>;
  report: MappingLine[];
}

export interface MappingDeps {
  /** Converts the SST bytes of SMIMECertificateIssuingCA to PEM certificates (shared/pki). */
  importSst: (bytes: Uint8Array) => Promise<{ pem: string[]; refused: string[] }>;
}

/** Cmdlet plumbing that carries no S/MIME meaning. */
const PLUMBING = new Set([
  'Identity', 'Id', 'Name', 'AdminDisplayName', 'ExchangeVersion', 'DistinguishedName', 'Guid',
  'ObjectCategory', 'ObjectClass', 'WhenChanged', 'WhenCreated', 'WhenChangedUTC', 'WhenCreatedUTC',
  'OrganizationId', 'OriginatingServer', 'IsValid', 'ObjectState', 'PSComputerName', 'RunspaceId',
  'PSShowComputerName',
]); // prettier-ignore

/**
 * Why each weak algorithm is never written. Set-SmimeConfig may still name them; the migration writes
 * the strong default instead and says that allowLegacyAlgorithms only lets Sello read old mail.
 */
const WEAK_REASON: Record<string, string> = {
  md5: 'MD5 (collisions are practical)',
  sha1: 'SHA-1 (collisions are practical)',
  des: 'DES (a 56-bit key is brute-forced)',
  rc2: 'RC2 (40-128-bit keys and an obsolete design)',
  '3des': '3DES (a 64-bit block: Sweet32; withdrawn by NIST)',
};
const READ_ONLY_LEGACY =
  'to still read old mail that uses it, set allowLegacyAlgorithms, which is for reading only and never used for sending';

// CryptoAPI ALG_IDs as Set-SmimeConfig takes them (hex, optionally ":keylength").
const HASH_ALG: Record<string, 'sha256' | 'sha384' | 'sha512' | 'sha1' | 'md5'> = {
  '8003': 'md5',
  '8004': 'sha1',
  '800c': 'sha256',
  '800d': 'sha384',
  '800e': 'sha512',
};
const CIPHER_ALG: Record<string, 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | '3des' | 'des' | 'rc2'> = {
  '6601': 'des',
  '6602': 'rc2',
  '6603': '3des',
  '660e': 'aes-128-cbc',
  '660f': 'aes-192-cbc',
  '6610': 'aes-256-cbc',
};

function firstAlgId(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const first = value.split(/[;,\s]+/).find((s) => s.length > 0) ?? '';
  return first.split(':')[0]!.toLowerCase().replace(/^0x/, '');
}

function bool(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (v === 'True' || v === 'true') return true;
  if (v === 'False' || v === 'false') return false;
  return null;
}

function sstBytes(v: unknown): Uint8Array | null {
  if (Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= 0 && n <= 255))
    return Uint8Array.from(v);
  if (typeof v === 'string' && /^[A-Za-z0-9+/=\s]+$/.test(v)) {
    const bin = atob(v.replace(/\s/g, ''));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  }
  return null;
}

export async function fromSmimeConfig(json: unknown, deps: MappingDeps): Promise<SmimeConfigMapping> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SelloError(
      'policy.invalid',
      'expected the JSON object printed by Get-SmimeConfig | ConvertTo-Json',
    );
  }
  const input = json as Record<string, unknown>;
  const s: Partial<Settings> = {};
  const report: MappingLine[] = [];
  const line = (parameter: string, outcome: MappingOutcome, detail: string) =>
    report.push({ parameter, outcome, detail });
  const boolParam = (p: string, apply: (b: boolean) => string) => {
    const b = bool(input[p]);
    if (b === null) line(p, 'not-mapped', `expected true or false, got ${JSON.stringify(input[p])}`);
    else line(p, 'mapped', apply(b));
  };

  for (const p of Object.keys(input)) {
    const value = input[p];
    if (PLUMBING.has(p)) continue;
    switch (p) {
      case 'OWAAlwaysSign':
      case 'RequireSignedSMIMEMessages':
        boolParam(p, (b) => {
          if (b) s.alwaysSign = true;
          return `alwaysSign = ${s.alwaysSign ?? b}`;
        });
        break;
      case 'OWAAlwaysEncrypt':
      case 'RequireEncryptedSMIMEMessages':
        boolParam(p, (b) => {
          if (b) s.alwaysEncrypt = true;
          return `alwaysEncrypt = ${s.alwaysEncrypt ?? b}`;
        });
        break;
      case 'OWAClearSign':
        boolParam(p, (b) => `signingForm = ${(s.signingForm = b ? 'detached' : 'opaque')}`);
        break;
      case 'OWAIncludeSMIMECapabilitiesInMessage':
        boolParam(p, (b) => `includeSmimeCapabilities = ${(s.includeSmimeCapabilities = b)}`);
        break;
      case 'OWASignedEmailCertificateInclusion':
        boolParam(p, (b) => `includeEncryptionCertificate = ${(s.includeEncryptionCertificate = b)}`);
        break;
      case 'OWAAllowUserChoiceOfSigningCertificate':
        boolParam(
          p,
          (b) => `allowUserChoiceOfSigningCertificate = ${(s.allowUserChoiceOfSigningCertificate = b)}`,
        );
        break;
      case 'OWANoSignOnReply':
        boolParam(p, (b) => `noSignOnReply = ${(s.noSignOnReply = b)}`);
        break;
      case 'OWAUseKeyIdentifier':
        boolParam(p, (b) => `useKeyIdentifier = ${(s.useKeyIdentifier = b)}`);
        break;
      case 'OWATripleWrapSignedEncryptedMail':
        boolParam(p, (b) => `tripleWrap = ${(s.tripleWrap = b)}`);
        break;
      case 'OWACheckCRLOnSend':
        boolParam(p, (b) => `checkRevocationOnSend = ${(s.checkRevocationOnSend = b)}`);
        break;
      case 'OWADisableCRLCheck':
        boolParam(
          p,
          (b) => `revocationMode = ${(s.revocationMode = b ? 'off' : (s.revocationMode ?? 'soft-fail'))}`,
        );
        break;
      case 'AllowSMIMESoftCerts':
        boolParam(p, (b) => {
          if (!b) s.allowSoftCertificates = false;
          return `allowSoftCertificates = ${s.allowSoftCertificates ?? true}`;
        });
        break;
      case 'OWAOnlyUseSmartCard': {
        const b = bool(value);
        if (b === null) line(p, 'not-mapped', `expected true or false, got ${JSON.stringify(value)}`);
        else if (!b) line(p, 'mapped', 'soft certificates stay allowed');
        else {
          s.allowSoftCertificates = false;
          line(
            p,
            'changed',
            'allowSoftCertificates = false: Sello has no smart-card access, so users cannot sign or decrypt until this is lifted',
          );
        }
        break;
      }
      case 'OWAIncludeCertificateChainWithoutRootCertificate':
      case 'OWAIncludeCertificateChainAndRootCertificate': {
        const b = bool(value);
        if (b === null) line(p, 'not-mapped', `expected true or false, got ${JSON.stringify(value)}`);
        else {
          if (b)
            s.certificateInclusion = p.endsWith('AndRootCertificate')
              ? 'full'
              : s.certificateInclusion === 'full'
                ? 'full'
                : 'no-root';
          else if (s.certificateInclusion === undefined) s.certificateInclusion = 'none';
          line(p, 'mapped', `certificateInclusion = ${s.certificateInclusion}`);
        }
        break;
      }
      case 'OWABCCEncryptedEmailForking': {
        const modes = ['per-bcc-recipient', 'one-for-all-bcc', 'no-forking'] as const;
        const mode = typeof value === 'number' ? modes[value] : undefined;
        if (mode) line(p, 'mapped', `bccForking = ${(s.bccForking = mode)}`);
        else line(p, 'not-mapped', `expected 0, 1 or 2, got ${JSON.stringify(value)}`);
        break;
      }
      case 'OWADLExpansionTimeout':
      case 'OWACRLConnectionTimeout':
      case 'OWACRLRetrievalTimeout': {
        const key = ({ OWADLExpansionTimeout: 'dlExpansionTimeoutMs', OWACRLConnectionTimeout: 'crlConnectionTimeoutMs', OWACRLRetrievalTimeout: 'crlRetrievalTimeoutMs' } as const)[p]; // prettier-ignore
        if (typeof value === 'number' && checkSettings({ [key]: value }).length === 0) {
          s[key] = value;
          line(p, 'mapped', `${key} = ${value}`);
        } else line(p, 'not-mapped', `${JSON.stringify(value)} is outside what ${key} accepts`);
        break;
      }
      case 'OWASigningAlgorithms':
      case 'RequireSignedSMIMEAlgorithm': {
        const id = p === 'OWASigningAlgorithms' ? firstAlgId(value) : null;
        const alg = id ? HASH_ALG[id] : String(value).toLowerCase() === 'sha1' ? 'sha1' : String(value).toLowerCase() === 'md5' ? 'md5' : undefined; // prettier-ignore
        if (alg === 'sha256' || alg === 'sha384' || alg === 'sha512')
          line(p, 'mapped', `signingHash = ${(s.signingHash = alg)}`);
        else if (alg === 'sha1' || alg === 'md5') {
          s.signingHash = 'sha256';
          line(
            p,
            'changed',
            `signingHash = sha256: Sello never signs with ${WEAK_REASON[alg]}, so the strong default is written instead; ${READ_ONLY_LEGACY}`,
          );
        } else line(p, 'not-mapped', `unknown signing algorithm ${JSON.stringify(value)}`);
        break;
      }
      case 'OWAEncryptionAlgorithms':
      case 'RequireEncryptionSMIMEAlgorithm': {
        const named: Record<string, string> = {
          tripledes: '3des',
          des: 'des',
          rc2128bit: 'rc2',
          rc264bit: 'rc2',
          rc240bit: 'rc2',
        };
        const id = p === 'OWAEncryptionAlgorithms' ? firstAlgId(value) : null;
        const alg = id ? CIPHER_ALG[id] : named[String(value).toLowerCase()];
        if (alg === 'aes-128-cbc' || alg === 'aes-256-cbc')
          line(p, 'mapped', `encryptionAlgorithm = ${(s.encryptionAlgorithm = alg)}`);
        else if (alg === 'aes-192-cbc') {
          s.encryptionAlgorithm = 'aes-256-cbc';
          line(
            p,
            'changed',
            'encryptionAlgorithm = aes-256-cbc: AES-192 is not offered; AES-256 is at least as strong and read by the same clients',
          );
        } else if (alg) {
          s.encryptionAlgorithm = 'aes-256-cbc';
          line(
            p,
            'changed',
            `encryptionAlgorithm = aes-256-cbc: Sello never encrypts with ${WEAK_REASON[alg]}, so the strong default is written instead; ${READ_ONLY_LEGACY}`,
          );
        } else line(p, 'not-mapped', `unknown encryption algorithm ${JSON.stringify(value)}`);
        break;
      }
      case 'AllowSMIMEEncryptionAlgorithmNegotiation': {
        // shared/smime/send-options.ts contentCipherFor: 'strong-only' lets the recipients'
        // SMIMECapabilities (harvested from their signed mail) lower or raise the AES cipher.
        const v = String(value);
        if (v === 'BlockNegotiation')
          line(
            p,
            'mapped',
            `encryptionAlgorithmNegotiation = ${(s.encryptionAlgorithmNegotiation = 'block')}: always encryptionAlgorithm`,
          );
        else if (v === 'OnlyStrongAlgorithmNegotiation')
          line(
            p,
            'mapped',
            `encryptionAlgorithmNegotiation = ${(s.encryptionAlgorithmNegotiation = 'strong-only')}: the strongest AES cipher every recipient's known SMIMECapabilities list`,
          );
        else if (v === 'AllowAnyAlgorithmNegotiation') {
          s.encryptionAlgorithmNegotiation = 'strong-only';
          line(
            p,
            'changed',
            'encryptionAlgorithmNegotiation = strong-only: negotiation never picks a weak cipher in Sello (a recipient who lists no AES cipher still gets AES-CBC)',
          );
        } else line(p, 'not-mapped', `unknown value ${JSON.stringify(value)}`);
        break;
      }
      case 'OWASenderCertificateAttributesToDisplay': {
        if (value === null || value === '') line(p, 'mapped', 'senderCertificateAttributesToDisplay = []');
        else if (typeof value === 'string') {
          s.senderCertificateAttributesToDisplay = value
            .split(/[,;]/)
            .map((x) => x.trim())
            .filter(Boolean);
          line(
            p,
            'mapped',
            `senderCertificateAttributesToDisplay = ${s.senderCertificateAttributesToDisplay.join(', ')}`,
          );
        } else line(p, 'not-mapped', `expected a string, got ${JSON.stringify(value)}`);
        break;
      }
      case 'SMIMECertificateIssuingCA': {
        if (value === null || value === undefined) {
          line(p, 'mapped', 'no trusted CAs uploaded: trustAnchors unchanged');
          break;
        }
        const bytes = sstBytes(value);
        if (!bytes) {
          line(p, 'not-mapped', 'expected the SST as a byte array or base64');
          break;
        }
        const { pem, refused } = await deps.importSst(bytes);
        s.trustAnchors = pem;
        line(
          p,
          refused.length ? 'changed' : 'mapped',
          `trustAnchors = ${pem.length} certificate(s)${refused.length ? `; refused: ${refused.join('; ')}` : ''}`,
        );
        break;
      }
      case 'OWAEncryptTemporaryBuffers':
        line(
          p,
          'ignored',
          'not needed: Sello keeps plaintext in memory only and never writes temporary files',
        );
        break;
      case 'OWAForceSMIMEClientUpgrade':
        line(
          p,
          'ignored',
          'not needed: the browser updates Sello from the update URL (ExtensionInstallForcelist)',
        );
        break;
      case 'OWACopyRecipientHeaders':
        line(
          p,
          'ignored',
          'Microsoft documents this parameter only as reserved for internal use, with no behaviour to carry over',
        );
        break;
      // Get-SmimeConfig prints these about the uploaded SST; Set-SmimeConfig cannot set them.
      case 'SMIMECertificatesExpiryDate':
        line(
          p,
          'ignored',
          `read-only status of the uploaded SST (${JSON.stringify(value)}), not a setting; \`sello trust import\` lists each CA's validity`,
        );
        break;
      case 'SMIMEExpiredCertificateThumbprint':
        line(
          p,
          'ignored',
          value === null || value === ''
            ? 'read-only status of the uploaded SST, not a setting: Exchange reports no expired CA'
            : `read-only status of the uploaded SST, not a setting: Exchange reports an expired CA (${JSON.stringify(value)}); expired CAs are left out of trustAnchors`,
        );
        break;
      case 'OWAUseSecondaryProxiesWhenFindingCertificates':
        line(
          p,
          'not-mapped',
          'the directory gateway looks up the address the user typed; proxy addresses are not searched',
        );
        break;
      default:
        line(p, 'not-mapped', 'not an S/MIME parameter Sello knows');
    }
  }
  const problems = checkSettings(s);
  if (problems.length) {
    throw new SelloError(
      'policy.invalid',
      `mapping produced invalid settings: ${problems.map((x) => `${x.field}: ${x.reason}`).join('; ')}`,
    );
  }
  return { settings: s, report };
}
