/**
 * Distinguished names as RFC 5280 compares them (§7.1 with RFC 4518 string preparation, simplified to
 * Unicode NFKC, case folding and whitespace collapsing), plus a readable form for users. PKI.js flattens
 * multi-valued RDNs, so names are read here from their own DER, keeping the RDN structure.
 */
import * as asn1js from 'asn1js';
import type * as pkijs from 'pkijs';

export interface Attribute {
  type: string;
  /** Prepared string for directory strings, `#hex` of the encoding otherwise. */
  value: string;
}
export type Rdn = Attribute[];

// UTF8String, PrintableString, TeletexString, IA5String, UniversalString, BMPString, VisibleString
const STRING_TAGS = new Set([12, 19, 20, 22, 28, 30, 26]);

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.4': 'SN',
  '2.5.4.42': 'GN',
  '2.5.4.12': 'title',
  '2.5.4.46': 'dnQualifier',
  '2.5.4.65': 'pseudonym',
  '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export const OID_EMAIL_ADDRESS = '1.2.840.113549.1.9.1';

function nameSchema(name: pkijs.RelativeDistinguishedNames): asn1js.Sequence {
  // toSchema returns the original encoding when the name was decoded from DER.
  return name.toSchema() as asn1js.Sequence;
}

function stringValue(node: asn1js.AsnType): string | undefined {
  const id = (node as asn1js.BaseBlock).idBlock;
  if (id.tagClass !== 1 || !STRING_TAGS.has(id.tagNumber)) return undefined;
  const v = (node as unknown as { valueBlock: { value?: unknown } }).valueBlock.value;
  return typeof v === 'string' ? v : undefined;
}

/** RFC 4518 §2, simplified: NFKC, case fold, insignificant space handling. */
export function prepareString(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

function rawString(node: asn1js.AsnType): string {
  return stringValue(node) ?? '';
}

function attributeOf(atv: asn1js.AsnType): Attribute | undefined {
  if (!(atv instanceof asn1js.Sequence)) return undefined;
  const [typeNode, valueNode] = atv.valueBlock.value;
  if (!(typeNode instanceof asn1js.ObjectIdentifier) || !valueNode) return undefined;
  const s = stringValue(valueNode);
  const value =
    s !== undefined
      ? prepareString(s)
      : `#${Array.from(new Uint8Array(valueNode.toBER(false)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  return { type: typeNode.valueBlock.toString(), value };
}

/** One RDN from its AttributeTypeAndValue elements (a SET's contents). */
export function rdnFromElements(atvs: asn1js.AsnType[]): Rdn {
  return atvs.map(attributeOf).filter((a): a is Attribute => a !== undefined);
}

/** The RDN sequence of an asn1js Name (SEQUENCE OF SET OF AttributeTypeAndValue). */
export function rdnsOfSequence(seq: asn1js.AsnType): Rdn[] {
  const sets = (seq as asn1js.Sequence).valueBlock.value ?? [];
  return sets.map((set) => rdnFromElements((set as asn1js.Set).valueBlock.value ?? []));
}

/** The RDN sequence of a name, each attribute with its prepared value. */
export function nameRdns(name: pkijs.RelativeDistinguishedNames): Rdn[] {
  return rdnsOfSequence(nameSchema(name));
}

function rdnEqual(a: Rdn, b: Rdn): boolean {
  if (a.length !== b.length) return false;
  return a.every((x) => b.some((y) => y.type === x.type && y.value === x.value));
}

export function rdnsMatch(a: Rdn[], b: Rdn[]): boolean {
  return a.length === b.length && a.every((rdn, i) => rdnEqual(rdn, b[i]!));
}

/** RFC 5280 §7.1 name matching. */
export function namesMatch(
  a: pkijs.RelativeDistinguishedNames,
  b: pkijs.RelativeDistinguishedNames,
): boolean {
  return rdnsMatch(nameRdns(a), nameRdns(b));
}

/** `base` is a prefix of `name` (directoryName subtrees, RFC 5280 §4.2.1.10). */
export function isWithinDirectorySubtree(name: Rdn[], base: Rdn[]): boolean {
  return base.length <= name.length && base.every((rdn, i) => rdnEqual(rdn, name[i]!));
}

export function isEmptyName(name: pkijs.RelativeDistinguishedNames): boolean {
  return nameSchema(name).valueBlock.value.length === 0;
}

/** emailAddress attributes in a subject DN (legacy mail certificates), lower-cased. */
export function emailAddressesInName(name: pkijs.RelativeDistinguishedNames): string[] {
  const out: string[] = [];
  for (const set of nameSchema(name).valueBlock.value)
    for (const atv of (set as asn1js.Set).valueBlock.value) {
      const [typeNode, valueNode] = (atv as asn1js.Sequence).valueBlock.value;
      if (
        typeNode instanceof asn1js.ObjectIdentifier &&
        valueNode &&
        typeNode.valueBlock.toString() === OID_EMAIL_ADDRESS
      )
        out.push(rawString(valueNode).toLowerCase());
    }
  return out;
}

/** Readable form, most significant RDN last as in RFC 4514: `CN=Alice, O=Example, C=US`. */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  const parts: string[] = [];
  for (const set of nameSchema(name).valueBlock.value) {
    const atvs: string[] = [];
    for (const atv of (set as asn1js.Set).valueBlock.value) {
      const [typeNode, valueNode] = (atv as asn1js.Sequence).valueBlock.value;
      if (!(typeNode instanceof asn1js.ObjectIdentifier) || !valueNode) continue;
      const oid = typeNode.valueBlock.toString();
      const s = stringValue(valueNode);
      atvs.push(`${SHORT_NAMES[oid] ?? oid}=${s ?? '#…'}`);
    }
    parts.push(atvs.join('+'));
  }
  return parts.reverse().join(', ');
}
