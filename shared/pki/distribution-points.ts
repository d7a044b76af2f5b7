/**
 * CRL distribution point names and scopes read from the extensions' DER (RFC 5280 §4.2.1.13,
 * §5.2.5). PKI.js drops nameRelativeToCRLIssuer when parsing issuingDistributionPoint, so these are
 * parsed here. Names become comparable keys: directory names by their prepared RDNs (a relative
 * name is appended to the CRL issuer's name first), other GeneralNames by tag and bytes.
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';
import { toArrayBuffer, toHex } from '../bytes';
import { EXT, extension, extensionValue } from './certificate';
import { nameRdns, rdnFromElements, rdnsOfSequence, type Rdn } from './names';

/** ReasonFlags bits 1..8 (bit 0 "unused" never counts). */
export const ALL_REASONS = 0x1fe;

export interface IssuingDistributionPointInfo {
  /** Keys of the distribution point names, or undefined when the IDP names none. */
  names?: string[];
  onlyContainsUserCerts: boolean;
  onlyContainsCACerts: boolean;
  onlyContainsAttributeCerts: boolean;
  indirectCRL: boolean;
  /** ReasonFlags as a bit mask (bit n = reason n), undefined when absent (all reasons). */
  onlySomeReasons?: number;
}

export interface DistributionPointInfo {
  names?: string[];
  reasons?: number;
  /** Directory names in cRLIssuer: the CRL for this point comes from them (an indirect CRL). */
  crlIssuers: Rdn[][];
}

function parse(der: Uint8Array): asn1js.AsnType {
  const asn1 = asn1js.fromBER(toArrayBuffer(der));
  if (asn1.offset === -1) throw new Error('malformed distribution point extension');
  return asn1.result;
}

function rdnsKey(rdns: Rdn[]): string {
  return `dn:${JSON.stringify(rdns)}`;
}

function generalNameKey(node: asn1js.AsnType): string {
  const id = (node as asn1js.BaseBlock).idBlock;
  if (id.tagClass === 3 && id.tagNumber === 4) {
    // directoryName [4] EXPLICIT Name
    const inner = (node as asn1js.Constructed).valueBlock.value[0];
    return rdnsKey(inner ? rdnsOfSequence(inner) : []);
  }
  const body = new Uint8Array(node.toBER(false));
  return `gn${id.tagNumber}:${toHex(body)}`;
}

function reasonMask(node: asn1js.AsnType): number {
  const bytes = new Uint8Array((node as asn1js.Primitive).valueBlock.valueHexView).subarray(1); // skip unused-bits octet
  let mask = 0;
  for (let bit = 0; bit <= 8; bit++) if ((bytes[bit >> 3] ?? 0) & (0x80 >> (bit & 7))) mask |= 1 << bit;
  return mask & ALL_REASONS;
}

/** DistributionPointName: [0] fullName GeneralNames | [1] nameRelativeToCRLIssuer RDN. */
function pointNames(dpn: asn1js.AsnType, relativeTo: Rdn[]): string[] {
  const choice = (dpn as asn1js.Constructed).valueBlock.value[0];
  if (!choice) return [];
  const id = (choice as asn1js.BaseBlock).idBlock;
  const items = (choice as asn1js.Constructed).valueBlock.value ?? [];
  if (id.tagNumber === 0) return items.map(generalNameKey);
  if (id.tagNumber === 1) return [rdnsKey([...relativeTo, rdnFromElements(items)])];
  return [];
}

/** Directory names among GeneralNames (cRLIssuer, certificateIssuer). */
export function directoryNames(generalNames: asn1js.AsnType[]): Rdn[][] {
  const out: Rdn[][] = [];
  for (const gn of generalNames) {
    const id = (gn as asn1js.BaseBlock).idBlock;
    const inner = (gn as asn1js.Constructed).valueBlock.value?.[0];
    if (id.tagClass === 3 && id.tagNumber === 4 && inner) out.push(rdnsOfSequence(inner));
  }
  return out;
}

/** The directory names in a GeneralNames extension value (DER). */
export function directoryNamesIn(der: Uint8Array): Rdn[][] {
  const seq = parse(der) as asn1js.Sequence;
  return directoryNames(seq.valueBlock.value ?? []);
}

function booleanOf(node: asn1js.AsnType): boolean {
  const v = new Uint8Array((node as asn1js.Primitive).valueBlock.valueHexView);
  return (v[0] ?? 0) !== 0;
}

export function issuingDistributionPoint(
  ext: pkijs.Extension,
  crlIssuer: pkijs.RelativeDistinguishedNames,
): IssuingDistributionPointInfo {
  const seq = parse(extensionValue(ext)) as asn1js.Sequence;
  const info: IssuingDistributionPointInfo = {
    onlyContainsUserCerts: false,
    onlyContainsCACerts: false,
    onlyContainsAttributeCerts: false,
    indirectCRL: false,
  };
  for (const item of seq.valueBlock.value ?? []) {
    const tag = (item as asn1js.BaseBlock).idBlock.tagNumber;
    if (tag === 0) info.names = pointNames(item, nameRdns(crlIssuer));
    else if (tag === 1) info.onlyContainsUserCerts = booleanOf(item);
    else if (tag === 2) info.onlyContainsCACerts = booleanOf(item);
    else if (tag === 3) info.onlySomeReasons = reasonMask(item);
    else if (tag === 4) info.indirectCRL = booleanOf(item);
    else if (tag === 5) info.onlyContainsAttributeCerts = booleanOf(item);
  }
  return info;
}

export function crlDistributionPoints(cert: pkijs.Certificate): DistributionPointInfo[] {
  const ext = extension(cert, EXT.crlDistributionPoints);
  if (!ext) return [];
  const seq = parse(extensionValue(ext)) as asn1js.Sequence;
  return (seq.valueBlock.value ?? []).map((dp) => {
    const out: DistributionPointInfo = { crlIssuers: [] };
    const items = (dp as asn1js.Sequence).valueBlock.value ?? [];
    for (const item of items) {
      const tag = (item as asn1js.BaseBlock).idBlock.tagNumber;
      if (tag === 2) out.crlIssuers = directoryNames((item as asn1js.Constructed).valueBlock.value ?? []);
    }
    // §4.2.1.13: a relative name is relative to the cRLIssuer when there is one, else to the issuer.
    const base = out.crlIssuers[0] ?? nameRdns(cert.issuer);
    for (const item of items) {
      const tag = (item as asn1js.BaseBlock).idBlock.tagNumber;
      if (tag === 0) out.names = pointNames(item, base);
      else if (tag === 1) out.reasons = reasonMask(item);
    }
    return out;
  });
}
