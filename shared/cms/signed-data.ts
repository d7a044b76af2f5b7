/**
 * SignedData (RFC 5652 §5) with the S/MIME signed attributes of RFC 8551. Signing never uses SHA-1 or
 * MD5; verification checks every SignerInfo on its own (digest, signature, contentType) and reports
 * each result instead of failing the whole message on the first bad one. Certificate paths are not
 * checked here: that is shared/pki's job.
 */
import * as asn1js from 'asn1js';
import { equalBytes } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError, type ErrorCode } from '../errors';
import type { Identity } from '../keys/identity';
import { describePrivateKey, importSigningKey } from '../keys/private-key';
import {
  algorithmIdentifier,
  contentBytes,
  encodingOf,
  isContext,
  oid,
  sequence,
  setItems,
  smallInt,
} from '../keys/der';
import { DIGESTS, DIGEST_OID, OID, type DigestName } from './algorithms';
import { encodeContentInfo, malformed, parseContentInfo, readingCms } from './content-info';
import { digest } from './digest';
import {
  derAlgorithm,
  derExplicit,
  derInteger,
  derOctetString,
  derOid,
  derSequence,
  derSetOf,
  retag,
  tlv,
} from './der-writer';
import { certificateId, issuerAndSerialNumber, namesCertificate } from './recipient-id';
import type { EncryptionKeyPreference } from './encryption-key-preference';
import { buildSignedAttributes, readSignedAttributes } from './signed-attributes';
import {
  describeSignatureAlgorithm,
  ecdsaRawToDer,
  signatureBytes,
  signatureChoice,
  verifySignatureValue,
} from './signature-value';

export interface CreateSignedDataOptions {
  content: Uint8Array;
  detached: boolean;
  signer: Identity;
  hash: 'SHA-256' | 'SHA-384' | 'SHA-512';
  pss: boolean;
  /** Certificates to carry besides the signer's own (which is always included). */
  certificates: Uint8Array[];
  /** SMIMECapabilities attribute; default true. */
  capabilities?: boolean;
  /** Adds SMIMEEncryptionKeyPreference naming this certificate (and carries it). */
  encryptionCertificate?: Uint8Array;
  /** eContentType; default id-data. */
  eContentType?: string;
}

const HASHES = new Set(['SHA-256', 'SHA-384', 'SHA-512']);

/** Returns a ContentInfo DER holding the SignedData. */
export async function createSignedData(opts: CreateSignedDataOptions, env: CoreEnv): Promise<Uint8Array> {
  // Never SHA-1 or MD5 for our signatures, whatever a caller passes in at runtime.
  if (!HASHES.has(opts.hash))
    throw new SelloError('cms.unsupported-algorithm', `Signing with ${String(opts.hash)} is not allowed.`);
  const eContentType = opts.eContentType ?? OID.data;
  const signerCert = opts.signer.certificate;
  const key = await importSigningKey(
    opts.signer.privateKey,
    signerCert,
    { hash: opts.hash, pss: opts.pss },
    env,
  );
  const kind = describePrivateKey(opts.signer.privateKey).kind;
  const choice = signatureChoice(kind, opts.hash, opts.pss);

  const signedAttrs = await buildSignedAttributes(
    {
      contentType: eContentType,
      digest: await digest(opts.hash, opts.content, env),
      signingTime: env.now(),
      capabilities: opts.capabilities ?? true,
      encryptionCertificate: opts.encryptionCertificate,
      signingCertificate: signerCert,
    },
    env,
  );
  let signature: Uint8Array;
  try {
    signature = new Uint8Array(
      await env.crypto.subtle.sign(choice.params, key, signedAttrs as Uint8Array<ArrayBuffer>),
    );
  } catch (e) {
    throw new SelloError('cms.sign-failed', 'The content could not be signed.', { cause: e });
  }
  if (choice.ecdsa) signature = ecdsaRawToDer(signature);

  const digestAlgorithm = derAlgorithm(DIGEST_OID[opts.hash]);
  const signerInfo = derSequence(
    derInteger(1),
    issuerAndSerialNumber(certificateId(signerCert)),
    digestAlgorithm,
    retag(signedAttrs, 0xa0),
    choice.algorithm,
    derOctetString(signature),
  );
  const certificates: Uint8Array[] = [];
  for (const c of [
    signerCert,
    ...opts.certificates,
    ...(opts.encryptionCertificate ? [opts.encryptionCertificate] : []),
  ]) {
    if (!certificates.some((k) => equalBytes(k, c))) certificates.push(c);
  }
  const encapContentInfo = derSequence(
    derOid(eContentType),
    ...(opts.detached ? [] : [derExplicit(0, derOctetString(opts.content))]),
  );
  // RFC 5652 §5.1: version 3 when eContentType is not id-data, otherwise 1 (only v1 SignerInfos here).
  const signedData = derSequence(
    derInteger(eContentType === OID.data ? 1 : 3),
    derSetOf([digestAlgorithm]),
    encapContentInfo,
    // certificates [0] IMPLICIT CertificateSet; kept in the given order (signer first) as a SET OF
    tlv(0xa0, ...certificates),
    derSetOf([signerInfo]),
  );
  return encodeContentInfo(OID.signedData, signedData);
}

export interface SignerCheck {
  /** The signer's certificate (DER) when found in the message or the extra certificates. */
  certificate: Uint8Array | null;
  digestAlgorithm: string;
  signatureAlgorithm: string;
  signingTime: Date | null;
  /** Digest and signature both check out (says nothing about trust in the certificate). */
  intact: boolean;
  /** MD5 or SHA-1 in the digest or the signature. */
  weak: boolean;
  /** The signed SMIMEEncryptionKeyPreference attribute, when present and readable. */
  encryptionKeyPreference: EncryptionKeyPreference | null;
  /** The signed SMIMECapabilities attribute as capability OIDs, when present and readable. */
  capabilities: string[] | null;
  errors: { code: ErrorCode; message: string }[];
}

export interface SignedDataResult {
  eContentType: string;
  /** Encapsulated content, or null when detached. */
  content: Uint8Array | null;
  /** Every certificate the SignedData carries, DER. */
  certificates: Uint8Array[];
  signers: SignerCheck[];
}

export interface VerifySignedDataOptions {
  detachedContent?: Uint8Array;
  /** Certificates to look for signers in besides those the message carries. */
  extraCertificates?: Uint8Array[];
}

export interface ParsedSignedData {
  eContentType: string;
  content: Uint8Array | null;
  certificates: Uint8Array[];
  signerInfos: asn1js.AsnType[];
}

/** The SignedData's parts, read strictly (no verification). */
export function parseSignedData(der: Uint8Array): ParsedSignedData {
  return readingCms(() => {
    const ci = parseContentInfo(der);
    if (ci.contentType !== OID.signedData) {
      throw new SelloError('cms.not-signed-data', 'The CMS structure is not a SignedData.');
    }
    const items = sequence(ci.content, malformed);
    let i = 0;
    smallInt(items[i++], malformed); // version
    setItems(items[i++], malformed); // digestAlgorithms: each SignerInfo names its own
    const encap = sequence(items[i++], malformed, 1, 2);
    const eContentType = oid(encap[0], malformed);
    let content: Uint8Array | null = null;
    if (encap[1] !== undefined) {
      if (!isContext(encap[1], 0)) throw malformed();
      const inner = (encap[1] as asn1js.Constructed).valueBlock.value;
      if (inner.length !== 1 || !(inner[0] instanceof asn1js.OctetString)) throw malformed();
      content = contentBytes(inner[0], malformed);
    }
    const certificates: Uint8Array[] = [];
    if (isContext(items[i], 0)) {
      for (const c of (items[i++] as asn1js.Constructed).valueBlock.value ?? []) {
        // CertificateChoices: only plain X.509 certificates (a SEQUENCE); other choices are skipped.
        if (c instanceof asn1js.Sequence) certificates.push(encodingOf(c));
      }
    }
    if (isContext(items[i], 1)) i++; // crls
    const signerInfos = setItems(items[i++], malformed);
    if (i !== items.length) throw malformed();
    return { eContentType, content, certificates, signerInfos };
  });
}

function weakDigest(name: string): boolean {
  return name === 'MD5' || name === 'SHA-1';
}

async function checkSigner(
  node: asn1js.AsnType,
  sd: ParsedSignedData,
  data: Uint8Array | null,
  candidates: Uint8Array[],
  env: CoreEnv,
): Promise<SignerCheck> {
  const check: SignerCheck = {
    certificate: null,
    digestAlgorithm: 'unknown',
    signatureAlgorithm: 'unknown',
    signingTime: null,
    intact: false,
    weak: false,
    encryptionKeyPreference: null,
    capabilities: null,
    errors: [],
  };
  const fail = (code: ErrorCode, message: string): SignerCheck => {
    check.errors.push({ code, message });
    return check;
  };
  let items: asn1js.AsnType[];
  let digestOid: string;
  try {
    items = sequence(node, malformed, 5, 7);
    digestOid = algorithmIdentifier(items[2], malformed).oid;
  } catch {
    return fail('cms.malformed', 'The signer information is not well-formed.');
  }
  const digestInfo = DIGESTS[digestOid];
  check.digestAlgorithm = digestInfo?.name ?? digestOid;
  const attrsNode = isContext(items[3], 0) ? items[3] : undefined;
  const k = attrsNode ? 4 : 3;
  const sigAlgNode = items[k];
  let attrs: ReturnType<typeof readSignedAttributes> | null = null;
  let signature: Uint8Array;
  try {
    check.signatureAlgorithm = describeSignatureAlgorithm(sigAlgNode, digestInfo?.name ?? 'SHA-256').name;
    signature = signatureBytes(items[k + 1]);
    if (attrsNode) attrs = readSignedAttributes((attrsNode as asn1js.Constructed).valueBlock.value ?? []);
  } catch {
    return fail('cms.malformed', 'The signer information is not well-formed.');
  }
  check.signingTime = attrs?.signingTime ?? null;
  check.encryptionKeyPreference = attrs?.encryptionKeyPreference ?? null;
  check.capabilities = attrs?.capabilities ?? null;
  const sigHash = describeSignatureAlgorithm(sigAlgNode, digestInfo?.name ?? 'SHA-256').hash;
  check.weak = (digestInfo ? digestInfo.weak : false) || weakDigest(sigHash);

  const certificate = candidates.find((c) => {
    try {
      return namesCertificate(items[1], certificateId(c));
    } catch {
      return false; // an unreadable certificate in the bag cannot be the signer's
    }
  });
  if (!certificate) return fail('cms.signer-not-found', 'The signer certificate is not in the message.');
  check.certificate = certificate;
  if (!digestInfo)
    return fail('cms.unsupported-algorithm', `The digest algorithm ${digestOid} is not supported.`);
  if (!data) return fail('cms.no-content', 'There is no content to verify the signature over.');

  let signedBytes: Uint8Array;
  if (attrs) {
    // RFC 5652 §5.3: with signed attributes, contentType and messageDigest are mandatory and
    // contentType must equal eContentType (§11.1), or a signature could be moved to other content.
    if (attrs.contentType === null || attrs.messageDigest === null) {
      return fail('cms.malformed', 'The signed attributes lack contentType or messageDigest.');
    }
    if (attrs.contentType !== sd.eContentType) {
      fail('cms.malformed', 'The signed content type differs from the encapsulated content type.');
    }
    const actual = await digest(digestInfo.name as DigestName, data, env);
    if (!equalBytes(actual, attrs.messageDigest)) {
      fail('cms.digest-mismatch', 'The content does not match the signed digest: it was altered.');
    }
    // §5.4: the signature covers the DER SET OF as received, with the SET tag instead of [0].
    signedBytes = retag(encodingOf(attrsNode!), 0x31);
  } else {
    if (sd.eContentType !== OID.data) {
      return fail('cms.malformed', 'Signed attributes are required for this content type.');
    }
    signedBytes = data;
  }
  let valid: boolean;
  try {
    valid = await verifySignatureValue(
      certificateId(certificate).spki,
      sigAlgNode,
      digestInfo.name,
      signedBytes,
      signature,
      env,
    );
  } catch (e) {
    if (e instanceof SelloError && e.code === 'cms.unsupported-algorithm') return fail(e.code, e.message);
    return fail('cms.bad-signature', 'The signature could not be checked with the signer certificate.');
  }
  if (!valid) fail('cms.bad-signature', 'The signature does not match: the message was altered or forged.');
  check.intact = check.errors.length === 0;
  return check;
}

export async function verifySignedData(
  der: Uint8Array,
  opts: VerifySignedDataOptions,
  env: CoreEnv,
): Promise<SignedDataResult> {
  const sd = parseSignedData(der);
  // A signature that carries content and is handed other content would verify one and show the other.
  if (sd.content && opts.detachedContent && !equalBytes(sd.content, opts.detachedContent)) {
    throw new SelloError(
      'cms.malformed',
      'The signature carries its own content and was given different content.',
    );
  }
  const data = sd.content ?? opts.detachedContent ?? null;
  const candidates = [...sd.certificates, ...(opts.extraCertificates ?? [])];
  const signers: SignerCheck[] = [];
  for (const si of sd.signerInfos) signers.push(await checkSigner(si, sd, data, candidates, env));
  return { eContentType: sd.eContentType, content: sd.content, certificates: sd.certificates, signers };
}
