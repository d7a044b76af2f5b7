/**
 * Reads the certificate files people are handed: .cer/.crt (DER or PEM), PEM bundles and .p7b/.p7c
 * (certs-only PKCS#7, DER or PEM). Returns the DER certificates found.
 */
import * as pkijs from 'pkijs';
import { looksLikePem, pemDecodeAll, toArrayBuffer } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';

const SIGNED_DATA = '1.2.840.113549.1.7.2';

function certificatesFromPkcs7(der: Uint8Array): Uint8Array[] {
  const info = pkijs.ContentInfo.fromBER(toArrayBuffer(der));
  if (info.contentType !== SIGNED_DATA) throw new Error('not signed-data');
  const sd = new pkijs.SignedData({ schema: info.content });
  return (sd.certificates ?? [])
    .filter((c): c is pkijs.Certificate => c instanceof pkijs.Certificate)
    .map((c) => new Uint8Array(c.toSchema().toBER()));
}

function fromDer(der: Uint8Array): Uint8Array[] {
  try {
    pkijs.Certificate.fromBER(toArrayBuffer(der));
    return [der];
  } catch {
    // Not a single certificate: try a PKCS#7 bundle next.
  }
  try {
    return certificatesFromPkcs7(der);
  } catch (e) {
    throw new SelloError('cert.malformed', 'The file holds no certificate Sello can read.', { cause: e });
  }
}

export function readCertificateFile(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (looksLikePem(bytes)) {
    for (const block of pemDecodeAll(new TextDecoder().decode(bytes))) {
      if (block.label === 'CERTIFICATE' || block.label === 'X509 CERTIFICATE') out.push(block.der);
      else if (block.label === 'PKCS7' || block.label === 'CMS')
        out.push(...certificatesFromPkcs7(block.der));
    }
  } else {
    out.push(...fromDer(bytes));
  }
  if (out.length === 0) throw new SelloError('cert.malformed', 'The file holds no certificate.');
  return out;
}
