/**
 * The word-at-a-time scans behind canonicalize (CRLF form, 7-bit safety) against byte-by-byte
 * reference definitions, at every alignment: a scan that missed a bare LF or an 8-bit octet would let
 * a signature go out over bytes a relay then rewrites.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { makeSevenBitSafe, toCrlf } from '../../../shared/mime';
import { utf8 } from '../../../shared/bytes';

function isCrlfReference(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 10 && (i === 0 || b[i - 1] !== 13)) return false;
    if (b[i] === 13 && b[i + 1] !== 10) return false;
  }
  return true;
}

function needsReencodingReference(b: Uint8Array): boolean {
  let col = 0;
  for (const c of b) {
    if (c >= 0x80 || c === 0) return true;
    if (c === 10 || c === 13) col = 0;
    else if (++col > 998) return true;
  }
  return false;
}

/** Mostly plain text, with line ends, 8-bit octets, NULs and runs long enough to pass 998. */
const chunk = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('a', 'bc', '\r\n', 'xyz ') },
  { weight: 2, arbitrary: fc.constantFrom('\n', '\r', '\u0080', '\u0000', '\u00ff') },
  { weight: 1, arbitrary: fc.integer({ min: 990, max: 1005 }).map((n) => 'q'.repeat(n)) },
);
const text = fc.array(chunk, { maxLength: 60 }).map((parts) => parts.join(''));

/** Latin-1 bytes placed at `offset` inside a larger buffer, so every alignment is tried. */
function at(s: string, offset: number): Uint8Array {
  const buf = new Uint8Array(offset + s.length + 3);
  for (let i = 0; i < s.length; i++) buf[offset + i] = s.charCodeAt(i);
  return buf.subarray(offset, offset + s.length);
}

describe('canonical-form scans', () => {
  it('toCrlf leaves exactly the CRLF-only inputs untouched', () => {
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 7 }), (s, offset) => {
        const b = at(s, offset);
        expect(toCrlf(b) === b).toBe(isCrlfReference(b));
      }),
      { numRuns: 400 },
    );
  });

  it('re-encodes exactly the bodies with 8-bit octets, NUL or a line over 998 characters', () => {
    const head = 'Content-Type: application/octet-stream\r\n\r\n';
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 7 }), (s, offset) => {
        const message = at(head + s, offset);
        const body = message.subarray(head.length);
        expect(makeSevenBitSafe(message) !== message).toBe(needsReencodingReference(body));
      }),
      { numRuns: 400 },
    );
  });

  it('measures a long line across CR-separated pieces as the pieces', () => {
    const head = utf8('Content-Type: application/octet-stream\r\n\r\n');
    const body = utf8(`${'a'.repeat(900)}\r${'b'.repeat(900)}\r\n`);
    const message = new Uint8Array(head.length + body.length);
    message.set(head);
    message.set(body, head.length);
    expect(makeSevenBitSafe(message)).toBe(message);
  });
});
