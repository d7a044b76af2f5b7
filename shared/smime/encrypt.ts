/**
 * Encrypting a message (RFC 8551 §3.3): the body entity is canonicalised and enveloped; the RFC 5322
 * fields stay outside. CBC gives EnvelopedData (smime-type=enveloped-data), GCM AuthEnvelopedData
 * (RFC 8551 §3.3: smime-type=authEnveloped-data). Every recipient must get a key, or nothing is written.
 */
import { utf8 } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import type { Identity } from '../keys/identity';
import { canonicalize } from '../mime/canonicalize';
import { base64LinesLength, encodeBase64LineChunks } from '../mime/transfer-encoding';
import { createEnvelopePieces } from './cms-port';
import { splitTopLevel } from './message-parts';
import { signMessage, type SignOptions } from './sign';

const CRLF = new Uint8Array([13, 10]);

export interface EncryptOptions {
  cipher: 'aes-256-cbc' | 'aes-128-cbc' | 'aes-256-gcm' | 'aes-128-gcm';
  keyTransport: 'rsaes-pkcs1-v1_5' | 'rsaes-oaep-sha1' | 'rsaes-oaep-sha256';
  recipientId: 'issuer-serial' | 'ski';
}

export const DEFAULT_ENCRYPT_OPTIONS: EncryptOptions = {
  cipher: 'aes-256-cbc',
  keyTransport: 'rsaes-pkcs1-v1_5',
  recipientId: 'issuer-serial',
};

export async function encryptMessage(
  message: Uint8Array,
  recipients: Uint8Array[],
  opts: EncryptOptions,
  env: CoreEnv,
): Promise<Uint8Array> {
  const { length, chunks } = await encryptMessageChunks(message, recipients, opts, env);
  // One output buffer, filled chunk by chunk: the base64 body is never held twice.
  const out = new Uint8Array(length);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * `encryptMessage` as its total length and the chunks that make it up, produced as they are consumed
 * (the base64 of the EnvelopedData about 1 MiB at a time), for a writer that passes each one on. A
 * chunk is only valid until the next is taken: the base64 chunks share one buffer.
 */
export async function encryptMessageChunks(
  message: Uint8Array,
  recipients: Uint8Array[],
  opts: EncryptOptions,
  env: CoreEnv,
): Promise<{ length: number; chunks: Iterable<Uint8Array> }> {
  if (recipients.length === 0)
    throw new SelloError('smime.no-recipient', 'There is no recipient to encrypt to.');
  const { headers, entity } = splitTopLevel(message);
  const der = await createEnvelopePieces(canonicalize(entity), recipients, opts, env);
  const gcm = opts.cipher.endsWith('-gcm');
  const head = utf8(
    'MIME-Version: 1.0\r\n' +
      `Content-Type: application/pkcs7-mime; smime-type=${gcm ? 'authEnveloped-data' : 'enveloped-data'};` +
      ' name="smime.p7m"\r\n' +
      'Content-Transfer-Encoding: base64\r\n' +
      'Content-Disposition: attachment; filename="smime.p7m"\r\n\r\n',
  );
  let derLength = 0;
  for (const p of der) derLength += p.length;
  function* chunks(): Generator<Uint8Array, void, undefined> {
    yield headers;
    yield head;
    yield* encodeBase64LineChunks(der);
    yield CRLF;
  }
  return {
    length: headers.length + head.length + base64LinesLength(derLength) + CRLF.length,
    chunks: chunks(),
  };
}

/** Sign, then encrypt (RFC 8551 §3.6): the signature is inside, so it is hidden and integrity-protects CBC. */
export async function signAndEncrypt(
  message: Uint8Array,
  signer: Identity,
  signOpts: SignOptions,
  recipients: Uint8Array[],
  opts: EncryptOptions,
  env: CoreEnv,
): Promise<Uint8Array> {
  const signed = await signMessage(message, signer, signOpts, env);
  return encryptMessage(signed, recipients, opts, env);
}

/** `signAndEncrypt` as chunks, like `encryptMessageChunks`. */
export async function signAndEncryptChunks(
  message: Uint8Array,
  signer: Identity,
  signOpts: SignOptions,
  recipients: Uint8Array[],
  opts: EncryptOptions,
  env: CoreEnv,
): Promise<{ length: number; chunks: Iterable<Uint8Array> }> {
  const signed = await signMessage(message, signer, signOpts, env);
  return encryptMessageChunks(signed, recipients, opts, env);
}
