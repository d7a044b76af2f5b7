/**
 * The facts about a certificate that `sello lint`, the address book and the directory gateway reason
 * about, read once with PKI.js: names, addresses, validity, key, usages, identifiers.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../bytes';
import { SelloError } from '../errors';

export interface CertificateFacts {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** rfc822Name subjectAltNames, lower-cased. */
  sanEmails: string[];
  /** emailAddress attributes of the subject (legacy), lower-cased. */
  subjectEmails: string[];
  keyAlgorithm: 'RSA' | 'RSA-PSS' | 'EC' | 'Ed25519' | 'Ed448' | 'X25519' | 'X448' | 'DSA' | string;
  /** RSA modulus bits or EC field size. */
  keyBits: number | null;
  curve: string | null;
  /** Names of the keyUsage bits set; null when the extension is absent (any use allowed). */
  keyUsage: KeyUsageName[] | null;
  /** EKU OIDs; null when absent. */
  extKeyUsage: string[] | null;
  subjectKeyIdentifier: string | null;
  isCA: boolean;
  selfIssued: boolean;
  /** Hex SHA-256 of the certificate DER and of the SubjectPublicKeyInfo DER (the key's identity). */
  sha256: string;
  spkiSha256: string;
  signatureAlgorithm: string;
  /** Critical extensions Sello does not interpret. */
  unknownCriticalExtensions: string[];
}

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];
const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};
const KEY_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.3.101.110': 'X25519',
  '1.3.101.111': 'X448',
  '1.2.840.10040.4.1': 'DSA',
};
const CURVES: Record<string, [string, number]> = {
  '1.2.840.10045.3.1.7': ['P-256', 256],
  '1.3.132.0.34': ['P-384', 384],
  '1.3.132.0.35': ['P-521', 521],
  '1.3.132.0.10': ['secp256k1', 256],
  '1.3.36.3.3.2.8.1.1.7': ['brainpoolP256r1', 256],
  '1.3.36.3.3.2.8.1.1.11': ['brainpoolP384r1', 384],
  '1.3.36.3.3.2.8.1.1.13': ['brainpoolP512r1', 512],
};
const SIGNATURE_ALGORITHMS: Record<string, string> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};
const KNOWN_EXTENSIONS = new Set([
  '2.5.29.14',
  '2.5.29.15',
  '2.5.29.17',
  '2.5.29.18',
  '2.5.29.19',
  '2.5.29.30',
  '2.5.29.31',
  '2.5.29.32',
  '2.5.29.33',
  '2.5.29.35',
  '2.5.29.36',
  '2.5.29.37',
  '2.5.29.46',
  '2.5.29.54',
  '1.3.6.1.5.5.7.1.1',
  '1.3.6.1.5.5.7.1.11',
]);

export function parseCertificateDer(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw new SelloError('cert.malformed', 'the certificate cannot be parsed', { cause: e });
  }
}

export async function certificateFacts(der: Uint8Array, crypto: Crypto): Promise<CertificateFacts> {
  const cert = parseCertificateDer(der);
  const ext = (oid: string): pkijs.Extension | undefined => cert.extensions?.find((e) => e.extnID === oid);
  const spkiDer = new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
  const algorithmOid = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  const { keyBits, curve } = keySize(cert.subjectPublicKeyInfo);
  const san = ext('2.5.29.17')?.parsedValue as pkijs.AltName | undefined;
  const ku = ext('2.5.29.15')?.parsedValue as asn1js.BitString | undefined;
  const eku = ext('2.5.29.37')?.parsedValue as pkijs.ExtKeyUsage | undefined;
  const ski = ext('2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
  const bc = ext('2.5.29.19')?.parsedValue as pkijs.BasicConstraints | undefined;
  const subject = formatName(cert.subject);
  const issuer = formatName(cert.issuer);
  return {
    subject,
    issuer,
    serialNumber: toHex(cert.serialNumber.valueBlock.valueHexView),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    sanEmails: (san?.altNames ?? [])
      .filter((n) => n.type === 1 && typeof n.value === 'string')
      .map((n) => String(n.value).toLowerCase()),
    subjectEmails: cert.subject.typesAndValues
      .filter((tv) => tv.type === '1.2.840.113549.1.9.1')
      .map((tv) => String(tv.value.valueBlock.value).toLowerCase()),
    keyAlgorithm: KEY_ALGORITHMS[algorithmOid] ?? algorithmOid,
    keyBits,
    curve,
    keyUsage: ku ? keyUsageNames(ku) : null,
    extKeyUsage: eku ? eku.keyPurposes : null,
    subjectKeyIdentifier: ski ? toHex(ski.valueBlock.valueHexView) : null,
    isCA: bc?.cA === true,
    selfIssued: subject === issuer,
    sha256: toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(der)))),
    spkiSha256: toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(spkiDer)))),
    signatureAlgorithm:
      SIGNATURE_ALGORITHMS[cert.signatureAlgorithm.algorithmId] ?? cert.signatureAlgorithm.algorithmId,
    unknownCriticalExtensions: (cert.extensions ?? [])
      .filter((e) => e.critical && !KNOWN_EXTENSIONS.has(e.extnID))
      .map((e) => e.extnID),
  };
}

/** RFC 4514 order (most specific first), short names for the usual attributes. */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map(
      (tv) =>
        `${ATTRIBUTE_NAMES[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value ?? '').replace(/([,+"\\<>;])/g, '\\$1')}`,
    )
    .reverse()
    .join(', ');
}

function keyUsageNames(bits: asn1js.BitString): KeyUsageName[] {
  const bytes = bits.valueBlock.valueHexView;
  return KEY_USAGE_BITS.filter((_, i) => ((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
}

function keySize(spki: pkijs.PublicKeyInfo): { keyBits: number | null; curve: string | null } {
  const oid = spki.algorithm.algorithmId;
  if (oid === '1.2.840.113549.1.1.1' || oid === '1.2.840.113549.1.1.10') {
    const parsed = asn1js.fromBER(spki.subjectPublicKey.valueBlock.valueHexView).result;
    const modulus = parsed instanceof asn1js.Sequence ? parsed.valueBlock.value[0] : undefined;
    if (!(modulus instanceof asn1js.Integer)) return { keyBits: null, curve: null };
    return { keyBits: bitLength(modulus.valueBlock.valueHexView), curve: null };
  }
  if (oid === '1.2.840.10045.2.1') {
    const params = spki.algorithm.algorithmParams;
    const curveOid = params instanceof asn1js.ObjectIdentifier ? params.valueBlock.toString() : '';
    const known = CURVES[curveOid];
    return { keyBits: known?.[1] ?? null, curve: known?.[0] ?? (curveOid || null) };
  }
  if (oid === '1.3.101.112' || oid === '1.3.101.110') return { keyBits: 256, curve: null };
  if (oid === '1.3.101.113' || oid === '1.3.101.111') return { keyBits: 448, curve: null };
  return { keyBits: null, curve: null };
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]!));
}
