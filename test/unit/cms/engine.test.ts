import * as pkijs from 'pkijs';
import { describe, expect, it } from 'vitest';
import { cryptoEngine } from '../../../shared/cms/engine';
import { defaultEnv } from '../../../shared/env';

describe('cryptoEngine', () => {
  it('makes an engine over the env crypto without touching the PKI.js global engine', () => {
    const before = pkijs.getEngine();
    const env = defaultEnv();
    const engine = cryptoEngine(env);
    expect(engine).toBeInstanceOf(pkijs.CryptoEngine);
    expect(engine.crypto).toBe(env.crypto);
    expect(cryptoEngine(env)).toBe(engine);
    expect(pkijs.getEngine()).toEqual(before);
  });
});
