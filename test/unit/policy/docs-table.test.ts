import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsTableMarkdown } from '../../../shared/policy/docs-table';
import { SETTINGS, SETTING_KEYS } from '../../../shared/policy/settings-definition';

describe('admin guide', () => {
  it('carries the settings table generated from the definition (regenerate it when settings change)', () => {
    const guide = readFileSync(join(import.meta.dirname, '../../../docs/admin-guide.md'), 'utf8');
    expect(guide).toContain(settingsTableMarkdown());
  });

  it('names every Set-SmimeConfig and mobile policy S/MIME parameter somewhere', () => {
    const guide = readFileSync(join(import.meta.dirname, '../../../docs/admin-guide.md'), 'utf8');
    const params = [
      'OWAAllowUserChoiceOfSigningCertificate', 'OWAAlwaysEncrypt', 'OWAAlwaysSign', 'OWABCCEncryptedEmailForking',
      'OWACheckCRLOnSend', 'OWAClearSign', 'OWACRLConnectionTimeout', 'OWACRLRetrievalTimeout', 'OWADisableCRLCheck',
      'OWADLExpansionTimeout', 'OWAEncryptionAlgorithms', 'OWAEncryptTemporaryBuffers', 'OWAForceSMIMEClientUpgrade',
      'OWAIncludeCertificateChainAndRootCertificate', 'OWAIncludeCertificateChainWithoutRootCertificate',
      'OWAIncludeSMIMECapabilitiesInMessage', 'OWANoSignOnReply', 'OWAOnlyUseSmartCard',
      'OWASenderCertificateAttributesToDisplay', 'OWASignedEmailCertificateInclusion', 'OWASigningAlgorithms',
      'OWATripleWrapSignedEncryptedMail', 'OWAUseKeyIdentifier', 'OWAUseSecondaryProxiesWhenFindingCertificates',
      'SMIMECertificateIssuingCA', 'AllowSMIMEEncryptionAlgorithmNegotiation', 'AllowSMIMESoftCerts',
      'RequireEncryptedSMIMEMessages', 'RequireEncryptionSMIMEAlgorithm', 'RequireSignedSMIMEAlgorithm',
      'RequireSignedSMIMEMessages',
    ]; // prettier-ignore
    for (const p of params) expect(guide, p).toContain(p);
    expect(SETTING_KEYS.length).toBe(Object.keys(SETTINGS).length);
  });
});
