/**
 * Decryption of the 1990s block ciphers still found in old S/MIME mail and in PKCS#12 files written by
 * Windows, macOS and OpenSSL 1.x: DES, 3DES (EDE, three keys) and RC2, all in CBC mode. Sello never
 * encrypts with them. The ciphers come from node-forge (see docs/deps-crypto.md); WebCrypto has none
 * of them.
 */
import forge from 'node-forge/lib/forge.js';
import 'node-forge/lib/des.js';
import 'node-forge/lib/rc2.js';
import { fromBinaryString, toBinaryString } from '../bytes';
import { SelloError } from '../errors';

export type LegacyCbcAlgorithm = 'des-ede3-cbc' | 'des-cbc' | 'rc2-cbc';

const BLOCK = 8;

function decryptFailed(): SelloError {
  // One code and one message for every failure: a caller must not become a padding oracle.
  return new SelloError('cms.decrypt-failed', 'The data could not be decrypted.');
}

/**
 * RFC 8018 §B.2.3 / RFC 2268: RC2CBCParameter.rc2ParameterVersion encodes the effective key bits
 * through a table (160 -> 40, 120 -> 64, 58 -> 128); values of 256 and up are the bit count itself.
 */
export function rc2EffectiveBitsFromVersion(version: number): number {
  const table: Record<number, number> = { 160: 40, 120: 64, 58: 128 };
  const bits = table[version] ?? (version >= 256 ? version : undefined);
  if (bits === undefined) {
    throw new SelloError('cms.unsupported', `RC2 parameter version ${version} is not supported.`);
  }
  return bits;
}

/**
 * Removes PKCS#7 padding (RFC 5652 §6.3) looking at the whole last block whatever the pad byte says,
 * and fails with the same error as any other decryption failure.
 */
export function removePkcs7Padding(data: Uint8Array, blockSize = BLOCK): Uint8Array {
  if (data.length === 0 || data.length % blockSize !== 0) throw decryptFailed();
  const n = data[data.length - 1]!;
  let bad = (n === 0 ? 1 : 0) | (n > blockSize ? 1 : 0);
  for (let i = 1; i <= blockSize; i++) {
    const inPad = i <= n ? 1 : 0;
    bad |= inPad & (data[data.length - i]! !== n ? 1 : 0);
  }
  if (bad !== 0) throw decryptFailed();
  return data.slice(0, data.length - n);
}

function checkLengths(alg: LegacyCbcAlgorithm, key: Uint8Array, iv: Uint8Array, data: Uint8Array): void {
  const keyOk =
    alg === 'des-ede3-cbc'
      ? key.length === 24
      : alg === 'des-cbc'
        ? key.length === 8
        : key.length >= 1 && key.length <= 128;
  if (!keyOk || iv.length !== BLOCK || data.length === 0 || data.length % BLOCK !== 0) throw decryptFailed();
}

/**
 * CBC decryption with PKCS#7 padding removal. `rc2EffectiveBits` (RC2 only, default 128 as RFC 8018
 * implies when the parameter is absent) must be a multiple of 8: node-forge computes RFC 2268's TM mask
 * wrongly for other values, and S/MIME only ever uses 40, 64 and 128.
 */
export function legacyCbcDecrypt(
  alg: LegacyCbcAlgorithm,
  key: Uint8Array,
  iv: Uint8Array,
  data: Uint8Array,
  rc2EffectiveBits = 128,
): Uint8Array {
  checkLengths(alg, key, iv, data);
  const keyBuf = forge.util.createBuffer(toBinaryString(key));
  const ivBuf = forge.util.createBuffer(toBinaryString(iv));
  const input = forge.util.createBuffer(toBinaryString(data));
  // Padding is removed by removePkcs7Padding, so node-forge is told to leave the last block alone.
  const keepPadding = (): boolean => true;
  let output: string;
  if (alg === 'rc2-cbc') {
    if (rc2EffectiveBits % 8 !== 0 || rc2EffectiveBits < 8 || rc2EffectiveBits > 1024) {
      throw new SelloError(
        'cms.unsupported',
        `RC2 with ${rc2EffectiveBits} effective key bits is not supported.`,
      );
    }
    const cipher = forge.rc2.createDecryptionCipher(keyBuf, rc2EffectiveBits);
    cipher.start(ivBuf);
    cipher.update(input);
    if (!cipher.finish(keepPadding)) throw decryptFailed();
    output = cipher.output.getBytes();
  } else {
    const cipher = forge.cipher.createDecipher(alg === 'des-cbc' ? 'DES-CBC' : '3DES-CBC', keyBuf);
    cipher.start({ iv: ivBuf });
    cipher.update(input);
    // The typings omit finish's padding-function argument, which node-forge's cipher.js does accept.
    const finishing = cipher as unknown as { finish(pad: () => boolean): boolean };
    if (!finishing.finish(keepPadding)) throw decryptFailed();
    output = cipher.output.getBytes();
  }
  return removePkcs7Padding(fromBinaryString(output));
}
