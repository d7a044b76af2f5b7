/**
 * The verdict is data: opening a message returns one of these, the CLI prints it (`--json` prints it
 * as is), the read frames render it and tests assert on it. It says exactly what was and was not
 * encrypted or signed. Binary fields are DER/bytes in memory; `verdictToJSON` makes it printable.
 */
import type { EncryptionKeyPreference } from '../cms/encryption-key-preference';
import type { ErrorCode } from '../errors';

export type HashName = 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | 'MD5' | string;

export interface VerdictIssue {
  code: ErrorCode;
  message: string;
}

export interface EncryptionLayer {
  kind: 'encrypted';
  /** 'EnvelopedData' (CBC: confidentiality only) or 'AuthEnvelopedData' (GCM: integrity protected). */
  structure: 'EnvelopedData' | 'AuthEnvelopedData';
  /** e.g. 'aes-256-cbc', 'aes-128-gcm', 'des-ede3-cbc', 'rc2-cbc'. */
  contentCipher: string;
  /** e.g. 'rsaes-pkcs1-v1_5', 'rsaes-oaep-sha256', 'ecdh-ss-sha256-aes256-wrap'. */
  keyManagement: string;
  /** False for CBC without a signature inside: the ciphertext could have been modified (EFAIL). */
  integrityProtected: boolean;
  /** Legacy cipher (3DES, RC2, DES): readable, flagged, never written by Sello. */
  weak: boolean;
  recipientCount: number;
}

export interface SignerInfoResult {
  /** Signer certificate, DER, when it was found in the message or supplied. */
  certificate: Uint8Array | null;
  subject: string | null;
  issuer: string | null;
  serialNumber: string | null;
  /** rfc822Name SANs and emailAddress attributes of the certificate, lower-cased. */
  emails: string[];
  signingTime: Date | null;
  digestAlgorithm: HashName;
  signatureAlgorithm: string;
  /** The signature verifies over the content and signed attributes (messageDigest matches). */
  intact: boolean;
  /** Digest or signature algorithm is MD5/SHA-1: shown as weak, and not counted as valid by default. */
  weak: boolean;
  /**
   * The signed SMIMEEncryptionKeyPreference (RFC 8551 §2.5.3): the certificate the signer wants mail
   * encrypted to, often another one the message carries. Absent when the signer named none.
   */
  encryptionKeyPreference?: EncryptionKeyPreference;
  /**
   * The signed SMIMECapabilities (RFC 8551 §2.5.2) as capability OIDs, preferred first: what the
   * signer's client can decrypt. Absent when the signer sent none or Sello could not read them.
   */
  capabilities?: string[];
  /** Set by the chain validator; null when no validator ran. */
  trust: TrustResult | null;
  errors: VerdictIssue[];
}

export interface SignatureLayer {
  kind: 'signed';
  form: 'detached' | 'opaque';
  /** MIME path of the entity this signature covers inside the opened message ('' is the root). */
  coveredPath: string;
  signers: SignerInfoResult[];
  /** Every certificate the SignedData carried (the signer's, its chain, an encryption certificate). */
  certificates?: Uint8Array[];
  /**
   * Why this signature does not count for the verdict, or null when it does. An outermost signature
   * directly around an encryption layer signs ciphertext (typically a transport signature added by a
   * gateway): it says nothing about who wrote the plaintext, so it is listed but ignored.
   */
  ignored: string | null;
}

export type Layer = EncryptionLayer | SignatureLayer;

export interface TrustResult {
  trusted: boolean;
  /** Subjects from the signer to the anchor, when a path was built. */
  chain: string[];
  /** Why not, or warnings on the way (e.g. 'path.expired', 'revocation.unreachable'). */
  issues: VerdictIssue[];
  revocation: 'good' | 'revoked' | 'unknown' | 'unchecked' | 'unreachable';
  /** Validity at signing time and now, reported separately. */
  validAtSigningTime: boolean | null;
  validNow: boolean;
}

/** Checks a signer's chain; supplied by shared/pki so that smime stays free of network and trust policy. */
export type ChainValidator = (input: {
  certificate: Uint8Array;
  intermediates: Uint8Array[];
  signingTime: Date | null;
  usage: 'sign' | 'encrypt';
}) => Promise<TrustResult>;

export interface Coverage {
  /**
   * 'whole': the signature covers the entire displayed body (top-level headers aside, as in every
   * S/MIME message); 'partial': only the entity at `signedPaths` is covered, the rest is not;
   * 'none': no intact signature.
   */
  kind: 'whole' | 'partial' | 'none';
  signedPaths: string[];
  /** Paths of displayed leaf parts that no intact signature covers. */
  unsignedPaths: string[];
}

export interface Verdict {
  /** Layers from the outside in, as they were opened. */
  layers: Layer[];
  /** Exactly one intact, non-weak signerInfo covers the displayed content. */
  valid: boolean;
  /** `valid` and that signer's chain reaches a trust anchor (false when no validator ran). */
  trusted: boolean;
  /** From: holds exactly one address and it is one of the valid signer's certificate addresses. */
  fromMatchesSigner: boolean;
  from: string[];
  sender: string | null;
  coverage: Coverage;
  /** The innermost opened message (headers from the outer message + decrypted/unwrapped body), CRLF. */
  content: Uint8Array | null;
  warnings: VerdictIssue[];
  errors: VerdictIssue[];
}

/** One signer as printed by `sello verify --json` (the documented fields; see docs/cli.md). */
export interface SignerJSON {
  email: string | null;
  emails: string[];
  subject: string | null;
  issuer: string | null;
  serialNumber: string | null;
  signingTime: string | null;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  intact: boolean;
  weak: boolean;
  trusted: boolean | null;
  chain: string[];
  /**
   * The path's certificates were valid at the signing time the message claims; null when it gives
   * none or no chain validation ran.
   */
  validAtSigningTime: boolean | null;
  /** The path's certificates are valid now; null when no chain validation ran. */
  validNow: boolean | null;
  /** Worst revocation status on the path; null when no chain validation ran. */
  revocation: TrustResult['revocation'] | null;
  /** SMIMEEncryptionKeyPreference as hex (issuer Name DER + serial, or a subjectKeyIdentifier); null when absent. */
  encryptionKeyPreference: EncryptionKeyPreference | null;
  /** SMIMECapabilities as capability OIDs, preferred first; null when absent or unreadable. */
  capabilities: string[] | null;
  errors: VerdictIssue[];
  /** Index of its layer in `layers` (outside in). */
  layer: number;
  /** Why this signature does not count for `valid`, or null. */
  ignored: string | null;
  form: 'detached' | 'opaque';
  coveredPath: string;
}

export interface VerdictJSON {
  valid: boolean;
  trusted: boolean;
  fromMatchesSigner: boolean;
  from: string[];
  sender: string | null;
  encrypted: boolean;
  signed: boolean;
  coverage: Coverage;
  signers: SignerJSON[];
  layers: (
    Omit<EncryptionLayer, never> | { kind: 'signed'; form: string; coveredPath: string; signerCount: number }
  )[];
  warnings: VerdictIssue[];
  errors: VerdictIssue[];
}

/** Printable form: DER and Dates become text, every signer of every layer is listed in `signers`. */
export function verdictToJSON(v: Verdict): VerdictJSON {
  const signers: SignerJSON[] = [];
  v.layers.forEach((layer, index) => {
    if (layer.kind !== 'signed') return;
    for (const s of layer.signers) {
      signers.push({
        email: s.emails[0] ?? null,
        emails: s.emails,
        subject: s.subject,
        issuer: s.issuer,
        serialNumber: s.serialNumber,
        signingTime: s.signingTime ? s.signingTime.toISOString() : null,
        digestAlgorithm: s.digestAlgorithm,
        signatureAlgorithm: s.signatureAlgorithm,
        intact: s.intact,
        weak: s.weak,
        trusted: s.trust ? s.trust.trusted : null,
        chain: s.trust?.chain ?? [],
        validAtSigningTime: s.trust ? s.trust.validAtSigningTime : null,
        validNow: s.trust ? s.trust.validNow : null,
        revocation: s.trust ? s.trust.revocation : null,
        encryptionKeyPreference: s.encryptionKeyPreference ?? null,
        capabilities: s.capabilities ?? null,
        errors: [...s.errors, ...(s.trust?.issues ?? [])],
        layer: index,
        ignored: layer.ignored,
        form: layer.form,
        coveredPath: layer.coveredPath,
      });
    }
  });
  return {
    valid: v.valid,
    trusted: v.trusted,
    fromMatchesSigner: v.fromMatchesSigner,
    from: v.from,
    sender: v.sender,
    encrypted: v.layers.some((l) => l.kind === 'encrypted'),
    signed: v.layers.some((l) => l.kind === 'signed'),
    coverage: v.coverage,
    signers,
    layers: v.layers.map((l) =>
      l.kind === 'encrypted'
        ? { ...l }
        : {
            kind: 'signed' as const,
            form: l.form,
            coveredPath: l.coveredPath,
            signerCount: l.signers.length,
          },
    ),
    warnings: v.warnings,
    errors: v.errors,
  };
}
