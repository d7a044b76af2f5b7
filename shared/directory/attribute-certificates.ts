/**
 * Certificates out of a directory attribute value. userCertificate holds one DER certificate;
 * userSMIMECertificate holds, in Active Directory, a PKCS#7 SignedData with the certificates
 * (certs-only, as Outlook publishes it), and elsewhere sometimes a bare certificate: accept both.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes';
import { SelloError } from '../errors';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

export function certificatesFromAttributeValue(value: Uint8Array): Uint8Array[] {
  const parsed = asn1js.fromBER(toArrayBuffer(value));
  if (parsed.offset === -1)
    throw new SelloError('directory.malformed-certificate', 'a directory certificate value is not DER');
  const top = parsed.result;
  const first = top instanceof asn1js.Sequence ? top.valueBlock.value[0] : undefined;
  if (first instanceof asn1js.ObjectIdentifier) {
    if (first.valueBlock.toString() !== OID_SIGNED_DATA) {
      throw new SelloError(
        'directory.malformed-certificate',
        'a directory certificate value is a PKCS#7 structure other than SignedData',
      );
    }
    try {
      const info = new pkijs.ContentInfo({ schema: top });
      const signed = new pkijs.SignedData({ schema: info.content });
      return (signed.certificates ?? [])
        .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
        .map((c) => new Uint8Array(c.toSchema().toBER(false)));
    } catch (e) {
      throw new SelloError(
        'directory.malformed-certificate',
        'a PKCS#7 value in the directory cannot be parsed',
        { cause: e },
      );
    }
  }
  try {
    pkijs.Certificate.fromBER(toArrayBuffer(value));
  } catch (e) {
    throw new SelloError(
      'directory.malformed-certificate',
      'a directory certificate value cannot be parsed',
      { cause: e },
    );
  }
  return [value];
}
