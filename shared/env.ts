/**
 * What the core needs from its host, passed in rather than taken from globals, so the same code runs in
 * Node (CLI, tests), the extension's service worker and the add-in's task pane.
 */
export interface CoreEnv {
  /** WebCrypto: `globalThis.crypto` in all three hosts, a fixed one in tests. */
  crypto: Crypto;
  /** The clock for validity checks and signingTime; tests pin it. */
  now: () => Date;
  /** Network for AIA, CRL, OCSP, directory lookups; absent means offline. */
  fetch?: typeof fetch;
}

export function defaultEnv(overrides: Partial<CoreEnv> = {}): CoreEnv {
  return {
    crypto: globalThis.crypto,
    now: () => new Date(),
    fetch: typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined,
    ...overrides,
  };
}
