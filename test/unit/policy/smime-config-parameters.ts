/**
 * Every parameter an Exchange admin can hand over, copied from Microsoft's cmdlet references (the
 * Set-SmimeConfig SYNTAX block for Exchange 2013-2019 and Exchange Online, and the S/MIME parameters
 * of Set-MobileDeviceMailboxPolicy). The migration report and the admin guide must account for each.
 */

/** Set-SmimeConfig, without the cmdlet's own Identity, Confirm and WhatIf. */
export const SET_SMIMECONFIG_PARAMETERS = [
  'OWAAllowUserChoiceOfSigningCertificate', 'OWAAlwaysEncrypt', 'OWAAlwaysSign', 'OWABCCEncryptedEmailForking',
  'OWACheckCRLOnSend', 'OWAClearSign', 'OWACopyRecipientHeaders', 'OWACRLConnectionTimeout', 'OWACRLRetrievalTimeout',
  'OWADisableCRLCheck', 'OWADLExpansionTimeout', 'OWAEncryptionAlgorithms', 'OWAEncryptTemporaryBuffers',
  'OWAForceSMIMEClientUpgrade', 'OWAIncludeCertificateChainAndRootCertificate',
  'OWAIncludeCertificateChainWithoutRootCertificate', 'OWAIncludeSMIMECapabilitiesInMessage', 'OWANoSignOnReply',
  'OWAOnlyUseSmartCard', 'OWASenderCertificateAttributesToDisplay', 'OWASignedEmailCertificateInclusion',
  'OWASigningAlgorithms', 'OWATripleWrapSignedEncryptedMail', 'OWAUseKeyIdentifier',
  'OWAUseSecondaryProxiesWhenFindingCertificates', 'SMIMECertificateIssuingCA',
] as const; // prettier-ignore

/** Read-only properties Get-SmimeConfig prints about the uploaded SST (not settable). */
export const GET_SMIMECONFIG_STATUS = [
  'SMIMECertificatesExpiryDate',
  'SMIMEExpiredCertificateThumbprint',
] as const;

/** Set-MobileDeviceMailboxPolicy's S/MIME parameters. */
export const MOBILE_POLICY_PARAMETERS = [
  'AllowSMIMEEncryptionAlgorithmNegotiation', 'AllowSMIMESoftCerts', 'RequireEncryptedSMIMEMessages',
  'RequireEncryptionSMIMEAlgorithm', 'RequireSignedSMIMEAlgorithm', 'RequireSignedSMIMEMessages',
] as const; // prettier-ignore
