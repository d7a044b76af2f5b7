/** The CMS layer (RFC 5652, 8551, 5083/5084, 3560, 5753) as the rest of Sello imports it. */
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
  decryptEnvelopedData,
  type CreateEnvelopedDataOptions,
  type Decryption,
} from './enveloped-data';
export { DECRYPT_FAILED_MESSAGE } from './decrypt-failure';
export { OID } from './algorithms';
export { describeCms, type CmsDescription } from './describe-cms';
