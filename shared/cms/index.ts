/**
 * The CMS layer (RFC 5652, 8551, 5083/5084, 3560, 5753) as the rest of Sello imports it.
 *
 * Error codes: `cms.malformed` (unreadable structure), `cms.not-signed-data` / `cms.not-enveloped-data`
 * (another content type); per signer in `SignerCheck.errors`: `cms.bad-signature`,
 * `cms.digest-mismatch`, `cms.signer-not-found`, `cms.unsupported-algorithm`, `cms.no-content`,
 * `cms.malformed`; writing: `cms.recipient-key-missing`, `cms.no-recipients`,
 * `cms.unsupported-algorithm`, `cms.sign-failed` (and `cms.key-*` from shared/keys); reading
 * encrypted data: `cms.no-recipient`, then only `cms.decrypt-failed` with DECRYPT_FAILED_MESSAGE.
 */
export {
  createSignedData,
  verifySignedData,
  type CreateSignedDataOptions,
  type SignedDataResult,
  type SignerCheck,
  type VerifySignedDataOptions,
} from './signed-data';
export {
  createEnvelopedData,
  createEnvelopedDataParts,
  decryptEnvelopedData,
  type CreateEnvelopedDataOptions,
  type Decryption,
} from './enveloped-data';
export { DECRYPT_FAILED_MESSAGE } from './decrypt-failure';
export { describeCms, type CmsDescription } from './describe-cms';
export { OID } from './algorithms';
export { cryptoEngine } from './engine';
