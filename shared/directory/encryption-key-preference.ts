/**
 * Matching an SMIMEEncryptionKeyPreference (parsed in shared/cms, where the signed attribute is read)
 * against a stored certificate: by issuer and serial number, or by subjectKeyIdentifier.
 */
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../bytes';
import type { EncryptionKeyPreference } from '../cms/encryption-key-preference';

export { parseEncryptionKeyPreference, type EncryptionKeyPreference } from '../cms/encryption-key-preference';

export function preferenceMatches(
  preference: EncryptionKeyPreference,
  certificateDer: Uint8Array,
  subjectKeyIdentifier: string | null,
): boolean {
  if ('subjectKeyIdentifier' in preference) return subjectKeyIdentifier === preference.subjectKeyIdentifier;
  const cert = pkijs.Certificate.fromBER(toArrayBuffer(certificateDer));
  return (
    toHex(new Uint8Array(cert.issuer.toSchema().toBER(false))) === preference.issuerDer &&
    toHex(cert.serialNumber.valueBlock.valueHexView) === preference.serialNumber
  );
}
