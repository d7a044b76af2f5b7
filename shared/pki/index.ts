/** Trust anchors and path validation. See docs/pkits.md for what is and is not supported. */
export {
  importTrustFile,
  importTrustFiles,
  type TrustEntry,
  type TrustImport,
  type RefusedCertificate,
} from './trust-import';
export { parseSst, looksLikeSst, type SstCertificate } from './sst';
export { parseP7b, looksLikeP7b } from './p7b';
export {
  validatePath,
  type ValidatePathOptions,
  type PathValidationResult,
  type RevocationHook,
  type RevocationAnswer,
} from './validate-path';
export { createChainValidator, type ChainValidatorOptions } from './chain-validator';
export { defaultPathPolicy, resolvePathPolicy, ANY_POLICY, type PathPolicy } from './path-policy';
export { createCrlStatusChecker, type CrlStatusOptions } from './crl-status';
export { createAiaCache, type AiaCache } from './aia-fetch';
export type { PathIssue, KeyPurpose } from './path-check';
