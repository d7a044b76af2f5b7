/**
 * Address lists (RFC 5322 §3.4): parsing uses postal-mime's tokenizer (display names, quoted strings,
 * comments, groups, encoded-words); formatting is ours so that what we send is always 7-bit and cannot
 * smuggle extra header fields.
 */
import { addressParser } from 'postal-mime';
import { SelloError } from '../errors';
import { encodePhrase } from './encoded-words';

export interface MailAddress {
  /** Display name, RFC 2047 decoded; '' when none. */
  name: string;
  /** addr-spec as written (not lower-cased: the local part is case-sensitive in principle). */
  address: string;
  /** Name of the RFC 5322 group the mailbox was listed in, if any. */
  group?: string;
}

interface ParsedAddress {
  name: string;
  address?: string;
  group?: ParsedAddress[];
}

/** Input bounded so a pathological header cannot make the tokenizer allocate without end. */
const MAX_ADDRESS_HEADER = 256 * 1024;

/**
 * Every mailbox in an address header value, groups flattened (each mailbox remembers its group).
 * Several From addresses come back as several entries; callers that bind a signer to From must check
 * all of them. Entries without an address (a bare group name, garbage) are left out.
 */
export function parseAddresses(value: string): MailAddress[] {
  if (value.length > MAX_ADDRESS_HEADER) {
    throw new SelloError('mime.header-too-large', 'An address header is too large.');
  }
  const out: MailAddress[] = [];
  const visit = (list: ParsedAddress[], group?: string) => {
    for (const a of list) {
      if (a.group) visit(a.group, a.name);
      else if (a.address && a.address.includes('@')) {
        out.push(
          group === undefined
            ? { name: a.name, address: a.address }
            : { name: a.name, address: a.address, group },
        );
      }
    }
  };
  visit(addressParser(value) as ParsedAddress[]);
  return out;
}

export type AddressInput = string | { name?: string; address: string };

/** Local part and domain we are willing to put on the wire: printable ASCII, no spaces or brackets. */
const ADDR_SPEC = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]+@[A-Za-z0-9.-]+$/;

function toAsciiDomain(domain: string): string {
  if (/^[\x20-\x7e]*$/.test(domain)) return domain;
  try {
    // IDNA (RFC 5891) via the URL parser every runtime has: bücher.example -> xn--bcher-kva.example
    return new URL(`http://${domain}/`).hostname;
  } catch (e) {
    throw new SelloError('mime.invalid-address', 'An e-mail domain is not valid.', { cause: e });
  }
}

function normalizeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const ascii = at < 0 ? address : address.slice(0, at + 1) + toAsciiDomain(address.slice(at + 1));
  if (!ADDR_SPEC.test(ascii) || ascii.length > 254) {
    // Non-ASCII local parts need SMTPUTF8 (RFC 6531), which a 7-bit message cannot carry.
    throw new SelloError(
      'mime.invalid-address',
      `Not a valid e-mail address: ${JSON.stringify(address.slice(0, 80))}.`,
    );
  }
  return ascii;
}

/** A mailbox as header text: `Name <addr>`, the name quoted or RFC 2047 encoded as needed. */
export function formatAddress(input: AddressInput): string {
  let mailbox: { name?: string; address: string };
  if (typeof input === 'string') {
    const parsed = /[\r\n]/.test(input) ? [] : parseAddresses(input);
    if (parsed.length !== 1 || parsed[0]!.group !== undefined) {
      throw new SelloError(
        'mime.invalid-address',
        `Not a single e-mail address: ${JSON.stringify(input.slice(0, 80))}.`,
      );
    }
    mailbox = parsed[0]!;
  } else {
    mailbox = input;
  }
  const address = normalizeAddress(mailbox.address.trim());
  const name = mailbox.name?.trim();
  return name ? `${encodePhrase(name)} <${address}>` : address;
}

/** An address list as header text, comma separated (folding happens where the header is written). */
export function formatAddressList(inputs: AddressInput | AddressInput[]): string {
  const list = Array.isArray(inputs) ? inputs : [inputs];
  return list.map(formatAddress).join(', ');
}
