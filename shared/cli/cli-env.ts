/**
 * The CoreEnv of the CLI: the default one, plus node:crypto's digest. Node's WebCrypto copies a whole
 * 32 MB message before hashing it; createHash reads the bytes in place (and in this thread).
 */
import { createHash } from 'node:crypto';
import { defaultEnv, type CoreEnv } from '../env';

const NODE_NAMES = { 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

export function cliEnv(): CoreEnv {
  return defaultEnv({
    digest: (name, data) => new Uint8Array(createHash(NODE_NAMES[name]).update(data).digest()),
  });
}
