/**
 * What a Bleichenbacher or Vaudenay attacker sends: a captured message to Bob with its RSA encryptedKey
 * replaced or cut, or with its last CBC block's padding broken under the correct content key.
 */
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import * as pkijs from 'pkijs';
import * as asn1js from 'asn1js';
import { pemEncode, toArrayBuffer } from '../../../shared/bytes';
import type { Identity } from '../../../shared/keys/identity';
import { cbcLocation, cmsOf, withCms } from './cms-surgery';

/** Raw RSA with the recipient's public key on a chosen block: what an attacker puts in encryptedKey. */
export function rawRsa(recipient: Identity, block: Uint8Array): Uint8Array {
  const key = pemEncode('CERTIFICATE', recipient.certificate);
  return new Uint8Array(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block));
}

/** A 256-byte RSA block with PKCS#1 block type 1 (signature padding) where type 2 is required. */
export function blockType1(): Uint8Array {
  return Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(221, 0xff), Buffer.from([0]), randomBytes(32)]);
}

/** The message with the encryptedKey of its (only) KeyTransRecipientInfo replaced by `encryptedKey`. */
export function withEncryptedKey(msg: Uint8Array, encryptedKey: Uint8Array): Uint8Array {
  const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(cmsOf(msg).der));
  const env = new pkijs.EnvelopedData({ schema: ci.content });
  const ktri = env.recipientInfos[0]!.value as pkijs.KeyTransRecipientInfo;
  ktri.encryptedKey = new asn1js.OctetString({ valueHex: toArrayBuffer(encryptedKey) });
  const out = new pkijs.ContentInfo({
    contentType: pkijs.ContentInfo.ENVELOPED_DATA,
    content: env.toSchema(),
  });
  return withCms(msg, new Uint8Array(out.toSchema().toBER(false)));
}

/** The encryptedKey the sender wrote. */
export function encryptedKeyOf(msg: Uint8Array): Uint8Array {
  const ci = pkijs.ContentInfo.fromBER(toArrayBuffer(cmsOf(msg).der));
  const env = new pkijs.EnvelopedData({ schema: ci.content });
  const ktri = env.recipientInfos[0]!.value as pkijs.KeyTransRecipientInfo;
  return new Uint8Array(ktri.encryptedKey.valueBlock.valueHexView);
}

/**
 * Vaudenay's probe: flip the top bit of the last byte of the second-to-last ciphertext block. Under
 * the correct content key the last plaintext byte (the PKCS#7 pad length, 1..16) becomes 0x81..0x90,
 * never a valid pad; every other block decrypts as before.
 */
export function withBadCbcPadding(msg: Uint8Array): Uint8Array {
  const der = new Uint8Array(cmsOf(msg).der);
  const loc = cbcLocation(der);
  if (loc.length < 32) throw new Error('needs two ciphertext blocks');
  der[loc.ciphertext + loc.length - 17]! ^= 0x80;
  return withCms(msg, der);
}
