/**
 * PKCS#7 certificate bundles (.p7b/.p7c, RFC 5652 "degenerate" SignedData with certificates and no
 * signers), DER or PEM. Only the certificates are taken; attribute certificates and CRLs are skipped.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer } from '../bytes';
import { SelloError } from '../errors';

const OID_SIGNED_DATA = '1.2.840.113549.1.7.2';

/** A DER ContentInfo whose content type is SignedData. */
export function looksLikeP7b(der: Uint8Array): boolean {
  // SEQUENCE { OBJECT IDENTIFIER 1.2.840.113549.1.7.2 ... }: the OID follows the outer header.
  const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
  if (der[0] !== 0x30) return false;
  const lenByte = der[1] ?? 0;
  const start = 2 + (lenByte & 0x80 ? lenByte & 0x7f : 0);
  return oid.every((b, i) => der[start + i] === b);
}

export function parseP7b(der: Uint8Array): Uint8Array[] {
  let signedData: pkijs.SignedData;
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(der));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    const ci = new pkijs.ContentInfo({ schema: asn1.result });
    if (ci.contentType !== OID_SIGNED_DATA) throw new Error(`content type ${ci.contentType}`);
    signedData = new pkijs.SignedData({ schema: ci.content });
  } catch (e) {
    throw new SelloError('p7b.malformed', 'The PKCS#7 certificate bundle is not well-formed.', { cause: e });
  }
  const out: Uint8Array[] = [];
  for (const c of signedData.certificates ?? [])
    if (c instanceof pkijs.Certificate) out.push(new Uint8Array(c.toSchema(false).toBER(false)));
  return out;
}
