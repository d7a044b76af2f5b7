/**
 * The CMS operations the S/MIME layer needs, behind one narrow port so that sign/encrypt/open do not
 * depend on how shared/cms shapes its results.
 */
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError, type ErrorCode } from '../errors';
import type { Identity } from '../keys/identity';
import { createEnvelopedData, createSignedData, decryptEnvelopedData, verifySignedData } from '../cms';
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

const malformed = (e?: unknown) =>
  new SelloError('cms.malformed', 'The CMS structure is not well-formed.', { cause: e });

function contentInfo(der: Uint8Array): pkijs.ContentInfo {
  try {
    return pkijs.ContentInfo.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw malformed(e);
  }
}

export function cmsKind(der: Uint8Array): CmsKind {
  let type: string;
  try {
    type = contentInfo(der).contentType;
  } catch {
    return 'other'; // the caller reports an unsupported/unreadable S/MIME object
  }
  if (type === OID.signedData) return 'signed';
  if (type === OID.envelopedData) return 'enveloped';
  if (type === OID.authEnvelopedData) return 'authEnveloped';
  return 'other';
}

export async function checkSignature(
  der: Uint8Array,
  detached: Uint8Array | undefined,
  env: CoreEnv,
): Promise<SignatureCheck> {
  // shared/cms checks a detached signature against the detached content only, never embedded content.
  const r = await verifySignedData(der, detached ? { detachedContent: detached } : {}, env);
  return {
    signers: r.signers.map((s) => ({
      certificate: s.certificate,
      intact: s.intact,
      digestAlgorithm: s.digestAlgorithm,
      signatureAlgorithm: s.signatureAlgorithm,
      signingTime: s.signingTime,
      errors: s.errors,
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
    },
    env,
  );
}

export async function createEnvelope(
  content: Uint8Array,
  recipients: Uint8Array[],
  opts: EncryptOptions,
  env: CoreEnv,
): Promise<Uint8Array> {
  return createEnvelopedData({ content, recipients, ...opts }, env);
}

/** Errors: cms.malformed, cms.no-recipient (not encrypted to this key), otherwise only cms.decrypt-failed. */
export async function decryptWith(der: Uint8Array, identity: Identity, env: CoreEnv): Promise<Decryption> {
  return decryptEnvelopedData(der, identity, env);
}
