import { describe, expect, it } from 'vitest';
import { fromSmimeConfig } from '../../../shared/policy/from-smimeconfig';
import { checkSettings } from '../../../shared/policy/validate-settings';
import { isSelloError } from '../../../shared/errors';
import {
  GET_SMIMECONFIG_STATUS,
  MOBILE_POLICY_PARAMETERS,
  SET_SMIMECONFIG_PARAMETERS,
} from './smime-config-parameters';

// Shaped like `Get-SmimeConfig | ConvertTo-Json` output (property names and types as the cmdlet prints them).
const smimeConfig = {
  Identity: 'SMIME Configuration',
  OWACheckCRLOnSend: true,
  OWADLExpansionTimeout: 60000,
  OWAUseSecondaryProxiesWhenFindingCertificates: true,
  OWACRLConnectionTimeout: 60000,
  OWACRLRetrievalTimeout: 10000,
  OWADisableCRLCheck: false,
  OWAAlwaysSign: true,
  OWAAlwaysEncrypt: false,
  OWAClearSign: true,
  OWAIncludeCertificateChainWithoutRootCertificate: true,
  OWAIncludeCertificateChainAndRootCertificate: false,
  OWAEncryptTemporaryBuffers: true,
  OWASignedEmailCertificateInclusion: true,
  OWABCCEncryptedEmailForking: 0,
  OWAIncludeSMIMECapabilitiesInMessage: true,
  OWACopyRecipientHeaders: false,
  OWAOnlyUseSmartCard: false,
  OWATripleWrapSignedEncryptedMail: true,
  OWAUseKeyIdentifier: false,
  OWAEncryptionAlgorithms: '6603',
  OWASigningAlgorithms: '8004',
  OWAForceSMIMEClientUpgrade: true,
  OWASenderCertificateAttributesToDisplay: 'email,O',
  OWAAllowUserChoiceOfSigningCertificate: false,
  SMIMECertificateIssuingCA: [1, 2, 3],
  WhenChanged: '2026-01-01T00:00:00',
  AllowSMIMEEncryptionAlgorithmNegotiation: 'AllowAnyAlgorithmNegotiation',
  AllowSMIMESoftCerts: true,
  RequireEncryptedSMIMEMessages: false,
  RequireSignedSMIMEMessages: false,
  SMIMECertificatesExpiryDate: '2031-06-30T00:00:00',
  SMIMEExpiredCertificateThumbprint: '9A3C0F52E1D4B7A6C8F01234567890ABCDEF0123',
};

const importSst = async (bytes: Uint8Array) => {
  expect([...bytes]).toEqual([1, 2, 3]);
  return {
    pem: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
    refused: ['CN=Old CA (expired 2020-01-01)'],
  };
};

describe('sello deploy from-smimeconfig mapping', () => {
  it('maps, changes and reports every S/MIME parameter and produces valid settings', async () => {
    const { settings, report } = await fromSmimeConfig(smimeConfig, { importSst });
    expect(checkSettings(settings)).toEqual([]);
    expect(settings).toMatchObject({
      alwaysSign: true,
      signingForm: 'detached',
      certificateInclusion: 'no-root',
      tripleWrap: true,
      checkRevocationOnSend: true,
      revocationMode: 'soft-fail',
      allowUserChoiceOfSigningCertificate: false,
      senderCertificateAttributesToDisplay: ['email', 'O'],
      bccForking: 'per-bcc-recipient',
    });
    const by = (p: string) => report.find((l) => l.parameter === p)!;
    expect(by('OWASigningAlgorithms')).toMatchObject({ outcome: 'changed' });
    expect(settings.signingHash).toBe('sha256');
    expect(by('OWAEncryptionAlgorithms').outcome).toBe('changed');
    expect(settings.encryptionAlgorithm).toBe('aes-256-cbc');
    expect(by('AllowSMIMEEncryptionAlgorithmNegotiation').outcome).toBe('changed');
    expect(by('AllowSMIMEEncryptionAlgorithmNegotiation').detail).toMatch(
      /never picks a weak cipher in Sello \(a recipient who lists no AES cipher still gets AES-CBC\)$/,
    );
    expect(by('SMIMECertificateIssuingCA')).toMatchObject({ outcome: 'changed' });
    expect(by('SMIMECertificateIssuingCA').detail).toContain('Old CA');
    expect(by('OWACopyRecipientHeaders')).toMatchObject({ outcome: 'ignored' });
    expect(by('OWACopyRecipientHeaders').detail).toMatch(/reserved for internal use/);
    expect(by('SMIMECertificatesExpiryDate')).toMatchObject({ outcome: 'ignored' });
    expect(by('SMIMECertificatesExpiryDate').detail).toMatch(/read-only .*2031-06-30.*not a setting/);
    expect(by('SMIMEExpiredCertificateThumbprint').detail).toMatch(
      /read-only .*9A3C0F52E1D4B7A6C8F01234567890ABCDEF0123.*left out of trustAnchors/,
    );
    expect(by('OWAEncryptTemporaryBuffers').outcome).toBe('ignored');
    expect(report.some((l) => l.parameter === 'Identity' || l.parameter === 'WhenChanged')).toBe(false);
    // Every S/MIME parameter of the input gets exactly one line.
    const meaningful = Object.keys(smimeConfig).filter((k) => k !== 'Identity' && k !== 'WhenChanged');
    expect(report.map((l) => l.parameter).sort()).toEqual(meaningful.sort());
  });

  it('knows every Set-SmimeConfig, Get-SmimeConfig status and mobile policy parameter by name', async () => {
    const all = [...SET_SMIMECONFIG_PARAMETERS, ...GET_SMIMECONFIG_STATUS, ...MOBILE_POLICY_PARAMETERS];
    const input = Object.fromEntries(all.map((p) => [p, null]));
    const { report } = await fromSmimeConfig(input, { importSst });
    expect(report.map((l) => l.parameter).sort()).toEqual([...all].sort());
    for (const l of report) expect(l.detail, l.parameter).not.toMatch(/not an S\/MIME parameter Sello knows/);
    const unknown = await fromSmimeConfig({ OWAMadeUpParameter: true }, { importSst });
    expect(unknown.report).toEqual([
      {
        parameter: 'OWAMadeUpParameter',
        outcome: 'not-mapped',
        detail: 'not an S/MIME parameter Sello knows',
      },
    ]);
  });

  it('writes the strong default instead of a weak algorithm and says legacy is for reading only', async () => {
    for (const [input, key, weak] of [
      [{ OWASigningAlgorithms: '8004' }, 'signingHash', /never signs with SHA-1 \(collisions/],
      [{ RequireSignedSMIMEAlgorithm: 'MD5' }, 'signingHash', /never signs with MD5/],
      [{ OWAEncryptionAlgorithms: '6601' }, 'encryptionAlgorithm', /never encrypts with DES/],
      [{ OWAEncryptionAlgorithms: '6602:128' }, 'encryptionAlgorithm', /never encrypts with RC2/],
      [{ RequireEncryptionSMIMEAlgorithm: 'TripleDES' }, 'encryptionAlgorithm', /never encrypts with 3DES/],
    ] as const) {
      const { settings, report } = await fromSmimeConfig(input, { importSst });
      expect(settings).toEqual({ [key]: key === 'signingHash' ? 'sha256' : 'aes-256-cbc' });
      expect(report).toHaveLength(1);
      expect(report[0]!.outcome).toBe('changed');
      expect(report[0]!.detail).toMatch(weak);
      expect(report[0]!.detail).toMatch(
        /strong default is written instead; .*allowLegacyAlgorithms, which is for reading only and never used for sending/,
      );
    }
  });

  it('turns smart-card-only into no soft certificates and says what that means', async () => {
    const { settings, report } = await fromSmimeConfig({ OWAOnlyUseSmartCard: true }, { importSst });
    expect(settings.allowSoftCertificates).toBe(false);
    expect(report[0]!.detail).toMatch(/smart-card/);
  });

  it('maps block and strong-only negotiation as applied, without a "not applied" note', async () => {
    for (const [value, expected] of [
      ['BlockNegotiation', 'block'],
      ['OnlyStrongAlgorithmNegotiation', 'strong-only'],
    ] as const) {
      const { settings, report } = await fromSmimeConfig(
        { AllowSMIMEEncryptionAlgorithmNegotiation: value },
        { importSst },
      );
      expect(settings).toEqual({ encryptionAlgorithmNegotiation: expected });
      expect(report[0]).toMatchObject({ outcome: 'mapped' });
      expect(report[0]!.detail).toMatch(
        expected === 'block' ? /always encryptionAlgorithm$/ : /known SMIMECapabilities/,
      );
      expect(report[0]!.detail).not.toMatch(/not applied/);
    }
  });

  it('keeps strong algorithms as they are', async () => {
    const { settings, report } = await fromSmimeConfig(
      { OWAEncryptionAlgorithms: '660E', OWASigningAlgorithms: '800D' },
      { importSst },
    );
    expect(settings).toEqual({ encryptionAlgorithm: 'aes-128-cbc', signingHash: 'sha384' });
    expect(report.every((l) => l.outcome === 'mapped')).toBe(true);
  });

  it('reports wrongly typed values as not mapped instead of guessing', async () => {
    const { settings, report } = await fromSmimeConfig(
      { OWAAlwaysSign: 'maybe', OWABCCEncryptedEmailForking: 7 },
      { importSst },
    );
    expect(settings).toEqual({});
    expect(report.map((l) => l.outcome)).toEqual(['not-mapped', 'not-mapped']);
  });

  it('refuses input that is not a Get-SmimeConfig object with a typed error', async () => {
    await expect(fromSmimeConfig([1, 2], { importSst })).rejects.toSatisfy((e) =>
      isSelloError(e, 'policy.invalid'),
    );
  });
});
