/**
 * Object identifiers CMS uses, their names as Sello reports them, and which of them are weak. One
 * table per role so that a lookup cannot mistake a digest for a signature algorithm.
 */

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  digestedData: '1.2.840.113549.1.7.5',
  encryptedData: '1.2.840.113549.1.7.6',
  authData: '1.2.840.113549.1.9.16.1.2',
  compressedData: '1.2.840.113549.1.9.16.1.9',
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  // signed attributes
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  smimeCapabilities: '1.2.840.113549.1.9.15',
  encryptionKeyPreference: '1.2.840.113549.1.9.16.2.11',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  // public keys and key management
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  pSpecified: '1.2.840.113549.1.1.9',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  dhSinglePassStdDhSha1Kdf: '1.3.133.16.840.63.0.2',
  dhSinglePassStdDhSha224Kdf: '1.3.132.1.11.0',
  dhSinglePassStdDhSha256Kdf: '1.3.132.1.11.1',
  dhSinglePassStdDhSha384Kdf: '1.3.132.1.11.2',
  dhSinglePassStdDhSha512Kdf: '1.3.132.1.11.3',
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes192Wrap: '2.16.840.1.101.3.4.1.25',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  // digests
  sha1: '1.3.14.3.2.26',
  sha224: '2.16.840.1.101.3.4.2.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  md5: '1.2.840.113549.2.5',
  // content encryption
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  aes128Gcm: '2.16.840.1.101.3.4.1.6',
  aes192Gcm: '2.16.840.1.101.3.4.1.26',
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
  desEde3Cbc: '1.2.840.113549.3.7',
  desCbc: '1.3.14.3.2.7',
  rc2Cbc: '1.2.840.113549.3.2',
  // curves
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
} as const;

export type DigestName = 'MD5' | 'SHA-1' | 'SHA-224' | 'SHA-256' | 'SHA-384' | 'SHA-512';

export const DIGESTS: Record<string, { name: DigestName; length: number; weak: boolean }> = {
  [OID.md5]: { name: 'MD5', length: 16, weak: true },
  [OID.sha1]: { name: 'SHA-1', length: 20, weak: true },
  [OID.sha224]: { name: 'SHA-224', length: 28, weak: false },
  [OID.sha256]: { name: 'SHA-256', length: 32, weak: false },
  [OID.sha384]: { name: 'SHA-384', length: 48, weak: false },
  [OID.sha512]: { name: 'SHA-512', length: 64, weak: false },
};

export const DIGEST_OID: Record<DigestName, string> = {
  MD5: OID.md5,
  'SHA-1': OID.sha1,
  'SHA-224': OID.sha224,
  'SHA-256': OID.sha256,
  'SHA-384': OID.sha384,
  'SHA-512': OID.sha512,
};

export type SignatureScheme = 'rsa-pkcs1' | 'rsa-pss' | 'ecdsa';

/** Signature algorithm OIDs; `hash` is set when the OID fixes it (otherwise the digest algorithm's). */
export const SIGNATURES: Record<string, { name: string; scheme: SignatureScheme; hash?: DigestName }> = {
  [OID.rsaEncryption]: { name: 'rsaEncryption', scheme: 'rsa-pkcs1' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'MD5' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'SHA-1' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'SHA-224' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', scheme: 'rsa-pkcs1', hash: 'SHA-512' },
  [OID.rsassaPss]: { name: 'RSASSA-PSS', scheme: 'rsa-pss' },
  [OID.ecPublicKey]: { name: 'ecPublicKey', scheme: 'ecdsa' },
  '1.2.840.10045.4.1': { name: 'ecdsa-with-SHA1', scheme: 'ecdsa', hash: 'SHA-1' },
  '1.2.840.10045.4.3.1': { name: 'ecdsa-with-SHA224', scheme: 'ecdsa', hash: 'SHA-224' },
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', scheme: 'ecdsa', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', scheme: 'ecdsa', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', scheme: 'ecdsa', hash: 'SHA-512' },
};

export const ECDSA_OID: Record<'SHA-256' | 'SHA-384' | 'SHA-512', string> = {
  'SHA-256': '1.2.840.10045.4.3.2',
  'SHA-384': '1.2.840.10045.4.3.3',
  'SHA-512': '1.2.840.10045.4.3.4',
};

export type ContentCipherName =
  | 'aes-128-cbc'
  | 'aes-192-cbc'
  | 'aes-256-cbc'
  | 'aes-128-gcm'
  | 'aes-192-gcm'
  | 'aes-256-gcm'
  | 'des-ede3-cbc'
  | 'des-cbc'
  | 'rc2-cbc';

export const CONTENT_CIPHERS: Record<
  string,
  { name: ContentCipherName; mode: 'cbc' | 'gcm' | 'legacy'; keyLength: number; weak: boolean }
> = {
  [OID.aes128Cbc]: { name: 'aes-128-cbc', mode: 'cbc', keyLength: 16, weak: false },
  [OID.aes192Cbc]: { name: 'aes-192-cbc', mode: 'cbc', keyLength: 24, weak: false },
  [OID.aes256Cbc]: { name: 'aes-256-cbc', mode: 'cbc', keyLength: 32, weak: false },
  [OID.aes128Gcm]: { name: 'aes-128-gcm', mode: 'gcm', keyLength: 16, weak: false },
  [OID.aes192Gcm]: { name: 'aes-192-gcm', mode: 'gcm', keyLength: 24, weak: false },
  [OID.aes256Gcm]: { name: 'aes-256-gcm', mode: 'gcm', keyLength: 32, weak: false },
  [OID.desEde3Cbc]: { name: 'des-ede3-cbc', mode: 'legacy', keyLength: 24, weak: true },
  [OID.desCbc]: { name: 'des-cbc', mode: 'legacy', keyLength: 8, weak: true },
  // RC2's key length comes from the key transport, not the OID.
  [OID.rc2Cbc]: { name: 'rc2-cbc', mode: 'legacy', keyLength: 0, weak: true },
};

export const CONTENT_CIPHER_OID: Record<
  'aes-128-cbc' | 'aes-256-cbc' | 'aes-128-gcm' | 'aes-256-gcm',
  string
> = {
  'aes-128-cbc': OID.aes128Cbc,
  'aes-256-cbc': OID.aes256Cbc,
  'aes-128-gcm': OID.aes128Gcm,
  'aes-256-gcm': OID.aes256Gcm,
};

export const CONTENT_TYPES: Record<string, string> = {
  [OID.data]: 'data',
  [OID.signedData]: 'signedData',
  [OID.envelopedData]: 'envelopedData',
  [OID.digestedData]: 'digestedData',
  [OID.encryptedData]: 'encryptedData',
  [OID.authData]: 'authData',
  [OID.compressedData]: 'compressedData',
  [OID.authEnvelopedData]: 'authEnvelopedData',
};

export const CURVES: Record<string, 'P-256' | 'P-384' | 'P-521'> = {
  [OID.p256]: 'P-256',
  [OID.p384]: 'P-384',
  [OID.p521]: 'P-521',
};

export function digestName(oid: string): string {
  return DIGESTS[oid]?.name ?? oid;
}
