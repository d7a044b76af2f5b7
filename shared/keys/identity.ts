/**
 * A certificate with its private key. The key is PKCS#8 DER rather than a WebCrypto CryptoKey because
 * RSAES-PKCS1-v1_5 key transport (what most S/MIME mail uses) has no WebCrypto algorithm: decrypting it
 * needs the raw RSA components. In the extension this object only ever exists in service-worker memory.
 */
export interface Identity {
  /** End-entity certificate, DER. */
  certificate: Uint8Array;
  /** Issuers found with it (PKCS#12 bag or chain file), nearest first, DER; may include the root. */
  chain: Uint8Array[];
  /** PKCS#8 PrivateKeyInfo, DER. */
  privateKey: Uint8Array;
}
