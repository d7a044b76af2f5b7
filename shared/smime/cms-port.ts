/**
 * The CMS operations the S/MIME layer needs, behind one narrow port so that sign/encrypt/open do not
 * depend on how shared/cms shapes its results.
 */
import * as pkijs from 'pkijs';
import { equalBytes } from '../bytes';
import type { CoreEnv } from '../env';
import type { ErrorCode } from '../errors';
import type { EncryptionKeyPreference } from '../cms/encryption-key-preference';
import type { Identity } from '../keys/identity';
import { createEnvelopedDataParts, createSignedData, decryptEnvelopedData, verifySignedData } from '../cms';
import type { EncryptOptions } from './encrypt';

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
  encryptionKeyPreference: '1.2.840.113549.1.9.16.2.11',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

export const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'SHA-1',
  '2.16.840.1.101.3.4.2.1': 'SHA-256',
  '2.16.840.1.101.3.4.2.2': 'SHA-384',
  '2.16.840.1.101.3.4.2.3': 'SHA-512',
  '2.16.840.1.101.3.4.2.4': 'SHA-224',
  '1.2.840.113549.2.5': 'MD5',
};

export type CmsKind = 'signed' | 'enveloped' | 'authEnveloped' | 'other';

export interface SignerCheck {
  certificate: Uint8Array | null;
  intact: boolean;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  signingTime: Date | null;
  encryptionKeyPreference: EncryptionKeyPreference | null;
  capabilities: string[] | null;
  errors: { code: ErrorCode; message: string }[];
}

export interface SignatureCheck {
  signers: SignerCheck[];
  /** Every certificate the SignedData carries (for path building). */
  certificates: Uint8Array[];
  /** Encapsulated content (opaque signing), null when detached. */
  content: Uint8Array | null;
}

export interface Decryption {
  content: Uint8Array;
  structure: 'EnvelopedData' | 'AuthEnvelopedData';
  contentCipher: string;
  keyManagement: string;
  weak: boolean;
  recipientCount: number;
}

export function engineFor(env: CoreEnv): pkijs.CryptoEngine {
  return new pkijs.CryptoEngine({ name: 'sello', crypto: env.crypto });
}

/** DER/BER length at `i` (after the tag); returns [length or -1 for indefinite, index after it]. */
function readLength(b: Uint8Array, i: number): [number, number] {
  const first = b[i];
  if (first === undefined) return [-2, i];
  if (first < 0x80) return [first, i + 1];
  if (first === 0x80) return [-1, i + 1];
  const n = first & 0x7f;
  if (n > 4) return [-2, i];
  let len = 0;
  for (let k = 1; k <= n; k++) len = len * 256 + (b[i + k] ?? 0);
  return [len, i + 1 + n];
}

const KIND_BY_OID_HEX: Record<string, CmsKind> = {
  '2a864886f70d010702': 'signed',
  '2a864886f70d010703': 'enveloped',
  '2a864886f70d0109100117': 'authEnveloped',
};

/**
 * The ContentInfo's contentType, read from the first few bytes: deciding what an S/MIME part is must
 * not parse a 32 MB blob (the operation that follows parses it once).
 */
export function cmsKind(der: Uint8Array): CmsKind {
  if (der[0] !== 0x30) return 'other';
  const [, afterOuter] = readLength(der, 1);
  if (der[afterOuter] !== 0x06) return 'other';
  const [oidLen, oidStart] = readLength(der, afterOuter + 1);
  if (oidLen <= 0 || oidLen > 16) return 'other';
  let hex = '';
  for (let i = oidStart; i < oidStart + oidLen; i++) hex += (der[i] ?? 0).toString(16).padStart(2, '0');
  return KIND_BY_OID_HEX[hex] ?? 'other';
}

export async function checkSignature(
  der: Uint8Array,
  detached: Uint8Array | undefined,
  env: CoreEnv,
): Promise<SignatureCheck> {
  let r: Awaited<ReturnType<typeof verifySignedData>>;
  let mismatch: { code: ErrorCode; message: string } | null = null;
  try {
    r = await verifySignedData(der, detached ? { detachedContent: detached } : {}, env);
  } catch (e) {
    // shared/cms refuses a multipart/signed whose SignedData embeds other content. Say who signed
    // (the signer info is still readable) and that the signature does not cover the shown part.
    if (!detached) throw e;
    r = await verifySignedData(der, {}, env);
    if (!r.content || equalBytes(r.content, detached)) throw e;
    mismatch = {
      code: 'cms.content-mismatch',
      message: 'The signature carries its own content, different from the signed part shown.',
    };
  }
  return {
    signers: r.signers.map((s) => ({
      certificate: s.certificate,
      intact: s.intact && !mismatch,
      digestAlgorithm: s.digestAlgorithm,
      signatureAlgorithm: s.signatureAlgorithm,
      signingTime: s.signingTime,
      encryptionKeyPreference: s.encryptionKeyPreference,
      capabilities: s.capabilities,
      errors: mismatch ? [mismatch, ...s.errors] : s.errors,
    })),
    certificates: r.certificates,
    content: r.content,
  };
}

export interface SignInput {
  content: Uint8Array;
  signer: Identity;
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
  pss: boolean;
  detached: boolean;
  /** Certificates to include besides the signer's (the chain, as chosen by the caller). */
  extraCertificates: Uint8Array[];
  encryptionCertificate?: Uint8Array;
  /** SMIMECapabilities signed attribute (default true). */
  capabilities?: boolean;
}

export async function createSignature(input: SignInput, env: CoreEnv): Promise<Uint8Array> {
  return createSignedData(
    {
      content: input.content,
      detached: input.detached,
      signer: input.signer,
      hash: input.hash,
      pss: input.pss,
      certificates: input.extraCertificates,
      encryptionCertificate: input.encryptionCertificate,
      capabilities: input.capabilities ?? true,
    },
    env,
  );
}

/** The EnvelopedData DER as pieces in order (the ciphertext is one of them, not copied). */
export async function createEnvelopePieces(
  content: Uint8Array,
  recipients: Uint8Array[],
  opts: EncryptOptions,
  env: CoreEnv,
): Promise<Uint8Array[]> {
  return (await createEnvelopedDataParts({ content, recipients, ...opts }, env)).pieces;
}

/** Errors: cms.malformed, cms.no-recipient (not encrypted to this key), otherwise only cms.decrypt-failed. */
export async function decryptWith(der: Uint8Array, identity: Identity, env: CoreEnv): Promise<Decryption> {
  return decryptEnvelopedData(der, identity, env);
}
