/**
 * Opening a received message: peel the S/MIME layers from the outside in (enveloped -> signed ->
 * signed again for triple wrapping), verify what is signed, and say exactly what was and was not
 * protected in one Verdict. Bad input never throws: it becomes a verdict error with a stable code.
 */
import { concatBytes, equalBytes, utf8 } from '../bytes';
import type { CoreEnv } from '../env';
import { isSelloError, SelloError, type ErrorCode } from '../errors';
import type { Identity } from '../keys/identity';
import { parseAddresses } from '../mime/addresses';
import { getHeader } from '../mime/header-block';
import { parseMessage } from '../mime/parse-entity';
import { decodeBody } from '../mime/transfer-encoding';
import type { MimeEntity } from '../mime/types';
import { checkSignature, cmsKind, decryptWith, type SignatureCheck } from './cms-port';
import { summarizeCertificate } from './certificate-summary';
import type {
  ChainValidator,
  EncryptionLayer,
  Layer,
  SignatureLayer,
  SignerInfoResult,
  Verdict,
  VerdictIssue,
} from './verdict';

export interface OpenOptions {
  keys: Identity[];
  validateChain?: ChainValidator;
  /** Accept SHA-1/MD5 signatures as valid (with a warning). Thunderbird and Sello refuse them by default. */
  allowWeak?: boolean;
  /**
   * Leave `verdict.content` null, for a caller that reports the verdict only (`sello verify`): the
   * content is a new copy of the whole message, 32 MB more at the peak for nothing. Checks are the same.
   */
  verdictOnly?: boolean;
}

/**
 * S/MIME layers in one message. Real mail has at most three (RFC 2634 triple wrapping); more is an
 * attack on the verifier's time and memory (each layer can hold a whole decrypted copy).
 */
export const MAX_LAYERS = 8;

const WEAK_HASHES = new Set(['SHA-1', 'MD5', 'MD2']);

interface OpenState {
  layers: Layer[];
  warnings: VerdictIssue[];
  errors: VerdictIssue[];
  /** Intermediates carried by each signature layer, for chain validation. */
  certificates: Map<SignatureLayer, Uint8Array[]>;
}

function issue(code: ErrorCode, message: string): VerdictIssue {
  return { code, message };
}

function issueOf(e: unknown, fallback: ErrorCode, message: string): VerdictIssue {
  if (e instanceof SelloError) return { code: e.code, message: e.message };
  return { code: fallback, message };
}

export function isPkcs7Mime(entity: MimeEntity): boolean {
  const { type, subtype, params } = entity.contentType;
  if (type === 'application' && (subtype === 'pkcs7-mime' || subtype === 'x-pkcs7-mime')) return true;
  // Some clients label the blob application/octet-stream and only the file name says what it is.
  const name = (params.name ?? '').toLowerCase();
  return type === 'application' && subtype === 'octet-stream' && name.endsWith('.p7m');
}

export function isMultipartSigned(entity: MimeEntity): boolean {
  return entity.contentType.type === 'multipart' && entity.contentType.subtype === 'signed';
}

/**
 * A message saved with LF line ends only (a Unix mail store, or a writer that encrypted LF text) is
 * brought to CRLF, the form it had on the wire. Anything with a CR is left exactly as it is.
 */
function toCrlf(bytes: Uint8Array): Uint8Array {
  if (bytes.includes(0x0d)) return bytes;
  let bare = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) bare++;
  if (bare === 0) return bytes;
  const out = new Uint8Array(bytes.length + bare);
  let j = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x0a && (i === 0 || bytes[i - 1] !== 0x0d)) out[j++] = 0x0d;
    out[j++] = b;
  }
  return out;
}

function signerResult(check: SignatureCheck['signers'][number]): SignerInfoResult {
  let summary: ReturnType<typeof summarizeCertificate> | null = null;
  const errors = [...check.errors];
  if (check.certificate) {
    try {
      summary = summarizeCertificate(check.certificate);
    } catch (e) {
      errors.push(issueOf(e, 'cert.malformed', 'The signer certificate is not well-formed.'));
    }
  }
  const weak =
    WEAK_HASHES.has(check.digestAlgorithm) ||
    /sha1|sha-1|md5/i.test(check.signatureAlgorithm.replace(/-/g, ''));
  return {
    certificate: check.certificate,
    subject: summary?.subject ?? null,
    issuer: summary?.issuer ?? null,
    serialNumber: summary?.serialNumber ?? null,
    emails: summary?.emails ?? [],
    signingTime: check.signingTime,
    digestAlgorithm: check.digestAlgorithm,
    signatureAlgorithm: check.signatureAlgorithm,
    intact: check.intact,
    weak,
    ...(check.encryptionKeyPreference ? { encryptionKeyPreference: check.encryptionKeyPreference } : {}),
    ...(check.capabilities ? { capabilities: check.capabilities } : {}),
    trust: null,
    errors,
  };
}

async function verifyLayer(
  der: Uint8Array,
  detached: Uint8Array | undefined,
  form: 'detached' | 'opaque',
  coveredPath: string,
  state: OpenState,
  env: CoreEnv,
): Promise<{ layer: SignatureLayer; content: Uint8Array | null } | null> {
  let check: SignatureCheck;
  try {
    // The exact bytes of the first part (RFC 1847 §2.1): no re-canonicalisation, so what is shown is
    // what was signed.
    check = await checkSignature(der, detached, env);
  } catch (e) {
    state.errors.push(issueOf(e, 'cms.malformed', 'The signature is not a well-formed CMS SignedData.'));
    const layer: SignatureLayer = { kind: 'signed', form, coveredPath, signers: [], ignored: null };
    state.layers.push(layer);
    return { layer, content: null };
  }
  const layer: SignatureLayer = {
    kind: 'signed',
    form,
    coveredPath,
    signers: check.signers.map(signerResult),
    certificates: check.certificates,
    ignored: null,
  };
  state.layers.push(layer);
  state.certificates.set(layer, check.certificates);
  return { layer, content: check.content };
}

/** Tries each key; every failure looks the same (no oracle on which key or why). */
async function decryptLayer(
  der: Uint8Array,
  kind: 'enveloped' | 'authEnveloped',
  keys: Identity[],
  state: OpenState,
  env: CoreEnv,
): Promise<Uint8Array | null> {
  let unsupported: SelloError | undefined;
  for (const key of keys) {
    try {
      const d = await decryptWith(der, key, env);
      const layer: EncryptionLayer = {
        kind: 'encrypted',
        structure: d.structure,
        contentCipher: d.contentCipher,
        keyManagement: d.keyManagement,
        integrityProtected: d.structure === 'AuthEnvelopedData',
        weak: d.weak,
        recipientCount: d.recipientCount,
      };
      state.layers.push(layer);
      if (d.weak) {
        state.warnings.push(
          issue('smime.weak-cipher', `The message was encrypted with ${d.contentCipher}, a legacy cipher.`),
        );
      }
      return d.content;
    } catch (e) {
      // An algorithm Sello lacks is named from the public structure (no oracle); another key may
      // still open the message, so it is reported only when none does.
      if (isSelloError(e, 'cms.unsupported-algorithm')) {
        unsupported ??= e;
        continue;
      }
      if (e instanceof SelloError && e.code !== 'cms.decrypt-failed' && e.code !== 'cms.no-recipient') {
        if (e.code.endsWith('.malformed') || e.code.endsWith('.unsupported')) {
          state.errors.push(issueOf(e, 'cms.malformed', e.message));
          return null;
        }
      }
      // try the next key
    }
  }
  state.layers.push({
    kind: 'encrypted',
    structure: kind === 'authEnveloped' ? 'AuthEnvelopedData' : 'EnvelopedData',
    contentCipher: 'unknown',
    keyManagement: 'unknown',
    integrityProtected: kind === 'authEnveloped',
    weak: false,
    recipientCount: 0,
  });
  state.errors.push(
    keys.length === 0
      ? issue('smime.no-key', 'The message is encrypted and no private key was given to open it.')
      : unsupported
        ? issue(unsupported.code, unsupported.message)
        : issue('cms.decrypt-failed', 'The message could not be decrypted with the given keys.'),
  );
  return null;
}

function parseInner(bytes: Uint8Array, state: OpenState, lineEnds: boolean): MimeEntity | null {
  try {
    return parseMessage(lineEnds ? toCrlf(bytes) : bytes);
  } catch (e) {
    state.errors.push(
      issueOf(e, 'mime.malformed', 'The protected content is not a well-formed MIME entity.'),
    );
    return null;
  }
}

function isEnvelopedEntity(entity: MimeEntity): boolean {
  if (!isPkcs7Mime(entity)) return false;
  try {
    const kind = cmsKind(decodeBody(entity));
    return kind === 'enveloped' || kind === 'authEnveloped';
  } catch {
    return false; // undecodable: not an encryption layer; reported when it is opened
  }
}

/**
 * An outermost signature directly around an encryption layer signs ciphertext: typically a gateway's
 * transport signature. It is listed and ignored, and the encryption inside is opened (Thunderbird does
 * the same since bug 1806161).
 */
function ignoreIfAroundEncryption(
  layer: SignatureLayer | undefined,
  inner: MimeEntity,
  outermost: boolean,
): boolean {
  if (!layer || !outermost || !isEnvelopedEntity(inner)) return false;
  layer.ignored =
    'outer signature around an encrypted message: it covers ciphertext, not what the author wrote';
  return true;
}

/**
 * Peels the layers that wrap the whole entity; returns the displayed entity, or null when a layer
 * could not be opened.
 *
 * Two layers are deliberately left closed and shown as attachments: an encrypted part inside signed
 * content (decrypting what someone else wrapped in their signature turns the reader into a decryption
 * oracle), and an S/MIME object inside opaque signed-data (the signer vouched for a blob it may not
 * have been able to read).
 */
async function peel(
  root: MimeEntity,
  opts: OpenOptions,
  state: OpenState,
  env: CoreEnv,
): Promise<MimeEntity | null> {
  let entity = root;
  let outermost = true;
  let insideSignature = false;
  let insideOpaque = false;
  for (let depth = 0; ; depth++) {
    if (depth >= MAX_LAYERS) {
      state.errors.push(
        issue('smime.too-deep', `More than ${MAX_LAYERS} S/MIME layers: not opened further.`),
      );
      return null;
    }
    if (isMultipartSigned(entity)) {
      const [content, signature] = entity.children;
      if (!content || !signature) {
        state.errors.push(issue('smime.malformed', 'A multipart/signed message needs two parts.'));
        return null;
      }
      let der: Uint8Array;
      try {
        der = decodeBody(signature);
      } catch (e) {
        state.errors.push(issueOf(e, 'mime.malformed', 'The signature part cannot be decoded.'));
        return content;
      }
      const r = await verifyLayer(der, content.raw, 'detached', '', state, env);
      if (!ignoreIfAroundEncryption(r?.layer, content, outermost)) insideSignature = true;
      entity = content;
      outermost = false;
      continue;
    }
    if (isPkcs7Mime(entity)) {
      let der: Uint8Array;
      try {
        der = decodeBody(entity);
      } catch (e) {
        state.errors.push(issueOf(e, 'mime.malformed', 'The S/MIME part cannot be decoded.'));
        return null;
      }
      const kind = cmsKind(der);
      if (insideOpaque && kind !== 'other') {
        state.warnings.push(
          issue(
            'smime.nested-not-opened',
            'An S/MIME object inside opaque signed data is shown as an attachment.',
          ),
        );
        return entity;
      }
      if (kind === 'signed') {
        const r = await verifyLayer(der, undefined, 'opaque', '', state, env);
        const inner = r?.content ?? null;
        if (!inner) {
          if (!state.errors.some((x) => x.code.startsWith('cms.'))) {
            state.errors.push(issue('smime.no-content', 'The signed-data carries no content.'));
          }
          return null;
        }
        // Opaque content is shown exactly as signed: no line-end conversion.
        const next = parseInner(inner, state, false);
        if (!next) return null;
        if (!ignoreIfAroundEncryption(r?.layer, next, outermost)) {
          insideSignature = true;
          insideOpaque = true;
        }
        entity = next;
        outermost = false;
        continue;
      }
      if (kind === 'enveloped' || kind === 'authEnveloped') {
        if (insideSignature) {
          state.warnings.push(
            issue(
              'smime.nested-encryption-not-opened',
              'An encrypted part inside signed content is not decrypted (it could make the reader a decryption oracle).',
            ),
          );
          return entity;
        }
        const inner = await decryptLayer(der, kind, opts.keys, state, env);
        if (!inner) return null;
        const next = parseInner(inner, state, true);
        if (!next) return null;
        entity = next;
        outermost = false;
        continue;
      }
      state.errors.push(issue('smime.unsupported', 'The S/MIME part holds an unsupported CMS content type.'));
      return null;
    }
    return entity;
  }
}

function leaves(entity: MimeEntity, out: string[] = []): string[] {
  if (entity.children.length === 0 || entity.contentType.type !== 'multipart') {
    out.push(entity.path);
  } else {
    for (const c of entity.children) leaves(c, out);
  }
  return out;
}

/** Signed entities nested inside an unsigned multipart: they cover only their own part. */
async function verifyNested(
  entity: MimeEntity,
  state: OpenState,
  env: CoreEnv,
  found: string[],
): Promise<void> {
  for (const child of entity.children) {
    if (isMultipartSigned(child) && child.children.length >= 2) {
      const [content, signature] = child.children as [MimeEntity, MimeEntity];
      try {
        await verifyLayer(decodeBody(signature), content.raw, 'detached', child.path, state, env);
        found.push(child.path);
      } catch (e) {
        state.errors.push(issueOf(e, 'mime.malformed', 'A nested signature part cannot be decoded.'));
      }
    } else if (isPkcs7Mime(child)) {
      state.warnings.push(
        issue('smime.nested-pkcs7', `Part ${child.path} is an S/MIME object inside an unprotected message.`),
      );
    } else if (child.contentType.type === 'multipart') {
      await verifyNested(child, state, env, found);
    }
  }
}

function countFromHeaders(root: MimeEntity): string[] {
  const values = root.headers.filter((h) => h.name.toLowerCase() === 'from').map((h) => h.value);
  const out: string[] = [];
  for (const v of values) {
    try {
      for (const a of parseAddresses(v)) out.push(a.address.toLowerCase());
    } catch {
      // An unparsable From is reported as no address: fromMatchesSigner stays false.
      continue;
    }
  }
  return out;
}

/** Top-level headers (RFC 5322 fields, not Content-*) re-attached to the opened entity. */
function outerHeaderBytes(root: MimeEntity): Uint8Array {
  const lines = root.headers
    .filter((h) => !/^content-/i.test(h.name) && h.name.toLowerCase() !== 'mime-version')
    .map((h) => `${h.name}: ${h.value}\r\n`);
  return utf8(`${lines.join('')}MIME-Version: 1.0\r\n`);
}

async function applyTrust(
  layer: SignatureLayer,
  signer: SignerInfoResult,
  opts: OpenOptions,
  state: OpenState,
): Promise<void> {
  if (!opts.validateChain || !signer.certificate) return;
  try {
    signer.trust = await opts.validateChain({
      certificate: signer.certificate,
      intermediates: state.certificates.get(layer) ?? [],
      signingTime: signer.signingTime,
      usage: 'sign',
    });
  } catch (e) {
    signer.trust = {
      trusted: false,
      chain: [],
      issues: [issueOf(e, 'path.failed', 'The certificate chain could not be checked.')],
      revocation: 'unchecked',
      validAtSigningTime: null,
      validNow: false,
    };
  }
}

export async function openMessage(message: Uint8Array, opts: OpenOptions, env: CoreEnv): Promise<Verdict> {
  const state: OpenState = { layers: [], warnings: [], errors: [], certificates: new Map() };
  const verdict: Verdict = {
    layers: state.layers,
    valid: false,
    trusted: false,
    fromMatchesSigner: false,
    from: [],
    sender: null,
    coverage: { kind: 'none', signedPaths: [], unsignedPaths: [] },
    content: null,
    warnings: state.warnings,
    errors: state.errors,
  };
  let root: MimeEntity;
  try {
    root = parseMessage(toCrlf(message));
  } catch (e) {
    state.errors.push(issueOf(e, 'mime.malformed', 'The message is not well-formed MIME.'));
    return verdict;
  }
  verdict.from = countFromHeaders(root);
  const senderHeader = getHeader(root, 'Sender');
  if (senderHeader) {
    try {
      verdict.sender = parseAddresses(senderHeader)[0]?.address.toLowerCase() ?? null;
    } catch {
      verdict.sender = null; // unparsable Sender: shown as none
    }
  }

  const shown = await peel(root, opts, state, env);
  const wholeLayers = state.layers.filter((l): l is SignatureLayer => l.kind === 'signed' && !l.ignored);
  if (shown) {
    if (!opts.verdictOnly) {
      verdict.content = concatBytes(outerHeaderBytes(root), shown === root ? bodyEntity(root) : shown.raw);
    }
    if (wholeLayers.length === 0) {
      const nested: string[] = [];
      await verifyNested(shown, state, env, nested);
    }
  }

  const signatureLayers = state.layers.filter((l): l is SignatureLayer => l.kind === 'signed');
  await decide(verdict, signatureLayers, shown, root, opts, state);
  return verdict;
}

/** The root entity without its RFC 5322 fields: Content-* headers and the body. */
function bodyEntity(root: MimeEntity): Uint8Array {
  const head = root.headers
    .filter((h) => /^content-/i.test(h.name))
    .map((h) => `${h.name}: ${h.value}\r\n`)
    .join('');
  return concatBytes(utf8(`${head}\r\n`), root.body);
}

/** Thunderbird's tolerance too: more than this between Date and signingTime makes the signature suspect. */
const MAX_DATE_SKEW_MS = 60 * 60 * 1000;

function sameCertificate(a: SignerInfoResult, b: SignerInfoResult): boolean {
  return !!a.certificate && !!b.certificate && equalBytes(a.certificate, b.certificate);
}

async function decide(
  verdict: Verdict,
  signatureLayers: SignatureLayer[],
  shown: MimeEntity | null,
  root: MimeEntity,
  opts: OpenOptions,
  state: OpenState,
): Promise<void> {
  for (const layer of signatureLayers) {
    if (layer.ignored) {
      state.warnings.push(
        issue('smime.outer-signature-ignored', `A signature was ignored: ${layer.ignored}.`),
      );
    }
  }
  const counted = signatureLayers.filter((l) => !l.ignored);
  const whole = counted.filter((l) => l.coveredPath === '');
  const nested = counted.filter((l) => l.coveredPath !== '');
  const primary = whole.length > 0 ? whole[whole.length - 1]! : (nested[0] ?? null);
  if (!primary) {
    markIntegrity(verdict, state, shown);
    return;
  }
  for (const layer of counted) {
    for (const s of layer.signers) await applyTrust(layer, s, opts, state);
  }

  // Nothing to display (a layer could not be opened): no signature can be said to cover it.
  let allLayersGood = shown !== null;
  const relevant = primary.coveredPath === '' ? whole : [primary];
  for (const layer of relevant) {
    const intact = layer.signers.filter((s) => s.intact);
    const broken = layer.signers.length - intact.length;
    if (layer.signers.length === 0) {
      allLayersGood = false;
      continue;
    }
    if (broken > 0) {
      allLayersGood = false;
      state.errors.push(
        layer.signers.length > 1
          ? issue(
              'smime.signer-broken',
              `${broken} of ${layer.signers.length} signatures do not verify: the message is not treated as signed.`,
            )
          : issue(
              'cms.bad-signature',
              'The signature does not match the content: it was altered or is forged.',
            ),
      );
      continue;
    }
    if (intact.length > 1) {
      allLayersGood = false;
      state.errors.push(
        issue(
          'smime.several-signers',
          `${intact.length} signatures over one content: exactly one is required.`,
        ),
      );
      continue;
    }
    const s = intact[0]!;
    if (s.weak) {
      if (opts.allowWeak) {
        state.warnings.push(
          issue('smime.weak-signature', `The signature uses ${s.digestAlgorithm}, a weak algorithm.`),
        );
      } else {
        allLayersGood = false;
        state.errors.push(
          issue(
            'smime.weak-signature',
            `The signature uses ${s.digestAlgorithm}, which is no longer accepted.`,
          ),
        );
      }
    }
  }
  const signer = primary.signers.length === 1 ? primary.signers[0]! : null;
  // Signatures by different signers over the same content (a signed message signed again): which one
  // speaks for the author is ambiguous, so none does.
  if (
    allLayersGood &&
    signer &&
    relevant.some((l) => l.signers[0] && !sameCertificate(l.signers[0], signer))
  ) {
    allLayersGood = false;
    state.errors.push(
      issue(
        'smime.several-signers',
        'The content is signed by several different signers: exactly one is required.',
      ),
    );
  }
  // Date sits outside the signature: an old signed body re-sent under a new Date is a replay.
  const dateHeader = getHeader(root, 'Date');
  const date = dateHeader ? Date.parse(dateHeader) : NaN;
  if (allLayersGood && signer?.signingTime && !Number.isNaN(date)) {
    if (Math.abs(date - signer.signingTime.getTime()) > MAX_DATE_SKEW_MS) {
      allLayersGood = false;
      state.errors.push(
        issue(
          'smime.signing-time-mismatch',
          'The Date header and the signing time differ by more than an hour: the signed content may be replayed.',
        ),
      );
    }
  }
  const covered =
    allLayersGood && signer !== null && signer.intact && (!signer.weak || opts.allowWeak === true);

  if (primary.coveredPath === '') {
    verdict.coverage = covered ? { kind: 'whole', signedPaths: [''], unsignedPaths: [] } : verdict.coverage;
    verdict.valid = covered;
  } else {
    // A signed part inside an unsigned message: the rest could have been added by anyone.
    const signedPaths = nested.filter((l) => l.signers.some((s) => s.intact)).map((l) => l.coveredPath);
    const all = shown ? leaves(shown) : [];
    const unsignedPaths = all.filter((p) => !signedPaths.some((sp) => p === sp || p.startsWith(`${sp}.`)));
    if (covered && signedPaths.length > 0) {
      verdict.coverage = { kind: 'partial', signedPaths, unsignedPaths };
      state.warnings.push(
        issue(
          'smime.partial-signature',
          `Only part ${signedPaths.join(', ')} is signed; the rest of the message is not.`,
        ),
      );
    }
    verdict.valid = false;
  }
  markIntegrity(verdict, state, shown);
  if (signer && covered) {
    verdict.fromMatchesSigner = verdict.from.length === 1 && signer.emails.includes(verdict.from[0]!);
    verdict.trusted = verdict.valid && signer.trust?.trusted === true;
  }
}

/** CBC has no integrity of its own: only a valid signature inside protects it (EFAIL). */
function markIntegrity(verdict: Verdict, state: OpenState, shown: MimeEntity | null): void {
  for (const l of state.layers) {
    if (l.kind !== 'encrypted' || l.contentCipher === 'unknown') continue;
    l.integrityProtected = l.structure === 'AuthEnvelopedData' || verdict.valid;
    if (!l.integrityProtected && shown) {
      state.warnings.push(
        issue(
          'smime.not-integrity-protected',
          'The message is encrypted with CBC and has no valid signature inside: it could have been altered in transit.',
        ),
      );
    }
  }
}

/**
 * `sello decrypt`: removes exactly one encryption layer and returns the inner message (RFC 5322 fields
 * of the outer message + the decrypted entity), still signed if it was. Fails with cms.decrypt-failed.
 */
export async function decryptMessage(
  message: Uint8Array,
  keys: Identity[],
  env: CoreEnv,
): Promise<{ content: Uint8Array; layer: EncryptionLayer }> {
  const { parts, layer } = await decryptMessageParts(message, keys, env);
  return { content: concatBytes(...parts), layer };
}

/**
 * `decryptMessage` with the content left in its two parts (the outer header fields, then the inner
 * entity), for a writer that sends them on one after the other instead of joining 32 MB once more.
 * Not async itself: no frame that waits for the decryption holds the message (its base64 text is
 * larger than the content), so a caller that keeps no reference to it lets it be collected meanwhile.
 */
export function decryptMessageParts(
  message: Uint8Array,
  keys: Identity[],
  env: CoreEnv,
): Promise<{ parts: [Uint8Array, Uint8Array]; layer: EncryptionLayer }> {
  let envelope: ReturnType<typeof readEnvelope>;
  try {
    envelope = readEnvelope(message);
  } catch (e) {
    return Promise.reject(e as Error);
  }
  return decryptEnvelope(envelope, keys, env);
}

function readEnvelope(message: Uint8Array): {
  der: Uint8Array;
  kind: 'enveloped' | 'authEnveloped';
  outer: Uint8Array;
} {
  const root = parseMessage(toCrlf(message));
  if (!isPkcs7Mime(root)) throw new SelloError('smime.not-encrypted', 'The message is not encrypted.');
  const der = decodeBody(root);
  const kind = cmsKind(der);
  if (kind !== 'enveloped' && kind !== 'authEnveloped') {
    throw new SelloError('smime.not-encrypted', 'The message is S/MIME but not encrypted.');
  }
  return { der, kind, outer: outerHeaderBytes(root) };
}

async function decryptEnvelope(
  { der, kind, outer }: ReturnType<typeof readEnvelope>,
  keys: Identity[],
  env: CoreEnv,
): Promise<{ parts: [Uint8Array, Uint8Array]; layer: EncryptionLayer }> {
  const state: OpenState = { layers: [], warnings: [], errors: [], certificates: new Map() };
  const inner = await decryptLayer(der, kind, keys, state, env);
  const layer = state.layers[0] as EncryptionLayer;
  if (!inner) {
    const e = state.errors[0]!;
    throw new SelloError(e.code, e.message);
  }
  return { parts: [outer, toCrlf(inner)], layer };
}
