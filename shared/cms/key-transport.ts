/**
 * KeyTransRecipientInfo (RFC 5652 §6.2.1) with RSA: RSAES-PKCS1-v1_5 through shared/crypto's BigInt
 * implementation (WebCrypto has none; decryption uses implicit rejection, so a bad padding yields a
 * synthetic key that then fails content decryption like any wrong key), and RSAES-OAEP (RFC 3560)
 * with SHA-1 or SHA-256 through WebCrypto.
 */
import * as asn1js from 'asn1js';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { rsaPkcs1v15DecryptImplicit, rsaPkcs1v15Encrypt } from '../crypto/rsa-pkcs1v15';
import { algorithmIdentifier, explicit, isContext, octets, sequence } from '../keys/der';
import type { Identity } from '../keys/identity';
import { DIGESTS, OID } from './algorithms';
import { decryptFailed } from './decrypt-failure';
import { derAlgorithm, derExplicit, derInteger, derNull, derOctetString, derSequence } from './der-writer';
import { issuerAndSerialNumber, subjectKeyIdentifierChoice, type CertificateId } from './recipient-id';

export type KeyTransport = 'rsaes-pkcs1-v1_5' | 'rsaes-oaep-sha1' | 'rsaes-oaep-sha256';

const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => b.slice() as Uint8Array<ArrayBuffer>;

/**
 * RFC 4055 §4.1 RSAES-OAEP-params. SHA-1 with MGF1-SHA-1 is all defaults (an empty SEQUENCE); SHA-256
 * names the hash and MGF1-SHA-256, as OpenSSL writes and reads them.
 */
function oaepAlgorithm(hash: 'SHA-1' | 'SHA-256'): Uint8Array {
  if (hash === 'SHA-1') return derAlgorithm(OID.rsaesOaep, derSequence());
  const sha256 = derAlgorithm(OID.sha256, derNull());
  return derAlgorithm(
    OID.rsaesOaep,
    derSequence(derExplicit(0, sha256), derExplicit(1, derAlgorithm(OID.mgf1, sha256))),
  );
}

export async function keyTransRecipientInfo(
  id: CertificateId,
  who: string,
  cek: Uint8Array,
  keyTransport: KeyTransport,
  recipientId: 'issuer-serial' | 'ski',
  env: CoreEnv,
): Promise<Uint8Array> {
  let encryptedKey: Uint8Array;
  let algorithm: Uint8Array;
  try {
    if (keyTransport === 'rsaes-pkcs1-v1_5') {
      encryptedKey = await rsaPkcs1v15Encrypt(id.spki, cek, env);
      algorithm = derAlgorithm(OID.rsaEncryption, derNull());
    } else {
      const hash = keyTransport === 'rsaes-oaep-sha1' ? 'SHA-1' : 'SHA-256';
      const key = await env.crypto.subtle.importKey('spki', buf(id.spki), { name: 'RSA-OAEP', hash }, false, [
        'encrypt',
      ]);
      encryptedKey = new Uint8Array(await env.crypto.subtle.encrypt({ name: 'RSA-OAEP' }, key, buf(cek)));
      algorithm = oaepAlgorithm(hash);
    }
  } catch (e) {
    throw new SelloError('cms.recipient-key-missing', `The content key could not be encrypted for ${who}.`, {
      cause: e,
    });
  }
  // RFC 5652 §6.2.1: version 0 with issuerAndSerialNumber, 2 with subjectKeyIdentifier.
  const ski = recipientId === 'ski';
  return derSequence(
    derInteger(ski ? 2 : 0),
    ski ? subjectKeyIdentifierChoice(id, who) : issuerAndSerialNumber(id),
    algorithm,
    derOctetString(encryptedKey),
  );
}

interface OaepParams {
  hash: string;
  label?: Uint8Array;
}

/** RFC 4055 §4.1; WebCrypto needs MGF1 over the same hash, so anything else cannot be decrypted. */
function readOaepParams(params: asn1js.AsnType | undefined): OaepParams {
  let hash = 'SHA-1';
  let mgfHash = 'SHA-1';
  let label: Uint8Array | undefined;
  const hashName = (n: asn1js.AsnType): string => {
    const d = DIGESTS[algorithmIdentifier(n, decryptFailed).oid];
    if (!d || d.name === 'MD5' || d.name === 'SHA-224') throw decryptFailed();
    return d.name;
  };
  const items =
    params === undefined || params instanceof asn1js.Null ? [] : sequence(params, decryptFailed, 0, 3);
  for (const item of items) {
    if (isContext(item, 0)) hash = hashName(explicit(item, 0, decryptFailed));
    else if (isContext(item, 1)) {
      const mgf = algorithmIdentifier(explicit(item, 1, decryptFailed), decryptFailed);
      if (mgf.oid !== OID.mgf1 || !mgf.params) throw decryptFailed();
      mgfHash = hashName(mgf.params);
    } else if (isContext(item, 2)) {
      const source = algorithmIdentifier(explicit(item, 2, decryptFailed), decryptFailed);
      if (source.oid !== OID.pSpecified) throw decryptFailed();
      label = octets(source.params, decryptFailed);
    } else throw decryptFailed();
  }
  if (mgfHash !== hash) throw decryptFailed();
  return { hash, ...(label && label.length > 0 ? { label } : {}) };
}

export function keyTransportName(algorithmNode: asn1js.AsnType | undefined): string {
  try {
    const alg = algorithmIdentifier(algorithmNode, decryptFailed);
    if (alg.oid === OID.rsaEncryption) return 'rsaes-pkcs1-v1_5';
    if (alg.oid === OID.rsaesOaep)
      return `rsaes-oaep-${readOaepParams(alg.params).hash.toLowerCase().replace('-', '')}`;
    return alg.oid;
  } catch {
    return 'unknown'; // only a name for reporting; decryption fails on its own
  }
}

/** The content-encryption key from a KTRI that names our certificate. Any failure: cms.decrypt-failed. */
export async function decryptKeyTrans(
  algorithmNode: asn1js.AsnType | undefined,
  encryptedKey: Uint8Array,
  identity: Identity,
  env: CoreEnv,
): Promise<Uint8Array> {
  try {
    const alg = algorithmIdentifier(algorithmNode, decryptFailed);
    if (alg.oid === OID.rsaEncryption) {
      return await rsaPkcs1v15DecryptImplicit(identity.privateKey, encryptedKey, env);
    }
    if (alg.oid !== OID.rsaesOaep) throw decryptFailed();
    const p = readOaepParams(alg.params);
    const key = await env.crypto.subtle.importKey(
      'pkcs8',
      buf(identity.privateKey),
      { name: 'RSA-OAEP', hash: p.hash },
      false,
      ['decrypt'],
    );
    return new Uint8Array(
      await env.crypto.subtle.decrypt(
        { name: 'RSA-OAEP', ...(p.label ? { label: buf(p.label) } : {}) },
        key,
        buf(encryptedKey),
      ),
    );
  } catch (e) {
    throw decryptFailed(e);
  }
}
