/**
 * The PKI.js crypto engine for one CoreEnv. PKI.js falls back to a process-wide engine when none is
 * passed; Sello never sets that global, so every PKI.js call that computes takes this engine explicitly.
 */
import * as pkijs from 'pkijs';
import type { CoreEnv } from '../env';

const engines = new WeakMap<Crypto, pkijs.CryptoEngine>();

export function cryptoEngine(env: CoreEnv): pkijs.CryptoEngine {
  let engine = engines.get(env.crypto);
  if (!engine) {
    engine = new pkijs.CryptoEngine({ name: 'sello', crypto: env.crypto });
    engines.set(env.crypto, engine);
  }
  return engine;
}
