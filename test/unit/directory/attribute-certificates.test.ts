/** Directory attribute values as Active Directory and OpenLDAP hold them, made by OpenSSL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatesFromAttributeValue } from '../../../shared/directory/attribute-certificates';
import { OpensslCa, type IssuedCertificate } from '../../stand-ins/openssl-ca';

let ca: OpensslCa;
let a: IssuedCertificate;
let b: IssuedCertificate;
beforeAll(() => {
  ca = new OpensslCa();
  a = ca.issue({ cn: 'A' });
  b = ca.issue({ cn: 'B' });
});
afterAll(() => ca?.remove());

describe('certificatesFromAttributeValue', () => {
  it('reads a bare DER certificate (userCertificate;binary)', () => {
    expect(certificatesFromAttributeValue(a.der)).toEqual([a.der]);
  });

  it('reads every certificate of a PKCS#7 certs-only (userSMIMECertificate as Outlook publishes it)', () => {
    const found = certificatesFromAttributeValue(ca.certsOnly([a, b]));
    expect(found.map((d) => Buffer.from(d).toString('hex')).sort()).toEqual(
      [a.der, b.der].map((d) => Buffer.from(d).toString('hex')).sort(),
    );
  });

  it('refuses bytes that are neither', () => {
    expect(() => certificatesFromAttributeValue(new Uint8Array([1, 2, 3]))).toThrow(
      expect.objectContaining({ code: 'directory.malformed-certificate' }),
    );
    expect(() => certificatesFromAttributeValue(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05]))).toThrow(
      expect.objectContaining({ code: 'directory.malformed-certificate' }),
    );
  });
});
