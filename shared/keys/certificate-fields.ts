/**
 * The few certificate fields key handling needs (issuer and subject as exact DER, the SPKI, key
 * identifiers), read with asn1js without validating anything else: pairing keys with certificates and
 * ordering a PKCS#12 bag's chain, not path validation (that is shared/pki).
 */
import * as asn1js from 'asn1js';
import { SelloError } from '../errors';
import { encodingOf, explicit, isContext, octets, oid, parseDer, sequence } from './der';

export interface CertificateFields {
  issuer: Uint8Array;
  subject: Uint8Array;
  /** SubjectPublicKeyInfo, DER. */
  spki: Uint8Array;
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
}

const OID_SKI = '2.5.29.14';
const OID_AKI = '2.5.29.35';

const bad = (): SelloError => new SelloError('cert.malformed', 'The certificate is not well-formed.');

export function readCertificateFields(der: Uint8Array): CertificateFields {
  const cert = sequence(parseDer(der, bad), bad, 3, 3);
  const tbs = sequence(cert[0], bad, 6, 10);
  const offset = isContext(tbs[0], 0) ? 1 : 0; // [0] EXPLICIT version
  const issuer = tbs[offset + 2];
  const subject = tbs[offset + 4];
  const spki = tbs[offset + 5];
  if (
    !(issuer instanceof asn1js.Sequence) ||
    !(subject instanceof asn1js.Sequence) ||
    !(spki instanceof asn1js.Sequence)
  ) {
    throw bad();
  }
  const fields: CertificateFields = {
    issuer: encodingOf(issuer),
    subject: encodingOf(subject),
    spki: encodingOf(spki),
  };
  const extensions = tbs.find((n) => isContext(n, 3));
  if (extensions) {
    for (const ext of sequence(explicit(extensions, 3, bad), bad)) {
      const parts = sequence(ext, bad, 2, 3);
      const id = oid(parts[0], bad);
      const value = octets(parts[parts.length - 1], bad);
      if (id === OID_SKI) {
        fields.subjectKeyId = octets(parseDer(value, bad), bad);
      } else if (id === OID_AKI) {
        // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING OPTIONAL, ... }
        const keyId = sequence(parseDer(value, bad), bad).find((n) => isContext(n, 0));
        if (keyId instanceof asn1js.Primitive)
          fields.authorityKeyId = new Uint8Array(keyId.valueBlock.valueHexView);
      }
    }
  }
  return fields;
}
