/**
 * The one place the add-in reaches into the shared S/MIME core (shared/mime, keys, smime, pki). All
 * cryptography happens there; nothing in addin/ reimplements it. Entry points whose core module has
 * not landed yet report `smime.unavailable`, which the pane shows as such.
 */
import type { CoreEnv } from '../../shared/env';
import { SelloError } from '../../shared/errors';
import type { Identity } from '../../shared/keys/identity';
import type { ChainValidator, Verdict } from '../../shared/smime/verdict';

const pending = (what: string) =>
  new SelloError('smime.unavailable', `${what} is not available in this build.`);

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

export interface ImportedPkcs12 {
  identities: (Identity & { friendlyName?: string })[];
  certificates: Uint8Array[];
  legacyProtection: boolean;
}

export async function importPkcs12(
  _der: Uint8Array,
  _password: string,
  _env: CoreEnv,
): Promise<ImportedPkcs12> {
  throw pending('PKCS#12 import');
}

export function buildMail(_mail: OutgoingMail): Uint8Array {
  throw pending('MIME building');
}

export interface SealOptions {
  sign: boolean;
  encrypt: boolean;
  signer: Identity | null;
  recipients: Uint8Array[];
}

/** Sign and/or encrypt a whole RFC 5322 message (sign first, then encrypt: RFC 8551 §3.7). */
export async function sealMail(_message: Uint8Array, _o: SealOptions, _env: CoreEnv): Promise<Uint8Array> {
  throw pending('Signing and encryption');
}

export async function openMail(
  _message: Uint8Array,
  _o: { keys: Identity[]; validateChain?: ChainValidator },
  _env: CoreEnv,
): Promise<Verdict> {
  throw pending('Opening S/MIME');
}

/** What the read pane shows of the opened content: sanitised later, never trusted. */
export interface DisplayParts {
  html: string | null;
  text: string | null;
  inline: Record<string, string>;
  attachments: { name: string; type: string; data: Uint8Array }[];
}

export function displayParts(_content: Uint8Array): DisplayParts {
  throw pending('MIME parsing');
}

export function chainValidator(_anchors: Uint8Array[], _env: CoreEnv): ChainValidator | undefined {
  return undefined;
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
 * For the large-message path: the Exchange item class and the smime.p7m content (the CMS for
 * application/pkcs7-mime, the whole multipart/signed entity for clear-signed), split from our own
 * sealed output with the core's MIME parser.
 */
export function largeMessagePayload(_sealed: Uint8Array): {
  messageClass: 'IPM.Note.SMIME' | 'IPM.Note.SMIME.MultipartSigned';
  payload: Uint8Array;
} {
  throw pending('MIME splitting');
}
