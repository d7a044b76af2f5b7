/**
 * Message digests for CMS. WebCrypto has SHA-1 and SHA-2 but neither MD5 nor SHA-224, which old
 * signatures still use: those come from @noble/hashes so that such mail verifies (and is flagged weak).
 * A host digest (CoreEnv.digest) is preferred to WebCrypto's when given.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { sha224 } from '@noble/hashes/sha2.js';
import type { CoreEnv } from '../env';
import type { DigestName } from './algorithms';

export async function digest(name: DigestName, data: Uint8Array, env: CoreEnv): Promise<Uint8Array> {
  if (name === 'MD5') return md5(data);
  if (name === 'SHA-224') return sha224(data);
  if (env.digest) return env.digest(name, data);
  return new Uint8Array(await env.crypto.subtle.digest(name, data as Uint8Array<ArrayBuffer>));
}
