/**
 * Content encryption for EnvelopedData and AuthEnvelopedData: AES-CBC (RFC 3565) and AES-GCM
 * (RFC 5084) with WebCrypto, and reading 3DES/DES/RC2-CBC through shared/crypto/legacy-ciphers.
 * Every failure to decrypt is the same `cms.decrypt-failed` (see decrypt-failure.ts).
 */
import * as asn1js from 'asn1js';
import { concatBytes } from '../bytes';
import type { CoreEnv } from '../env';
import { decryptCbcChunked, encryptCbcChunked } from './aes-cbc-chunks';
import { legacyCbcDecrypt, rc2EffectiveBitsFromVersion } from '../crypto/legacy-ciphers';
import { octets, sequence, smallInt } from '../keys/der';
import { CONTENT_CIPHERS, CONTENT_CIPHER_OID } from './algorithms';
import { decryptFailed } from './decrypt-failure';
import { derAlgorithm, derInteger, derOctetString, derSequence } from './der-writer';

export type WritableCipher = keyof typeof CONTENT_CIPHER_OID;

/** RFC 5084 §3.2: 12-octet nonce; Sello always writes a 16-octet ICV. */
const GCM_NONCE = 12;
const GCM_ICV = 16;

export interface EncryptedContent {
  cek: Uint8Array;
  /** contentEncryptionAlgorithm with its parameters, DER. */
  algorithm: Uint8Array;
  /** In order; several pieces for a large CBC content (see aes-cbc-chunks.ts), never joined here. */
  ciphertext: Uint8Array[];
  /** GCM only: the authentication tag (AuthEnvelopedData.mac). */
  mac: Uint8Array | null;
}

/** A copy for the small inputs (key, IV); large ones are passed as views, not copied again. */
const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => b.slice() as Uint8Array<ArrayBuffer>;

export async function encryptContent(
  cipher: WritableCipher,
  content: Uint8Array,
  env: CoreEnv,
): Promise<EncryptedContent> {
  const oid = CONTENT_CIPHER_OID[cipher];
  const spec = CONTENT_CIPHERS[oid]!;
  const cek = env.crypto.getRandomValues(new Uint8Array(spec.keyLength));
  const gcm = spec.mode === 'gcm';
  const key = await env.crypto.subtle.importKey('raw', cek, gcm ? 'AES-GCM' : 'AES-CBC', false, ['encrypt']);
  const iv = env.crypto.getRandomValues(new Uint8Array(gcm ? GCM_NONCE : 16));
  if (!gcm) {
    const ciphertext = await encryptCbcChunked(env.crypto.subtle, key, iv, content);
    return { cek, algorithm: derAlgorithm(oid, derOctetString(iv)), ciphertext, mac: null };
  }
  // GCM's tag covers the whole content, which WebCrypto takes in one call only.
  const sealed = new Uint8Array(
    await env.crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, tagLength: GCM_ICV * 8 },
      key,
      content as Uint8Array<ArrayBuffer>,
    ),
  );
  // GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING, aes-ICVlen AES-GCM-ICVlen DEFAULT 12 }
  return {
    cek,
    algorithm: derAlgorithm(oid, derSequence(derOctetString(iv), derInteger(GCM_ICV))),
    ciphertext: [sealed.subarray(0, sealed.length - GCM_ICV)],
    mac: sealed.subarray(sealed.length - GCM_ICV),
  };
}

export interface ContentDecryption {
  cipherOid: string;
  params: asn1js.AsnType | undefined;
  ciphertext: Uint8Array;
  /** AuthEnvelopedData: the mac and the DER SET OF authAttrs (as additional data), if any. */
  mac?: Uint8Array;
  aad?: Uint8Array;
}

/** The cipher's name and whether it is a legacy one, for reporting (no decryption). */
export function contentCipherInfo(cipherOid: string): { name: string; weak: boolean } {
  const spec = CONTENT_CIPHERS[cipherOid];
  return spec ? { name: spec.name, weak: spec.weak } : { name: cipherOid, weak: false };
}

export async function decryptContent(
  d: ContentDecryption,
  cek: Uint8Array,
  env: CoreEnv,
): Promise<Uint8Array> {
  const spec = CONTENT_CIPHERS[d.cipherOid];
  if (!spec) throw decryptFailed();
  if (spec.keyLength !== 0 && cek.length !== spec.keyLength) throw decryptFailed();
  try {
    if (spec.mode === 'cbc') {
      const iv = octets(d.params, decryptFailed);
      if (iv.length !== 16 || d.ciphertext.length === 0 || d.ciphertext.length % 16 !== 0)
        throw decryptFailed();
      // encrypt too: decryptCbcChunked makes one padding block per chunk with it.
      const key = await env.crypto.subtle.importKey('raw', buf(cek), 'AES-CBC', false, [
        'decrypt',
        'encrypt',
      ]);
      return await decryptCbcChunked(env.crypto.subtle, key, iv, d.ciphertext);
    }
    if (spec.mode === 'gcm') {
      const params = sequence(d.params, decryptFailed, 1, 2);
      const nonce = octets(params[0], decryptFailed);
      const icvLen = params[1] === undefined ? 12 : smallInt(params[1], decryptFailed);
      // RFC 5084 §3.2: ICV length is one of 12..16 octets; the nonce is never empty.
      if (!d.mac || icvLen < 12 || icvLen > 16 || d.mac.length !== icvLen || nonce.length === 0) {
        throw decryptFailed();
      }
      const key = await env.crypto.subtle.importKey('raw', buf(cek), 'AES-GCM', false, ['decrypt']);
      return new Uint8Array(
        await env.crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: buf(nonce),
            tagLength: icvLen * 8,
            ...(d.aad ? { additionalData: buf(d.aad) } : {}),
          },
          key,
          concatBytes(d.ciphertext, d.mac) as Uint8Array<ArrayBuffer>,
        ),
      );
    }
    if (spec.name === 'rc2-cbc') {
      // RC2-CBCParameter ::= SEQUENCE { rc2ParameterVersion INTEGER OPTIONAL, iv OCTET STRING } (RFC 8018 §B.2.3)
      const params = sequence(d.params, decryptFailed, 1, 2);
      const bits = params.length === 2 ? rc2EffectiveBitsFromVersion(smallInt(params[0], decryptFailed)) : 32;
      return legacyCbcDecrypt(
        'rc2-cbc',
        cek,
        octets(params[params.length - 1], decryptFailed),
        d.ciphertext,
        bits,
      );
    }
    return legacyCbcDecrypt(
      spec.name as 'des-ede3-cbc' | 'des-cbc',
      cek,
      octets(d.params, decryptFailed),
      d.ciphertext,
    );
  } catch (e) {
    throw decryptFailed(e);
  }
}
