/**
 * What the read status bar says about a verdict, as message ids with their parameters: the one
 * decision both read views draw from (the extension's read frame and the Outlook add-in's task pane),
 * each putting the ids into words with its own localisation. Drawn from the verdict alone: nothing
 * the message contains can add, restyle or hide a line.
 */
import { senderAttributes, type SenderAttribute } from './sender-attributes';

export type StatusLevel = 'ok' | 'warn' | 'bad' | 'info';

export type StatusId =
  | 'notSigned'
  | 'signedBy'
  | 'signerAttributes'
  | 'trusted'
  | 'notTrusted'
  | 'fromMatches'
  | 'fromMismatch'
  | 'signedWeak'
  | 'signatureInvalid'
  | 'coverageWhole'
  | 'coveragePartial'
  | 'signedPartNotShown'
  | 'notEncrypted'
  | 'encrypted'
  | 'encryptedNotOpened'
  | 'integrityProtected'
  | 'notIntegrityProtected'
  | 'ignored';

export interface Issue {
  code: string;
  message: string;
}

export type StatusLine =
  | {
      kind: 'status';
      level: StatusLevel;
      id: StatusId;
      params: string[];
      /** notTrusted: why, as an error code to localise, or that no trusted issuer is configured. */
      reason?: Issue | 'no-anchor';
    }
  /** An error or warning of the verdict, by its code (the UI's error text, English fallback). */
  | { kind: 'issue'; level: StatusLevel; code: string; message: string };

/** The part of a signer the status bar reads: the core's SignerInfoResult or the extension's view. */
export interface StatusSigner {
  subject: string | null;
  commonName?: string | null;
  emails: string[];
  issuer: string | null;
  digestAlgorithm: string;
  intact: boolean;
  weak: boolean;
  trust: { chain: string[]; issues: Issue[] } | null;
  /** Attributes already chosen (the extension's view); otherwise from `attributesToDisplay`. */
  attributes?: SenderAttribute[];
}

/** The part of a verdict the status bar reads: the core's Verdict or the extension's VerdictView. */
export interface StatusVerdict {
  layers: (
    | {
        kind: 'encrypted';
        contentCipher: string;
        keyManagement: string;
        integrityProtected: boolean;
        weak: boolean;
      }
    /** `ignored`: why the core set this signature aside (e.g. a gateway's over the ciphertext). */
    | { kind: 'signed'; signers: StatusSigner[]; ignored?: string | null }
  )[];
  trusted: boolean;
  fromMatchesSigner: boolean;
  from: string[];
  coverage: { kind: 'whole' | 'partial' | 'none'; signedPaths: string[]; unsignedPaths: string[] };
  warnings: Issue[];
  errors: Issue[];
}

export interface StatusOptions {
  /**
   * Whether any displayed section or attachment is covered by the signature (the view knows what it
   * shows; the verdict alone does not). A partial signature whose signed part is not shown at all
   * (e.g. multipart/alternative, where the unsigned alternative is displayed) must say so: "Signed by
   * Alice" above only unsigned text would vouch for it.
   */
  signedPartShown?: boolean;
  /** senderCertificateAttributesToDisplay, for signers that do not carry `attributes` yet. */
  attributesToDisplay?: readonly string[];
}

const CIPHERS: Record<string, string> = {
  'aes-256-cbc': 'AES-256-CBC',
  'aes-192-cbc': 'AES-192-CBC',
  'aes-128-cbc': 'AES-128-CBC',
  'aes-256-gcm': 'AES-256-GCM',
  'aes-128-gcm': 'AES-128-GCM',
  'des-ede3-cbc': '3DES',
  'rc2-cbc': 'RC2',
  'des-cbc': 'DES',
};

export function signerName(s: Pick<StatusSigner, 'subject' | 'commonName' | 'emails'>): string {
  const cn = s.commonName ?? /(?:^|,\s*)CN=([^,]+)/.exec(s.subject ?? '')?.[1] ?? s.subject ?? '?';
  const email = s.emails[0];
  return email ? `${cn} <${email}>` : cn;
}

export function statusLines(v: StatusVerdict, o: StatusOptions = {}): StatusLine[] {
  const lines: StatusLine[] = [];
  const add = (level: StatusLevel, id: StatusId, ...params: string[]) =>
    lines.push({ kind: 'status', level, id, params });
  const allSigned = v.layers.filter((l) => l.kind === 'signed');
  // A signature the core set aside says nothing about the author.
  const signed = allSigned.filter((l) => !l.ignored);
  const encrypted = v.layers.filter((l) => l.kind === 'encrypted');
  const signers = signed.flatMap((l) => l.signers);
  // An intact signer counts only when the core says its signature covers something: one valid
  // signerInfo next to a broken one (or any refused signature) is not "Signed by" anyone.
  const good = v.coverage.kind === 'none' ? undefined : signers.find((s) => s.intact && !s.weak);

  if (signers.length === 0) {
    add('warn', 'notSigned');
  } else if (good) {
    add('ok', 'signedBy', signerName(good));
    // senderCertificateAttributesToDisplay: the attributes the organisation asked for, from the certificate.
    const attributes = good.attributes ?? senderAttributes(o.attributesToDisplay ?? [], good);
    if (attributes.length)
      add('info', 'signerAttributes', attributes.map((a) => `${a.name}: ${a.value}`).join('; '));
    if (v.trusted) {
      add('ok', 'trusted', good.trust?.chain.at(-1) ?? good.issuer ?? '');
    } else {
      const why = good.trust?.issues[0];
      lines.push({
        kind: 'status',
        level: 'warn',
        id: 'notTrusted',
        params: [],
        reason: why ? { code: why.code, message: why.message } : 'no-anchor',
      });
    }
    if (v.fromMatchesSigner) add('ok', 'fromMatches', v.from.join(', '));
    else add('bad', 'fromMismatch', v.from.join(', ') || '—', good.emails.join(', ') || '—');
    if (v.coverage.kind === 'whole') add('ok', 'coverageWhole');
    else if (v.coverage.kind === 'partial') {
      add('warn', 'coveragePartial', v.coverage.signedPaths.join(', '), v.coverage.unsignedPaths.join(', '));
      if (o.signedPartShown === false) add('bad', 'signedPartNotShown', v.coverage.signedPaths.join(', '));
    }
  } else {
    const weak = signers.find((s) => s.intact && s.weak);
    if (weak) add('warn', 'signedWeak', signerName(weak), weak.digestAlgorithm);
    else add('bad', 'signatureInvalid', signerName(signers[0]!));
  }

  if (encrypted.length === 0) add('info', 'notEncrypted');
  for (const e of encrypted) {
    // Not opened: the core says nothing of the cipher then ('unknown'), and neither does the bar.
    if (e.contentCipher === 'unknown') add('bad', 'encryptedNotOpened');
    else
      add(e.weak ? 'warn' : 'ok', 'encrypted', CIPHERS[e.contentCipher] ?? e.contentCipher, e.keyManagement);
    // A layer that could not be decrypted protected nothing the user sees (e.g. a failed GCM tag).
    if (e.integrityProtected && e.contentCipher !== 'unknown') add('ok', 'integrityProtected');
    else if (!good) add('warn', 'notIntegrityProtected');
  }
  for (const l of allSigned) if (l.ignored) add('info', 'ignored', l.ignored);
  // A broken signature already has its own line (signatureInvalid).
  for (const e of v.errors.filter((x) => !(x.code === 'cms.bad-signature' && signers.length > 0)))
    lines.push({ kind: 'issue', level: 'bad', code: e.code, message: e.message });
  // The coverage and ignored lines above already say these, in the view's own words.
  const said = new Set(['smime.partial-signature', 'smime.outer-signature-ignored']);
  for (const w of v.warnings.filter((x) => !said.has(x.code)))
    lines.push({ kind: 'issue', level: 'warn', code: w.code, message: w.message });
  return lines;
}
