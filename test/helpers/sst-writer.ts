/**
 * Test-only writer of Microsoft serialized certificate stores (.sst, what `Export-Certificate -Type
 * SST` writes), following [MS-OSHARED] / CertSaveStore(CERT_STORE_SAVE_AS_STORE): a header (version 0,
 * magic "CERT"), then per certificate its property elements (here the SHA-1 hash, id 3, and a friendly
 * name, id 11) followed by the certificate element (id 0x20), and an end element. No Windows machine
 * exists here, so real exports cannot be used; this follows the published layout.
 */
import { createHash } from 'node:crypto';

function element(propId: number, value: Uint8Array): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(propId, 0);
  head.writeUInt32LE(1, 4); // X509_ASN_ENCODING
  head.writeUInt32LE(value.length, 8);
  return Buffer.concat([head, Buffer.from(value)]);
}

export function writeSst(certsDer: Uint8Array[], friendlyName = 'Sello test'): Buffer {
  const parts: Buffer[] = [Buffer.from([0, 0, 0, 0]), Buffer.from('CERT', 'latin1')];
  for (const der of certsDer) {
    parts.push(element(3, createHash('sha1').update(der).digest()));
    parts.push(element(11, Buffer.from(`${friendlyName}\0`, 'utf16le')));
    parts.push(element(0x20, der));
  }
  parts.push(Buffer.alloc(12)); // end element: id 0, encoding 0, length 0
  return Buffer.concat(parts);
}
