/**
 * The one place the extension reaches into the shared S/MIME core. Everything crypto happens there
 * (shared/keys, shared/smime, shared/pki); this file only adapts names and shapes for the jobs.
 */
import type { CoreEnv } from '../../shared/env';
import type { Settings } from '../../shared/policy/settings-definition';
import {
  buildMessage,
  decodeBody,
  decodeHeaderWords,
  decodeText,
  getDisposition,
  getFilename,
  getHeader,
  parseMessage,
  type MimeEntity,
} from '../../shared/mime';
import { createChainValidator } from '../../shared/pki/chain-validator';
import { createMemoryRevocationCache, createRevocationChecker } from '../../shared/pki/revocation';
import type { ChainValidator } from '../../shared/smime/verdict';

export { exportPkcs12, importPkcs12 } from '../../shared/keys/pkcs12';
export { encryptMessage as encryptMail } from '../../shared/smime/encrypt';
export { openMessage as openMail } from '../../shared/smime/open';
export { signMessage as signMail } from '../../shared/smime/sign';
export type { MimeEntity };

export interface OutgoingMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  date: Date;
  html: string;
  text: string;
  attachments: { name: string; type: string; data: Uint8Array; contentId?: string }[];
}

/** The message as the compose frame describes it; Bcc never enters it (the transport gets it apart). */
export function buildMail(mail: OutgoingMail): Uint8Array {
  return buildMessage({
    from: mail.from,
    to: mail.to,
    ...(mail.cc.length ? { cc: mail.cc } : {}),
    subject: mail.subject,
    date: mail.date,
    text: mail.text,
    html: mail.html,
    // A Content-ID taken over from an OWA draft is kept, but the part stays a normal attachment
    // (inline: false): the body Sello sends is the draft's text, which refers to no cid: image, and
    // an unreferenced part of multipart/related is one many mail programs never show.
    attachments: mail.attachments.map((a) => ({
      filename: a.name,
      contentType: a.type,
      data: a.data,
      ...(a.contentId !== undefined ? { contentId: a.contentId, inline: false } : {}),
    })),
  });
}

export function parseMail(message: Uint8Array): MimeEntity {
  return parseMessage(message);
}

/** A header's value with RFC 2047 words decoded, or null. */
export function headerText(e: MimeEntity, name: string): string | null {
  const v = getHeader(e, name);
  return v === undefined ? null : decodeHeaderWords(v);
}

export const decodeEntityBody = (e: MimeEntity): Uint8Array => decodeBody(e);
export const decodeEntityText = (e: MimeEntity): string => decodeText(e);

export function entityDisposition(e: MimeEntity): { attachment: boolean; filename: string | null } {
  return { attachment: getDisposition(e) === 'attachment', filename: getFilename(e) ?? null };
}

// One revocation cache for the worker's lifetime: the same signer is checked once, not per message.
const revocationCache = createMemoryRevocationCache();

/**
 * Path validation to the trust anchors with the installation's revocation policy (shared/pki).
 * CRL and OCSP requests go out from the worker; without a host permission for the CA's server a
 * cross-origin fetch fails and soft-fail reports the status as unreachable (docs/extension.md).
 */
export function chainValidator(
  anchors: Uint8Array[],
  settings: Settings,
  env: CoreEnv,
  opts: { fetchIssuers?: boolean } = {},
): ChainValidator {
  return createChainValidator({
    anchors,
    policy: {
      allowWeakSignatures: settings.allowWeakCertificates,
      allowWeakKeys: settings.allowWeakCertificates,
      ...(opts.fetchIssuers === false ? { fetchIssuers: false } : {}),
    },
    checkRevocation: createRevocationChecker({
      mode: settings.revocationMode,
      connectionTimeoutMs: settings.crlConnectionTimeoutMs,
      retrievalTimeoutMs: settings.crlRetrievalTimeoutMs,
      cache: revocationCache,
    }),
    env,
  });
}
