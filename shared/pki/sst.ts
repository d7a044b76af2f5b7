/**
 * Microsoft serialized certificate stores (.sst, what `Export-Certificate -Type SST` and
 * CertSaveStore(CERT_STORE_SAVE_AS_STORE) write; [MS-OSHARED] serialized certificate store): a header
 * (u32 version 0, magic "CERT"), then property elements {propId u32, encodingType u32, length u32,
 * value}, each certificate's properties preceding its certificate element (id 0x20), and an end
 * element (id 0). All integers little-endian. Bounded: every length is checked against what is left.
 */
import { SelloError } from '../errors';

export const SST_ELEMENT = {
  end: 0,
  sha1Hash: 3,
  friendlyName: 11,
  certificate: 0x20,
  crl: 0x21,
  ctl: 0x22,
} as const;

export interface SstCertificate {
  der: Uint8Array;
  /** CERT_FRIENDLY_NAME_PROP_ID (11): UTF-16LE, NUL-terminated. */
  friendlyName?: string;
}

// An SST of the whole Windows root store is ~1 MB; 64 MB and 100 000 elements are far beyond real use
// and keep a hostile file from making us loop or allocate without bound.
const MAX_SST_BYTES = 64 * 1024 * 1024;
const MAX_ELEMENTS = 100_000;
// X509_ASN_ENCODING (1), possibly combined with PKCS_7_ASN_ENCODING (0x10000).
const X509_ASN_ENCODING = 1;

const malformed = (why: string): SelloError =>
  new SelloError('sst.malformed', `The serialized certificate store is not well-formed: ${why}.`);

export function looksLikeSst(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 8 &&
    bytes[0] === 0 &&
    bytes[1] === 0 &&
    bytes[2] === 0 &&
    bytes[3] === 0 &&
    String.fromCharCode(bytes[4]!, bytes[5]!, bytes[6]!, bytes[7]!) === 'CERT'
  );
}

export function parseSst(bytes: Uint8Array): SstCertificate[] {
  if (bytes.length > MAX_SST_BYTES) throw malformed('the file is larger than 64 MB');
  if (!looksLikeSst(bytes)) throw malformed('the "CERT" header is missing');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const certificates: SstCertificate[] = [];
  let pending: { friendlyName?: string } = {};
  let offset = 8;
  for (let count = 0; ; count++) {
    if (count >= MAX_ELEMENTS) throw malformed('too many elements');
    if (offset === bytes.length) throw malformed('the end element is missing');
    if (offset + 12 > bytes.length) throw malformed(`a truncated element header at byte ${offset}`);
    const propId = view.getUint32(offset, true);
    const encodingType = view.getUint32(offset + 4, true);
    const length = view.getUint32(offset + 8, true);
    offset += 12;
    if (propId === SST_ELEMENT.end) {
      if (length !== 0) throw malformed('the end element has a length');
      return certificates;
    }
    if (length > bytes.length - offset)
      throw malformed(`element ${propId} claims ${length} bytes but only ${bytes.length - offset} remain`);
    const value = bytes.subarray(offset, offset + length);
    offset += length;
    if (propId === SST_ELEMENT.certificate) {
      if ((encodingType & 0xffff) !== X509_ASN_ENCODING)
        throw malformed(`a certificate element with encoding type ${encodingType}`);
      if (length === 0) throw malformed('an empty certificate element');
      certificates.push({ der: value.slice(), ...pending });
      pending = {};
    } else if (propId === SST_ELEMENT.crl || propId === SST_ELEMENT.ctl) {
      // CRLs and CTLs in a store are not trust anchors; their properties do not carry over.
      pending = {};
    } else if (propId === SST_ELEMENT.friendlyName) {
      pending.friendlyName = decodeUtf16le(value);
    }
    // Other properties (hashes, key identifiers, EKU restrictions...) are not used here.
  }
}

function decodeUtf16le(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < b.length; i += 2) {
    const code = b[i]! | (b[i + 1]! << 8);
    if (code === 0) break;
    s += String.fromCharCode(code);
  }
  return s;
}
