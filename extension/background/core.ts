/**
 * The one place the extension reaches into the shared S/MIME core (shared/mime, keys, smime, pki).
 * Everything crypto happens there; this file only adapts names. (Temporary: the core modules have not
 * landed yet, so each entry point reports that it is unavailable.)
 */
import type { CoreEnv } from '../../shared/env';
import { SelloError } from '../../shared/errors';
import type { Identity } from '../../shared/keys/identity';
import type { ChainValidator, Verdict } from '../../shared/smime/verdict';

const pending = (what: string) =>
  new SelloError('smime.unavailable', `${what} is not available in this build.`);

export interface MimeEntity {
  path: string;
  raw: Uint8Array;
  headers: { name: string; value: string }[];
  body: Uint8Array;
  contentType: { type: string; subtype: string; params: Record<string, string> };
  children: MimeEntity[];
}

export interface OutgoingMail {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  date: Date;
  html: string;
  text: string;
  attachments: { name: string; type: string; data: Uint8Array }[];
}

export { exportPkcs12, importPkcs12 } from '../../shared/keys/pkcs12';

export function buildMail(_mail: OutgoingMail): Uint8Array {
  throw pending('MIME building');
}
export async function signMail(
  _m: Uint8Array,
  _signer: Identity,
  _opts: unknown,
  _env: CoreEnv,
): Promise<Uint8Array> {
  throw pending('Signing');
}
export async function encryptMail(
  _m: Uint8Array,
  _to: Uint8Array[],
  _opts: unknown,
  _env: CoreEnv,
): Promise<Uint8Array> {
  throw pending('Encryption');
}
export async function openMail(
  _m: Uint8Array,
  _o: { keys: Identity[]; validateChain?: ChainValidator; allowWeak?: boolean },
  _env: CoreEnv,
): Promise<Verdict> {
  throw pending('Opening S/MIME');
}
export function parseMail(_m: Uint8Array): MimeEntity {
  throw pending('MIME parsing');
}
export function headerText(_e: MimeEntity, _name: string): string | null {
  throw pending('MIME parsing');
}
export function decodeEntityBody(_e: MimeEntity): Uint8Array {
  throw pending('MIME parsing');
}
export function decodeEntityText(_e: MimeEntity): string {
  throw pending('MIME parsing');
}
export function chainValidator(
  _anchors: Uint8Array[],
  _settings: import('../../shared/policy/settings-definition').Settings,
  _env: CoreEnv,
): ChainValidator | undefined {
  return undefined;
}
