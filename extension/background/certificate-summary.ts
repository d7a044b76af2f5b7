/**
 * What the options page and compose frame show about a certificate: names, addresses, validity and
 * usage. Display parsing only (PKI.js); trust decisions belong to shared/pki.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';

export interface CertificateSummary {
  fingerprint: string;
  subject: string;
  commonName: string;
  emails: string[];
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  /** Whole days until notAfter (negative once expired). */
  expiresInDays: number;
  /** keyUsage bits and extendedKeyUsage purposes, by name. */
  usage: string[];
  canSign: boolean;
  canEncrypt: boolean;
  isCA: boolean;
}

const NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '1.2.840.113549.1.9.1': 'emailAddress',
};
const KEY_USAGE_BITS = [
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
const EKU: Record<string, string> = {
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((tv) => `${NAMES[tv.type] ?? tv.type}=${String(tv.value.valueBlock.value)}`)
    .join(', ');
}

function attribute(name: pkijs.RelativeDistinguishedNames, oid: string): string[] {
  return name.typesAndValues.filter((tv) => tv.type === oid).map((tv) => String(tv.value.valueBlock.value));
}

export function parseCertificate(der: Uint8Array): pkijs.Certificate {
  try {
    return pkijs.Certificate.fromBER(toArrayBuffer(der));
  } catch (e) {
    throw new SelloError('cert.malformed', 'This is not a readable X.509 certificate.', { cause: e });
  }
}

export async function fingerprintOf(der: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', toArrayBuffer(der))));
}

export async function summarizeCertificate(der: Uint8Array, now: Date): Promise<CertificateSummary> {
  const cert = parseCertificate(der);
  const emails = new Set(attribute(cert.subject, '1.2.840.113549.1.9.1').map((e) => e.toLowerCase()));
  const usage: string[] = [];
  let keyUsageBits: number | null = null;
  let isCA = false;
  let eku: string[] | null = null;
  for (const ext of cert.extensions ?? []) {
    if (ext.extnID === '2.5.29.17') {
      const names = (ext.parsedValue as pkijs.AltName | undefined)?.altNames ?? [];
      for (const n of names) if (n.type === 1) emails.add(String(n.value).toLowerCase());
    } else if (ext.extnID === '2.5.29.15') {
      const bits = ext.parsedValue as asn1js.BitString | undefined;
      const view = bits ? new Uint8Array(bits.valueBlock.valueHexView) : new Uint8Array();
      keyUsageBits = ((view[0] ?? 0) << 8) | (view[1] ?? 0);
      KEY_USAGE_BITS.forEach((name, i) => {
        if (keyUsageBits !== null && keyUsageBits & (0x8000 >> i)) usage.push(name);
      });
    } else if (ext.extnID === '2.5.29.37') {
      eku = ((ext.parsedValue as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? []).map((p) => EKU[p] ?? p);
      usage.push(...eku);
    } else if (ext.extnID === '2.5.29.19') {
      isCA = Boolean((ext.parsedValue as pkijs.BasicConstraints | undefined)?.cA);
    }
  }
  const has = (bit: number) => keyUsageBits === null || (keyUsageBits & (0x8000 >> bit)) !== 0;
  const ekuOk = eku === null || eku.includes('emailProtection') || eku.includes('anyExtendedKeyUsage');
  const notAfter = cert.notAfter.value;
  const spkiAlg = cert.subjectPublicKeyInfo.algorithm.algorithmId;
  const isEc = spkiAlg === '1.2.840.10045.2.1';
  return {
    fingerprint: await fingerprintOf(der),
    subject: nameToString(cert.subject),
    commonName: attribute(cert.subject, '2.5.4.3')[0] ?? '',
    emails: [...emails],
    issuer: nameToString(cert.issuer),
    serialNumber: toHex(new Uint8Array(cert.serialNumber.valueBlock.valueHexView)),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: notAfter.toISOString(),
    expiresInDays: Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000),
    usage,
    canSign: ekuOk && (has(0) || has(1)),
    canEncrypt: ekuOk && (isEc ? has(4) : has(2)),
    isCA,
  };
}
