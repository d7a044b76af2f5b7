/**
 * Separates a message's top-level headers from its body entity, and joins them again. Signing and
 * encryption replace the body entity; From, To, Subject and the rest stay outside (RFC 8551 §3.1).
 */
import { concatBytes, utf8 } from '../bytes';
import { readHeaderBlock } from './header-block';
import { resolveLimits, type MimeLimits } from './limits';
import type { MimeHeader } from './types';

export interface SplitMessage {
  /** Top-level fields (neither Content-* nor MIME-Version), in order. */
  headers: MimeHeader[];
  /** Those fields' exact bytes, each ending in its line break. */
  headerBytes: Uint8Array;
  /** Content-* fields, the blank line and the body: the entity to sign or encrypt. */
  entity: Uint8Array;
}

const isEntityField = (name: string) => /^content-/i.test(name);
const isMimeVersion = (name: string) => name.toLowerCase() === 'mime-version';

export function splitHeaderAndBody(bytes: Uint8Array, limits?: Partial<MimeLimits>): SplitMessage {
  const block = readHeaderBlock(bytes, 0, bytes.length, resolveLimits(limits));
  const top = block.fields.filter((f) => !isEntityField(f.name) && !isMimeVersion(f.name));
  const content = block.fields.filter((f) => isEntityField(f.name));
  const withLineEnd = (b: Uint8Array) => (b[b.length - 1] === 10 ? b : concatBytes(b, utf8('\r\n')));
  const separator = block.headerEnd < bytes.length ? bytes.subarray(block.headerEnd) : utf8('\r\n');
  return {
    headers: top.map(({ name, value }) => ({ name, value })),
    headerBytes: concatBytes(...top.map((f) => withLineEnd(bytes.subarray(f.start, f.end)))),
    entity: concatBytes(...content.map((f) => withLineEnd(bytes.subarray(f.start, f.end))), separator),
  };
}

/** Top-level header bytes + MIME-Version + a (new) body entity. */
export function joinHeaderAndBody(headerBytes: Uint8Array, entity: Uint8Array): Uint8Array {
  const head =
    headerBytes.length === 0 || headerBytes[headerBytes.length - 1] === 10
      ? headerBytes
      : concatBytes(headerBytes, utf8('\r\n'));
  return concatBytes(head, utf8('MIME-Version: 1.0\r\n'), entity);
}
