/**
 * The CMS operations the S/MIME layer needs, behind one narrow port so that sign/encrypt/open do not
 * depend on how shared/cms shapes its results. Interim: verification and signing call PKI.js directly
 * (always with an explicit engine and algorithm); envelope operations delegate to shared/cms once it
 * lands, and this file shrinks to the mapping.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { equalBytes, toArrayBuffer } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError, type ErrorCode } from '../errors';
import type { Identity } from '../keys/identity';
import { importSigningKey } from '../keys/private-key';
import { openEnvelope } from './envelope-port';

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

const SIGNATURE_OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'rsaEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
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

function certificateBytes(c: pkijs.CertificateSetItem): Uint8Array | null {
  return c instanceof pkijs.Certificate ? new Uint8Array(c.toSchema().toBER(false)) : null;
}

/** Encapsulated content, including the constructed (chunked) OCTET STRING BER that some writers use. */
function encapsulated(sd: pkijs.SignedData): Uint8Array | null {
  const e = sd.encapContentInfo.eContent;
  if (!e) return null;
  if (e.idBlock.isConstructed) {
    const parts = (e.valueBlock.value as asn1js.OctetString[]).map((p) => p.valueBlock.valueHexView);
    const total = parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
  return new Uint8Array(e.valueBlock.valueHexView);
}

function signingTimeOf(si: pkijs.SignerInfo): Date | null {
  const attr = si.signedAttrs?.attributes.find((a) => a.type === OID.signingTime);
  const v = attr?.values[0] as { toDate?: () => Date } | undefined;
  return v && typeof v.toDate === 'function' ? v.toDate() : null;
}

export async function checkSignature(
  der: Uint8Array,
  detached: Uint8Array | undefined,
  env: CoreEnv,
): Promise<SignatureCheck> {
  const info = contentInfo(der);
  if (info.contentType !== OID.signedData) {
    throw new SelloError('cms.not-signed-data', 'The signature part does not hold a CMS SignedData.');
  }
  let sd: pkijs.SignedData;
  try {
    sd = new pkijs.SignedData({ schema: info.content });
  } catch (e) {
    throw malformed(e);
  }
  const engine = engineFor(env);
  const content = encapsulated(sd);
  // A detached signature is checked against the detached content only: PKI.js would prefer embedded
  // content, and a multipart/signed whose SignedData embeds other content must not verify over that.
  if (detached && content) sd.encapContentInfo.eContent = undefined;
  const data = detached ?? content ?? undefined;
  const certificates = (sd.certificates ?? []).map(certificateBytes).filter((c): c is Uint8Array => !!c);
  const signers: SignerCheck[] = [];
  for (let i = 0; i < sd.signerInfos.length; i++) {
    const si = sd.signerInfos[i]!;
    const check: SignerCheck = {
      certificate: null,
      intact: false,
      digestAlgorithm: HASH_OIDS[si.digestAlgorithm.algorithmId] ?? si.digestAlgorithm.algorithmId,
      signatureAlgorithm:
        SIGNATURE_OIDS[si.signatureAlgorithm.algorithmId] ?? si.signatureAlgorithm.algorithmId,
      signingTime: signingTimeOf(si),
      errors: [],
    };
    if (!data) {
      check.errors.push({
        code: 'cms.no-content',
        message: 'There is no content to verify the signature over.',
      });
      signers.push(check);
      continue;
    }
    try {
      const r = await sd.verify(
        {
          signer: i,
          // toArrayBuffer, not .slice().buffer: a Node Buffer's slice is a view into a shared pool.
          data: toArrayBuffer(data),
          extendedMode: true,
          checkChain: false,
          // Chain and validity are shared/pki's job; here only the signature itself is checked.
          checkDate: env.now(),
        },
        engine,
      );
      check.intact = r.signatureVerified === true;
      if (r.signerCertificate)
        check.certificate = new Uint8Array(r.signerCertificate.toSchema().toBER(false));
    } catch (e) {
      const r = e as Partial<pkijs.SignedDataVerifyResult>;
      if (r.signerCertificate)
        check.certificate = new Uint8Array(r.signerCertificate.toSchema().toBER(false));
      if (r.code === 3 || (!r.signerCertificate && /certificate/i.test(r.message ?? ''))) {
        check.errors.push({
          code: 'cms.signer-certificate-missing',
          message: 'The signer certificate is not in the message.',
        });
      } else {
        check.errors.push({
          code: 'cms.bad-signature',
          message: 'The signature does not match the content: it was altered or is forged.',
        });
      }
    }
    signers.push(check);
  }
  return { signers, certificates, content };
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

/** RFC 8551 §2.5.2: capabilities in preference order (what we can decrypt, strongest first). */
function smimeCapabilities(): asn1js.Sequence {
  const cap = (oid: string) => new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: oid })] });
  return new asn1js.Sequence({
    value: [
      cap('2.16.840.1.101.3.4.1.46'), // aes256-GCM
      cap('2.16.840.1.101.3.4.1.6'), // aes128-GCM
      cap('2.16.840.1.101.3.4.1.42'), // aes256-CBC
      cap('2.16.840.1.101.3.4.1.2'), // aes128-CBC
      cap('1.2.840.113549.1.1.7'), // RSAES-OAEP
    ],
  });
}

function issuerAndSerial(cert: pkijs.Certificate): pkijs.IssuerAndSerialNumber {
  return new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber });
}

export async function createSignature(input: SignInput, env: CoreEnv): Promise<Uint8Array> {
  const engine = engineFor(env);
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(input.signer.certificate));
  const key = await importSigningKey(
    input.signer.privateKey,
    input.signer.certificate,
    { hash: input.hash, pss: input.pss },
    env,
  );
  const digest = new Uint8Array(
    await env.crypto.subtle.digest(input.hash, input.content as Uint8Array<ArrayBuffer>),
  );
  const certDigest = new Uint8Array(
    await env.crypto.subtle.digest('SHA-256', input.signer.certificate as Uint8Array<ArrayBuffer>),
  );
  const attributes: pkijs.Attribute[] = [
    new pkijs.Attribute({
      type: OID.contentType,
      values: [new asn1js.ObjectIdentifier({ value: OID.data })],
    }),
    new pkijs.Attribute({ type: OID.signingTime, values: [new asn1js.UTCTime({ valueDate: env.now() })] }),
    new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: digest })] }),
    new pkijs.Attribute({ type: OID.smimeCapabilities, values: [smimeCapabilities()] }),
    // RFC 5035: SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256, certHash } }
    new pkijs.Attribute({
      type: OID.signingCertificateV2,
      values: [
        new asn1js.Sequence({
          value: [
            new asn1js.Sequence({
              value: [new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: certDigest })] })],
            }),
          ],
        }),
      ],
    }),
  ];
  if (input.encryptionCertificate) {
    const enc = pkijs.Certificate.fromBER(toArrayBuffer(input.encryptionCertificate));
    // RFC 8551 §2.5.3: SMIMEEncryptionKeyPreference ::= CHOICE { issuerAndSerialNumber [0] IMPLICIT ... }
    const ias = issuerAndSerial(enc).toSchema();
    attributes.push(
      new pkijs.Attribute({
        type: OID.encryptionKeyPreference,
        values: [
          new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: ias.valueBlock.value }),
        ],
      }),
    );
  }
  const signerInfo = new pkijs.SignerInfo({
    version: 1,
    sid: issuerAndSerial(cert),
    signedAttrs: new pkijs.SignedAndUnsignedAttributes({ type: 0, attributes }),
  });
  const certificates: pkijs.Certificate[] = [
    cert,
    ...input.extraCertificates.map((c) => pkijs.Certificate.fromBER(toArrayBuffer(c))),
  ];
  // The recipient needs the encryption certificate the preference attribute points to.
  if (input.encryptionCertificate && !equalBytes(input.encryptionCertificate, input.signer.certificate)) {
    certificates.push(pkijs.Certificate.fromBER(toArrayBuffer(input.encryptionCertificate)));
  }
  const sd = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({
      eContentType: OID.data,
      ...(input.detached ? {} : { eContent: new asn1js.OctetString({ valueHex: input.content }) }),
    }),
    signerInfos: [signerInfo],
    certificates,
  });
  try {
    await sd.sign(key, 0, input.hash, undefined, engine);
  } catch (e) {
    throw new SelloError('cms.sign-failed', 'The message could not be signed.', { cause: e });
  }
  const out = new pkijs.ContentInfo({ contentType: OID.signedData, content: sd.toSchema(true) });
  return new Uint8Array(out.toSchema().toBER(false));
}

export { createEnvelope } from './envelope-port';

export async function decryptWith(der: Uint8Array, identity: Identity, env: CoreEnv): Promise<Decryption> {
  return openEnvelope(der, identity, env);
}
