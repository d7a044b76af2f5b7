/** Raw RFC 5322 messages written by hand, so that every byte an attacker controls is visible here. */
import { fromUtf8, utf8, concatBytes } from '../../../shared/bytes';
import { defaultEnv, type CoreEnv } from '../../../shared/env';
import type { Identity } from '../../../shared/keys/identity';
import { encryptMessage, type EncryptOptions } from '../../../shared/smime/encrypt';
import { signMessage, type SignOptions } from '../../../shared/smime/sign';

export const env: CoreEnv = defaultEnv();

export const SIGN: SignOptions = { form: 'detached', hash: 'SHA-256', pss: false, chain: 'no-root' };
export const CBC: EncryptOptions = {
  cipher: 'aes-256-cbc',
  keyTransport: 'rsaes-pkcs1-v1_5',
  recipientId: 'issuer-serial',
};
export const GCM: EncryptOptions = { ...CBC, cipher: 'aes-256-gcm' };

export interface Envelope {
  from?: string;
  to?: string;
  subject?: string;
  /** Extra header lines, e.g. 'Sender: ...'. */
  extra?: string[];
}

export function headers(e: Envelope = {}): string {
  return [
    `From: ${e.from ?? 'Alice <alice@example.org>'}`,
    `To: ${e.to ?? 'Bob <bob@example.org>'}`,
    `Subject: ${e.subject ?? 'Quarterly numbers'}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${Math.random().toString(36).slice(2)}@attack.test>`,
    ...(e.extra ?? []),
  ].join('\r\n');
}

/** A whole message: headers, then a body entity (its Content-* fields, a blank line, the body). */
export function message(e: Envelope, entity: string | Uint8Array): Uint8Array {
  const body = typeof entity === 'string' ? utf8(entity) : entity;
  return concatBytes(utf8(`${headers(e)}\r\nMIME-Version: 1.0\r\n`), body);
}

export function textEntity(text: string): string {
  return `Content-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`;
}

export function htmlEntity(html: string): string {
  return `Content-Type: text/html; charset=utf-8\r\n\r\n${html}\r\n`;
}

/** The body entity of a whole message (top-level fields stripped), for re-wrapping elsewhere. */
export function bodyOf(msg: Uint8Array): string {
  const text = fromUtf8(msg);
  const lines = text.split('\r\n');
  const end = lines.indexOf('');
  const head = lines.slice(0, end);
  const keep: string[] = [];
  let inContent = false;
  for (const l of head) {
    if (/^[ \t]/.test(l)) {
      if (inContent) keep.push(l);
      continue;
    }
    inContent = /^content-/i.test(l);
    if (inContent) keep.push(l);
  }
  return `${keep.join('\r\n')}\r\n\r\n${lines.slice(end + 1).join('\r\n')}`;
}

export function multipart(subtype: string, boundary: string, parts: string[], params = ''): string {
  return (
    `Content-Type: multipart/${subtype}; boundary="${boundary}"${params}\r\n\r\n` +
    parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') +
    `--${boundary}--\r\n`
  );
}

/** A genuine detached-signed message by `signer` (what the attacker captured or received). */
export async function signedBy(signer: Identity, e: Envelope, entity: string): Promise<Uint8Array> {
  return signMessage(message(e, entity), signer, SIGN, env);
}

export async function encryptedTo(
  recipient: Identity,
  e: Envelope,
  entity: string | Uint8Array,
  opts: EncryptOptions = CBC,
): Promise<Uint8Array> {
  return encryptMessage(message(e, entity), [recipient.certificate], opts, env);
}
