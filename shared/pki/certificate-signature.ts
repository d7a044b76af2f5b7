/**
 * Checking a certificate's (or CRL's) signature with its issuer's key through PKI.js and WebCrypto:
 * RSA PKCS#1 v1.5, RSASSA-PSS and ECDSA. MD2/MD5/SHA-1 signatures and RSA keys under 2048 bits are
 * refused unless the policy relaxes it (then they are reported as warnings, never silently).
 * md5WithRSAEncryption and sha224WithRSAEncryption, which WebCrypto (and so PKI.js) lacks, go
 * through the raw RSA check shared/cms uses for old SignerInfos, so that "relaxed" really accepts a
 * correct MD5 signature instead of failing it as an unknown algorithm. MD2 stays uncheckable.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { cryptoEngine } from '../cms/engine';
import { verifySignatureValue } from '../cms/signature-value';
import type { CoreEnv } from '../env';

const WEAK_SIGNATURE_OIDS: Record<string, string> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSASignature',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
};
const OID_PSS = '1.2.840.113549.1.1.10';
// RSA PKCS#1 v1.5 with a hash WebCrypto does not offer.
const RAW_RSA_OIDS = new Set(['1.2.840.113549.1.1.4', '1.2.840.113549.1.1.14']);
const OID_SHA1 = '1.3.14.3.2.26';
const DSA_OIDS = new Set(['1.2.840.10040.4.3', '2.16.840.1.101.3.4.3.2', '2.16.840.1.101.3.4.3.1']);

/** The name of a weak signature algorithm (MD5/SHA-1 family), or undefined when it is not weak. */
export function weakSignatureAlgorithm(alg: pkijs.AlgorithmIdentifier): string | undefined {
  const named = WEAK_SIGNATURE_OIDS[alg.algorithmId];
  if (named) return named;
  if (alg.algorithmId === OID_PSS && alg.algorithmParams instanceof asn1js.Sequence) {
    try {
      const params = new pkijs.RSASSAPSSParams({ schema: alg.algorithmParams });
      // RFC 4055: an absent hashAlgorithm means SHA-1.
      if (params.hashAlgorithm.algorithmId === OID_SHA1) return 'RSASSA-PSS with SHA-1';
    } catch {
      return undefined; // the verification itself reports malformed parameters
    }
  } else if (alg.algorithmId === OID_PSS) return 'RSASSA-PSS with SHA-1';
  return undefined;
}

const OID_ED25519 = '1.3.101.112';

/** RFC 8410 Ed25519 (RFC 9216's sample CA): PKI.js has no Ed25519, WebCrypto does in Node 20 and recent browsers. */
async function verifyEd25519(
  tbs: ArrayBuffer,
  signature: asn1js.BitString,
  issuerKey: pkijs.PublicKeyInfo,
  env: CoreEnv,
): Promise<SignatureOutcome> {
  if (issuerKey.algorithm.algorithmId !== OID_ED25519) return 'invalid';
  let key: CryptoKey;
  try {
    const spki = issuerKey.toSchema().toBER(false);
    key = await env.crypto.subtle.importKey('spki', spki, { name: 'Ed25519' }, false, ['verify']);
  } catch {
    return 'unsupported'; // a host whose WebCrypto lacks Ed25519
  }
  const sig = signature.valueBlock.valueHexView.slice().buffer;
  const ok = await env.crypto.subtle.verify({ name: 'Ed25519' }, key, sig, tbs);
  return ok ? 'valid' : 'invalid';
}

export type SignatureOutcome = 'valid' | 'invalid' | 'unsupported';

/** Verifies `tbs`/`signature` (a certificate's or CRL's) with the issuer's subjectPublicKeyInfo. */
export async function verifyWithIssuerKey(
  tbs: ArrayBuffer,
  signature: asn1js.BitString,
  signatureAlgorithm: pkijs.AlgorithmIdentifier,
  issuerKey: pkijs.PublicKeyInfo,
  env: CoreEnv,
): Promise<SignatureOutcome> {
  // WebCrypto has no DSA: such paths cannot be checked (PKITS 4.1.4-4.1.6, listed in docs/pkits.md).
  if (DSA_OIDS.has(signatureAlgorithm.algorithmId)) return 'unsupported';
  if (signatureAlgorithm.algorithmId === OID_ED25519) return verifyEd25519(tbs, signature, issuerKey, env);
  if (RAW_RSA_OIDS.has(signatureAlgorithm.algorithmId))
    return verifyRawRsa(tbs, signature, signatureAlgorithm, issuerKey, env);
  try {
    const ok = await cryptoEngine(env).verifyWithPublicKey(tbs, signature, issuerKey, signatureAlgorithm);
    return ok ? 'valid' : 'invalid';
  } catch (e) {
    // PKI.js throws for algorithms and curves WebCrypto does not offer and for broken keys; for a
    // well-known algorithm a throw means the signature cannot be right.
    const message = e instanceof Error ? e.message : String(e);
    return /unsupported|not supported|unknown/i.test(message) ? 'unsupported' : 'invalid';
  }
}

async function verifyRawRsa(
  tbs: ArrayBuffer,
  signature: asn1js.BitString,
  signatureAlgorithm: pkijs.AlgorithmIdentifier,
  issuerKey: pkijs.PublicKeyInfo,
  env: CoreEnv,
): Promise<SignatureOutcome> {
  try {
    const ok = await verifySignatureValue(
      new Uint8Array(issuerKey.toSchema().toBER(false)),
      signatureAlgorithm.toSchema(),
      // The algorithm names its own hash; this is only the fallback the function requires.
      'SHA-256',
      new Uint8Array(tbs),
      signature.valueBlock.valueHexView.slice(),
      env,
    );
    return ok ? 'valid' : 'invalid';
  } catch {
    // An EC issuer key under an RSA algorithm, or a broken key: the signature cannot be right.
    return 'invalid';
  }
}

export function verifyCertificateSignature(
  cert: pkijs.Certificate,
  issuerKey: pkijs.PublicKeyInfo,
  env: CoreEnv,
): Promise<SignatureOutcome> {
  return verifyWithIssuerKey(
    cert.tbsView.slice().buffer,
    cert.signatureValue,
    cert.signatureAlgorithm,
    issuerKey,
    env,
  );
}
