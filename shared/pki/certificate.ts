/**
 * Reading X.509 certificates for trust import and path validation: parse once with PKI.js, then ask
 * typed questions (extensions, key usage, CA flag, key size). Malformed input is `cert.malformed`.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { formatName, namesMatch } from './names';

export const EXT = {
  subjectDirectoryAttributes: '2.5.29.9',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  issuerAltName: '2.5.29.18',
  basicConstraints: '2.5.29.19',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  policyMappings: '2.5.29.33',
  authorityKeyIdentifier: '2.5.29.35',
  policyConstraints: '2.5.29.36',
  extKeyUsage: '2.5.29.37',
  freshestCrl: '2.5.29.46',
  inhibitAnyPolicy: '2.5.29.54',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  subjectInfoAccess: '1.3.6.1.5.5.7.1.11',
} as const;

/** keyUsage bits (RFC 5280 §4.2.1.3), numbered as in the ASN.1 definition. */
export const KEY_USAGE = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsageName = keyof typeof KEY_USAGE;

export function parseCertificate(der: Uint8Array, what = 'certificate'): pkijs.Certificate {
  try {
    const asn1 = asn1js.fromBER(toArrayBuffer(der));
    if (asn1.offset === -1) throw new Error(asn1.result.error);
    return new pkijs.Certificate({ schema: asn1.result });
  } catch (e) {
    throw new SelloError('cert.malformed', `The ${what} is not a well-formed X.509 certificate.`, {
      cause: e,
    });
  }
}

export function extension(cert: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return cert.extensions?.find((e) => e.extnID === oid);
}

/** The raw extnValue contents (the DER inside the OCTET STRING). */
export function extensionValue(ext: pkijs.Extension): Uint8Array {
  return new Uint8Array(ext.extnValue.valueBlock.valueHexView);
}

export function basicConstraints(
  cert: pkijs.Certificate,
): { cA: boolean; pathLenConstraint?: number } | undefined {
  const ext = extension(cert, EXT.basicConstraints);
  if (!ext) return undefined;
  const bc = ext.parsedValue as pkijs.BasicConstraints | undefined;
  if (!(bc instanceof pkijs.BasicConstraints))
    throw new SelloError('cert.malformed', 'The basicConstraints extension is not well-formed.');
  const pathLen = bc.pathLenConstraint;
  const out: { cA: boolean; pathLenConstraint?: number } = { cA: bc.cA };
  if (typeof pathLen === 'number') out.pathLenConstraint = pathLen;
  else if (pathLen instanceof asn1js.Integer) out.pathLenConstraint = pathLen.valueBlock.valueDec;
  return out;
}

export function isCA(cert: pkijs.Certificate): boolean {
  return basicConstraints(cert)?.cA === true;
}

/** The set keyUsage bits, or undefined when the extension is absent (then every usage is allowed). */
export function keyUsage(cert: pkijs.Certificate): Set<KeyUsageName> | undefined {
  const ext = extension(cert, EXT.keyUsage);
  if (!ext) return undefined;
  const bits = ext.parsedValue as asn1js.BitString | undefined;
  if (!(bits instanceof asn1js.BitString))
    throw new SelloError('cert.malformed', 'The keyUsage extension is not well-formed.');
  const bytes = bits.valueBlock.valueHexView;
  const set = new Set<KeyUsageName>();
  for (const [name, bit] of Object.entries(KEY_USAGE) as [KeyUsageName, number][]) {
    const byte = bytes[bit >> 3] ?? 0;
    if (byte & (0x80 >> (bit & 7))) set.add(name);
  }
  return set;
}

/** extendedKeyUsage purposes (OIDs), or undefined when absent. */
export function extendedKeyUsage(cert: pkijs.Certificate): string[] | undefined {
  const ext = extension(cert, EXT.extKeyUsage);
  if (!ext) return undefined;
  const eku = ext.parsedValue as pkijs.ExtKeyUsage | undefined;
  if (!(eku instanceof pkijs.ExtKeyUsage))
    throw new SelloError('cert.malformed', 'The extendedKeyUsage extension is not well-formed.');
  return eku.keyPurposes;
}

/** RSA modulus size in bits, or undefined for other key types. */
export function rsaKeyBits(cert: pkijs.Certificate): number | undefined {
  const spki = cert.subjectPublicKeyInfo;
  const alg = spki.algorithm.algorithmId;
  if (alg !== '1.2.840.113549.1.1.1' && alg !== '1.2.840.113549.1.1.10') return undefined;
  const key = spki.parsedKey;
  if (!(key instanceof pkijs.RSAPublicKey)) return undefined;
  const n = key.modulus.valueBlock.valueHexView;
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  if (i === n.length) return 0;
  return (n.length - i) * 8 - Math.clz32(n[i]!) + 24;
}

export function certificateDer(cert: pkijs.Certificate): Uint8Array {
  return new Uint8Array(cert.toSchema(false).toBER(false));
}

export async function sha256Fingerprint(der: Uint8Array, env: CoreEnv): Promise<string> {
  const digest = await env.crypto.subtle.digest('SHA-256', toArrayBuffer(der));
  return toHex(new Uint8Array(digest)).toUpperCase();
}

export function subjectOf(cert: pkijs.Certificate): string {
  return formatName(cert.subject);
}

export function isSelfIssued(cert: pkijs.Certificate): boolean {
  return namesMatch(cert.subject, cert.issuer);
}
