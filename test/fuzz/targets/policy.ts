import type { FuzzTarget } from '../target';
import { parseSettings } from '../../../shared/policy/validate-settings';
import { fromSmimeConfig } from '../../../shared/policy/from-smimeconfig';
import { defaultSettings } from '../../../shared/policy/settings-definition';
import { SelloError } from '../../../shared/errors';

const enc = new TextEncoder();

/** Admin policy and Get-SmimeConfig JSON: whatever parses as JSON must validate or be refused typed. */
export const target: FuzzTarget = {
  name: 'policy',
  seeds: () => [
    enc.encode(JSON.stringify(defaultSettings())),
    enc.encode('{"alwaysSign":true,"owaHosts":["mail.example.com"],"crlRetrievalTimeoutMs":5000}'),
    enc.encode('{"OWAAlwaysSign":true,"OWAEncryptionAlgorithms":"6603","OWABCCEncryptedEmailForking":1}'),
    enc.encode('{"SMIMECertificateIssuingCA":[67,69,82,84],"OWASigningAlgorithms":"8004"}'),
  ],
  dictionary: [
    '"alwaysSign"',
    '"trustAnchors"',
    '"OWAAlwaysEncrypt"',
    'true',
    'null',
    '[]',
    '{}',
    '"6610"',
    '1e309',
  ],
  async run(data) {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(data));
    } catch {
      return; // Not JSON: the CLI refuses it before validation (policy.invalid with the parse error).
    }
    try {
      parseSettings(json, 'fuzz');
    } catch (e) {
      if (!(e instanceof SelloError)) throw e;
    }
    await fromSmimeConfig(json, {
      importSst: async () => ({ pem: [], refused: [] }),
    });
  },
};
