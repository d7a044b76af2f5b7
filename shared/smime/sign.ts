/**
 * Signing a message (RFC 8551 §3.5): the body entity (Content-* headers and body) is canonicalised and
 * signed; the RFC 5322 fields (From, To, Subject, Date, Message-ID ...) stay outside, as every S/MIME
 * client expects. Clear-signed multipart/signed by default, opaque signed-data on request.
 */
import { concatBytes, utf8 } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import type { Identity } from '../keys/identity';
import { describePrivateKey } from '../keys/private-key';
import { canonicalize } from '../mime/canonicalize';
import { encodeBase64Lines } from '../mime/transfer-encoding';
import { createSignature } from './cms-port';
import { indexOfBytes, splitTopLevel } from './message-parts';
import { summarizeCertificate } from './certificate-summary';

const CRLF = new Uint8Array([13, 10]);

export interface SignOptions {
  form: 'detached' | 'opaque';
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
  pss: boolean;
  /** Certificates besides the signer's: none, the chain without its self-signed root, or all of it. */
  chain: 'none' | 'no-root' | 'full';
  /** Announced with SMIMEEncryptionKeyPreference when the signer encrypts with another certificate. */
  encryptionCertificate?: Uint8Array;
  /** Announce the ciphers Sello reads (SMIMECapabilities signed attribute). Default true. */
  capabilities?: boolean;
}

export const DEFAULT_SIGN_OPTIONS: SignOptions = {
  form: 'detached',
  hash: 'SHA-256',
  pss: false,
  chain: 'no-root',
};

// RFC 8551 §3.5.3.2: micalg names.
const MICALG: Record<SignOptions['hash'], string> = {
  'SHA-256': 'sha-256',
  'SHA-384': 'sha-384',
  'SHA-512': 'sha-512',
};

function chainCertificates(signer: Identity, mode: SignOptions['chain']): Uint8Array[] {
  if (mode === 'none') return [];
  if (mode === 'full') return signer.chain;
  return signer.chain.filter((c) => {
    try {
      const s = summarizeCertificate(c);
      return s.subject !== s.issuer;
    } catch {
      return true; // an unreadable certificate is passed on as given; the peer decides
    }
  });
}

/** A boundary that cannot occur in `content` (RFC 2046 §5.1.1), from the environment's randomness. */
export function boundaryFor(content: Uint8Array, env: CoreEnv): string {
  for (;;) {
    const r = env.crypto.getRandomValues(new Uint8Array(12));
    const b = `----sello-${[...r].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
    if (indexOfBytes(content, utf8(b)) < 0) return b;
  }
}

/**
 * The digest actually used: never shorter than an EC key's curve order (RFC 5753 section 7.1 pairs
 * P-384 with SHA-384 and P-521 with SHA-512; gpgsm refuses "a 256 bit hash for a 384 bit ECC key" outright). A longer
 * configured hash is kept.
 */
export function hashForKey(signer: Identity, hash: SignOptions['hash']): SignOptions['hash'] {
  const key = describePrivateKey(signer.privateKey);
  if (key.kind !== 'EC') return hash;
  if (key.namedCurve === 'P-521') return 'SHA-512';
  if (key.namedCurve === 'P-384' && hash === 'SHA-256') return 'SHA-384';
  return hash;
}

export async function signMessage(
  message: Uint8Array,
  signer: Identity,
  opts: SignOptions,
  env: CoreEnv,
): Promise<Uint8Array> {
  return concatBytes(...(await signMessageParts(message, signer, opts, env)));
}

/**
 * `signMessage` as the pieces that make it up, in order: the signed entity is one of them, a view of
 * the input when it was already canonical, so a writer that sends them on copies nothing message-sized.
 */
export async function signMessageParts(
  message: Uint8Array,
  signer: Identity,
  opts: SignOptions,
  env: CoreEnv,
): Promise<Uint8Array[]> {
  if (!MICALG[opts.hash])
    throw new SelloError('smime.unsupported', `Signing with ${opts.hash} is not supported.`);
  const hash = hashForKey(signer, opts.hash);
  const { headers, entity } = splitTopLevel(message);
  const content = canonicalize(entity);
  const der = await createSignature(
    {
      content,
      signer,
      hash,
      pss: opts.pss,
      detached: opts.form === 'detached',
      extraCertificates: chainCertificates(signer, opts.chain),
      encryptionCertificate: opts.encryptionCertificate,
      capabilities: opts.capabilities ?? true,
    },
    env,
  );
  if (opts.form === 'opaque') {
    return [
      headers,
      utf8(
        'MIME-Version: 1.0\r\n' +
          'Content-Type: application/pkcs7-mime; smime-type=signed-data; name="smime.p7m"\r\n' +
          'Content-Transfer-Encoding: base64\r\n' +
          'Content-Disposition: attachment; filename="smime.p7m"\r\n\r\n',
      ),
      encodeBase64Lines(der),
      CRLF,
    ];
  }
  const boundary = boundaryFor(content, env);
  return [
    headers,
    utf8(
      'MIME-Version: 1.0\r\n' +
        `Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=${MICALG[hash]};\r\n` +
        ` boundary="${boundary}"\r\n\r\n` +
        'This is an S/MIME signed message.\r\n\r\n' +
        `--${boundary}\r\n`,
    ),
    content,
    utf8(
      `\r\n--${boundary}\r\n` +
        'Content-Type: application/pkcs7-signature; name="smime.p7s"\r\n' +
        'Content-Transfer-Encoding: base64\r\n' +
        'Content-Disposition: attachment; filename="smime.p7s"\r\n\r\n',
    ),
    encodeBase64Lines(der),
    utf8(`\r\n--${boundary}--\r\n`),
  ];
}
