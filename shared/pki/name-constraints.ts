/**
 * Name constraints (RFC 5280 §4.2.1.10, §6.1.3 b-c, §6.1.4 g): directoryName, rfc822Name (mailbox,
 * host and .domain forms, also applied to emailAddress attributes in the subject DN as the RFC
 * requires for legacy mail certificates), dNSName, URI host and iPAddress. Permitted subtrees are
 * kept per constraining CA certificate, so a name must satisfy every CA's list: that is the
 * intersection §6.1.4 (g)(1) asks for, without computing it. Excluded subtrees accumulate (union).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { EXT, extension } from './certificate';
import { emailAddressesInName, isEmptyName, isWithinDirectorySubtree, nameRdns, type Rdn } from './names';

const RFC822 = 1;
const DNS = 2;
const DIRECTORY = 4;
const URI = 6;
const IP = 7;

export interface NameConstraintState {
  permitted: pkijs.GeneralName[][];
  excluded: pkijs.GeneralName[];
}

export function initialNameConstraints(): NameConstraintState {
  return { permitted: [], excluded: [] };
}

/** §6.1.4 (g): fold a CA certificate's nameConstraints into the state. */
export function addNameConstraints(state: NameConstraintState, cert: pkijs.Certificate): void {
  const ext = extension(cert, EXT.nameConstraints);
  if (!ext) return;
  const nc = ext.parsedValue as pkijs.NameConstraints | undefined;
  if (!(nc instanceof pkijs.NameConstraints)) throw new Error('nameConstraints is not well-formed');
  if (nc.permittedSubtrees?.length) state.permitted.push(nc.permittedSubtrees.map((s) => s.base));
  if (nc.excludedSubtrees?.length) state.excluded.push(...nc.excludedSubtrees.map((s) => s.base));
}

interface CandidateName {
  type: number;
  value: string | Rdn[] | Uint8Array;
  label: string;
}

function subjectAltNames(cert: pkijs.Certificate): pkijs.GeneralName[] {
  const ext = extension(cert, EXT.subjectAltName);
  if (!ext) return [];
  const alt = ext.parsedValue as pkijs.AltName | undefined;
  return alt instanceof pkijs.AltName ? alt.altNames : [];
}

function candidateNames(cert: pkijs.Certificate): CandidateName[] {
  const out: CandidateName[] = [];
  if (!isEmptyName(cert.subject))
    out.push({ type: DIRECTORY, value: nameRdns(cert.subject), label: 'subject DN' });
  for (const email of emailAddressesInName(cert.subject))
    out.push({ type: RFC822, value: email, label: `emailAddress ${email}` });
  for (const gn of subjectAltNames(cert)) {
    const n = toCandidate(gn);
    if (n) out.push(n);
  }
  return out;
}

function toCandidate(gn: pkijs.GeneralName): CandidateName | undefined {
  switch (gn.type) {
    case RFC822:
    case DNS:
    case URI:
      return { type: gn.type, value: String(gn.value), label: String(gn.value) };
    case DIRECTORY:
      return gn.value instanceof pkijs.RelativeDistinguishedNames
        ? { type: DIRECTORY, value: nameRdns(gn.value), label: 'directoryName' }
        : undefined;
    case IP:
      return gn.value instanceof asn1js.OctetString
        ? { type: IP, value: new Uint8Array(gn.value.valueBlock.valueHexView), label: 'iPAddress' }
        : undefined;
    default:
      return undefined;
  }
}

function splitMailbox(address: string): { local: string | null; host: string } {
  const at = address.lastIndexOf('@');
  return at < 0
    ? { local: null, host: address.toLowerCase() }
    : { local: address.slice(0, at), host: address.slice(at + 1).toLowerCase() };
}

function matchesRfc822(address: string, constraint: string): boolean {
  const a = splitMailbox(address);
  if (constraint.includes('@')) {
    const c = splitMailbox(constraint);
    return a.local === c.local && a.host === c.host;
  }
  const c = constraint.toLowerCase();
  if (c.startsWith('.')) return a.host.endsWith(c);
  return a.host === c;
}

function matchesDns(name: string, constraint: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '');
  const c = constraint.toLowerCase().replace(/\.$/, '');
  if (c === '') return true;
  if (c.startsWith('.')) return n.endsWith(c);
  return n === c || n.endsWith(`.${c}`);
}

function uriHost(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  return m?.[1] ? m[1].toLowerCase() : null;
}

function matchesUri(uri: string, constraint: string): boolean {
  const host = uriHost(uri);
  if (host === null) return false;
  const c = constraint.toLowerCase();
  return c.startsWith('.') ? host.endsWith(c) : host === c;
}

function matchesIp(addr: Uint8Array, constraint: Uint8Array): boolean {
  if (constraint.length !== addr.length * 2) return false;
  for (let i = 0; i < addr.length; i++) {
    const mask = constraint[addr.length + i]!;
    if ((addr[i]! & mask) !== (constraint[i]! & mask)) return false;
  }
  return true;
}

function matches(name: CandidateName, constraint: pkijs.GeneralName): boolean {
  if (constraint.type !== name.type) return false;
  switch (name.type) {
    case RFC822:
      return matchesRfc822(name.value as string, String(constraint.value));
    case DNS:
      return matchesDns(name.value as string, String(constraint.value));
    case URI:
      return matchesUri(name.value as string, String(constraint.value));
    case DIRECTORY:
      return (
        constraint.value instanceof pkijs.RelativeDistinguishedNames &&
        isWithinDirectorySubtree(name.value as Rdn[], nameRdns(constraint.value))
      );
    case IP:
      return (
        constraint.value instanceof asn1js.OctetString &&
        matchesIp(name.value as Uint8Array, new Uint8Array(constraint.value.valueBlock.valueHexView))
      );
    default:
      return false;
  }
}

/** §6.1.3 (b)(c): the first name the constraints forbid, with why; undefined when all pass. */
export function checkNameConstraints(
  state: NameConstraintState,
  cert: pkijs.Certificate,
): string | undefined {
  if (state.permitted.length === 0 && state.excluded.length === 0) return undefined;
  for (const name of candidateNames(cert)) {
    for (const set of state.permitted) {
      const sameType = set.filter((c) => c.type === name.type);
      if (sameType.length > 0 && !sameType.some((c) => matches(name, c)))
        return `${name.label} is outside the permitted subtrees`;
    }
    if (state.excluded.some((c) => matches(name, c))) return `${name.label} is within an excluded subtree`;
  }
  return undefined;
}
