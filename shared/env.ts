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
  /**
   * A host's own SHA-1/SHA-2 digest, used instead of WebCrypto's for message content. Node's WebCrypto
   * copies its whole input before hashing, so signing or verifying a 32 MB message would cost 32 MB
   * more at the peak; the CLI passes node:crypto's, which hashes the bytes where they are. Must give
   * exactly what `crypto.subtle.digest` gives.
   */
  digest?: (name: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512', data: Uint8Array) => Uint8Array;
}

export function defaultEnv(overrides: Partial<CoreEnv> = {}): CoreEnv {
  return {
    crypto: globalThis.crypto,
    now: () => new Date(),
    fetch: typeof globalThis.fetch === 'function' ? globalThis.fetch.bind(globalThis) : undefined,
    ...overrides,
  };
}
