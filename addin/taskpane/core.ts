/**
 * The one place the add-in reaches into the shared S/MIME core (shared/mime, keys, smime, pki). All
 * cryptography and MIME work happens there; this file adapts names and picks options from the
 * settings. Entry points whose core module has not landed yet report `smime.unavailable`.
 */
import { pemDecodeAll, toBase64 } from '../../shared/bytes';
import type { CoreEnv } from '../../shared/env';
import { SelloError } from '../../shared/errors';
import type { Identity } from '../../shared/keys/identity';
import {
  buildMessage,
  decodeBody,
  decodeText,
  getDisposition,
  getFilename,
  getHeader,
  parseMessage,
  type MimeEntity,
} from '../../shared/mime';
import { createChainValidator, importTrustFile } from '../../shared/pki';
import type { Settings } from '../../shared/policy/settings-definition';
import { encryptMessage } from '../../shared/smime/encrypt';
import { splitTopLevel } from '../../shared/smime/message-parts';
import { openMessage } from '../../shared/smime/open';
import { encryptOptionsFrom, signOptionsFrom, wrapSteps } from '../../shared/smime/send-options';
import { signMessage } from '../../shared/smime/sign';
import type { ChainValidator, Verdict } from '../../shared/smime/verdict';

export { importPkcs12 } from '../../shared/keys/pkcs12';

export interface OutgoingMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  date: Date;
  html: string;
  text: string;
  attachments: { name: string; type: string; data: Uint8Array; inline: boolean; contentId?: string }[];
}

/**
 * The unsecured message. Bcc is deliberately not a header (it would be inside what every recipient
 * receives); Bcc recipients are given to Graph separately (compose-message.ts).
 */
export function buildMail(mail: OutgoingMail, env: CoreEnv): Uint8Array {
  return buildMessage(
    {
      from: mail.from,
      to: mail.to,
      ...(mail.cc.length ? { cc: mail.cc } : {}),
      subject: mail.subject,
      date: mail.date,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      attachments: mail.attachments.map((a) => ({
        filename: a.name,
        contentType: a.type,
        data: a.data,
        ...(a.contentId ? { contentId: a.contentId, inline: a.inline } : {}),
      })),
    },
    { now: env.now },
  );
}

/** The settings sealing reads; the mapping to core options is shared with the extension. */
export type SealSettings = Pick<
  Settings,
  | 'signingForm'
  | 'signingHash'
  | 'rsaPss'
  | 'certificateInclusion'
  | 'includeSmimeCapabilities'
  | 'includeEncryptionCertificate'
  | 'encryptionAlgorithm'
  | 'encryptionAlgorithmNegotiation'
  | 'keyTransport'
  | 'useKeyIdentifier'
  | 'tripleWrap'
>;

export interface SealOptions {
  sign: boolean;
  encrypt: boolean;
  signer: Identity | null;
  settings: SealSettings;
  /** The sender's own encryption certificate, for includeEncryptionCertificate. */
  ownEncryptionCertificate?: Uint8Array;
}

/**
 * Sign and/or encrypt a whole RFC 5322 message: sign first, then encrypt (RFC 8551 §3.6), and with
 * tripleWrap sign again around the encryption (RFC 2634). The inner signature is made once; the
 * returned function encrypts (and outer-signs) per envelope, so Bcc forks share one signed body.
 */
export async function sealerFor(
  message: Uint8Array,
  o: SealOptions,
  env: CoreEnv,
): Promise<(recipients: Uint8Array[]) => Promise<Uint8Array>> {
  if (o.sign && !o.signer) throw new SelloError('keystore.no-identity', 'There is no signing certificate.');
  const signOpts = signOptionsFrom(o.settings, o.ownEncryptionCertificate);
  // The add-in harvests no SMIMECapabilities: every recipient's are unknown, so contentCipherFor
  // keeps encryptionAlgorithm whatever encryptionAlgorithmNegotiation says.
  const encOpts = encryptOptionsFrom(o.settings, []);
  const steps = wrapSteps(o.settings, o);
  const inner = steps[0] === 'sign' ? await signMessage(message, o.signer!, signOpts, env) : message;
  const rest = steps[0] === 'sign' ? steps.slice(1) : steps;
  return async (recipients) => {
    let out = inner;
    for (const step of rest) {
      out =
        step === 'sign'
          ? await signMessage(out, o.signer!, signOpts, env)
          : await encryptMessage(out, recipients, encOpts, env);
    }
    return out;
  };
}

export function openMail(
  message: Uint8Array,
  o: { keys: Identity[]; validateChain?: ChainValidator },
  env: CoreEnv,
): Promise<Verdict> {
  return openMessage(message, o, env);
}

/** What the read pane shows of the opened content: sanitised later, never trusted. */
export interface DisplayParts {
  html: string | null;
  text: string | null;
  /** Content-ID (without <>) -> data: URL, for images the HTML refers to with cid:. */
  inline: Record<string, string>;
  attachments: { name: string; type: string; data: Uint8Array }[];
}

export function displayParts(content: Uint8Array): DisplayParts {
  const out: DisplayParts = { html: null, text: null, inline: {}, attachments: [] };
  const walk = (e: MimeEntity) => {
    const { type, subtype } = e.contentType;
    if (type === 'multipart') {
      // multipart/alternative: the last part is the richest; keep the HTML and the text both.
      for (const child of e.children) walk(child);
      return;
    }
    const filename = getFilename(e);
    const disposition = getDisposition(e);
    const contentId = getHeader(e, 'content-id')?.trim().replace(/^<|>$/g, '');
    if (
      type === 'text' &&
      (subtype === 'html' || subtype === 'plain') &&
      disposition !== 'attachment' &&
      !filename
    ) {
      if (subtype === 'html' && out.html === null) out.html = decodeText(e);
      if (subtype === 'plain' && out.text === null) out.text = decodeText(e);
      return;
    }
    const data = decodeBody(e);
    const mediaType = `${type}/${subtype}`;
    if (contentId && type === 'image' && disposition !== 'attachment') {
      out.inline[contentId] = `data:${mediaType};base64,${toBase64(data)}`;
      return;
    }
    out.attachments.push({ name: filename ?? 'attachment', type: mediaType, data });
  };
  walk(parseMessage(content));
  return out;
}

/**
 * The chain validator from shared/pki over the organisation's trusted issuers (trustAnchors in
 * sello-settings.json, PEM) and the user's own (RFC 5280 path validation with the default policy).
 * Without anchors it still runs, so the status bar can say why nothing is trusted.
 * Revocation checking is not wired in the add-in yet.
 */
export function chainValidator(
  anchors: { organisationPem: readonly string[]; user: Uint8Array[] },
  env: CoreEnv,
): ChainValidator {
  // No AIA caIssuers fetch while opening: the URL comes from a certificate in the mail, so anyone
  // could learn when the message was read (EFAIL backchannel; attack backchannel-aia-ca-issuers).
  const organisation = anchors.organisationPem.flatMap((p) => pemDecodeAll(p).map((b) => b.der));
  return createChainValidator({
    anchors: [...organisation, ...anchors.user],
    env,
    policy: { fetchIssuers: false },
  });
}

/** Trusted issuers from a file (SST, P7B/P7C, PEM bundle, DER); end-entity certificates are refused. */
export async function importTrustAnchors(
  bytes: Uint8Array,
  fileName: string,
  env: CoreEnv,
): Promise<{ anchors: Uint8Array[]; refused: string[] }> {
  const r = await importTrustFile(bytes, fileName, env);
  return {
    anchors: r.certificates.map((c) => c.der),
    refused: r.refused.map((x) => `${x.subject}: ${x.reason}`),
  };
}

/** Is this raw message S/MIME at its top level (application/pkcs7-mime or multipart/signed)? */
export function isSmime(message: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(message.subarray(0, 64 * 1024));
  const end = head.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const ct = /^content-type:\s*([^;\r\n]+)/im.exec(headers)?.[1]?.trim().toLowerCase() ?? '';
  return ct === 'application/pkcs7-mime' || ct === 'application/x-pkcs7-mime' || ct === 'multipart/signed';
}

/**
 * For the draft path: the Exchange item class and the smime.p7m content, as Exchange stores S/MIME
 * (the CMS for application/pkcs7-mime; the whole multipart/signed entity, headers included, for
 * clear-signed), split from our own sealed output by the core.
 */
export function largeMessagePayload(sealed: Uint8Array): {
  messageClass: 'IPM.Note.SMIME' | 'IPM.Note.SMIME.MultipartSigned';
  payload: Uint8Array;
} {
  const { entity } = splitTopLevel(sealed);
  const parsed = parseMessage(entity);
  if (parsed.contentType.type === 'multipart' && parsed.contentType.subtype === 'signed') {
    return { messageClass: 'IPM.Note.SMIME.MultipartSigned', payload: entity };
  }
  return { messageClass: 'IPM.Note.SMIME', payload: decodeBody(parsed) };
}
