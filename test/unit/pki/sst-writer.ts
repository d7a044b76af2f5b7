/**
 * Test-only writer of Microsoft serialized certificate stores, following [MS-OSHARED] (serialized
 * certificate store: u32 version 0, "CERT", property elements {propId, encodingType 1, length,
 * value}, certificate element 0x20 after its properties, end element 0). No Windows machine exists
 * here to run `Export-Certificate -Type SST`, so the layout comes from the published specification.
 */
import { createHash } from 'node:crypto';

export function sstElement(propId: number, value: Uint8Array, encodingType = 1): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(propId, 0);
  head.writeUInt32LE(encodingType, 4);
  head.writeUInt32LE(value.length, 8);
  return Buffer.concat([head, Buffer.from(value)]);
}

export const SST_HEADER = Buffer.concat([Buffer.from([0, 0, 0, 0]), Buffer.from('CERT', 'latin1')]);
export const SST_END = Buffer.alloc(12);

export function writeTestSst(certs: { der: Uint8Array; friendlyName?: string }[]): Buffer {
  const parts: Buffer[] = [SST_HEADER];
  for (const c of certs) {
    parts.push(sstElement(3, createHash('sha1').update(c.der).digest())); // CERT_SHA1_HASH_PROP_ID
    if (c.friendlyName) parts.push(sstElement(11, Buffer.from(`${c.friendlyName}\0`, 'utf16le')));
    parts.push(sstElement(0x20, c.der));
  }
  parts.push(SST_END);
  return Buffer.concat(parts);
}
