import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeBase64Bytes,
  decodeQuotedPrintable,
  encodeBase64Lines,
  encodeQuotedPrintable,
} from '../../../shared/mime';
import {
  base64LinesLength,
  encodeBase64LineChunks,
  encodeBase64LinesInto,
} from '../../../shared/mime/transfer-encoding';
import { concatBytes, equalBytes, fromUtf8, utf8 } from '../../../shared/bytes';

/** What quoted-printable text mode promises: the same bytes, with every line end as CRLF. */
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');
const crlfLines = (b: Uint8Array) => latin1(b).replace(/\r\n|\r|\n/g, '\r\n');

describe('transfer encodings', () => {
  it('round-trips any bytes through quoted-printable, line ends becoming CRLF', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const encoded = encodeQuotedPrintable(bytes);
        const text = latin1(encoded);
        expect(encoded.every((b) => b < 0x80)).toBe(true);
        for (const line of text.split('\r\n')) {
          expect(line.length).toBeLessThanOrEqual(76);
          expect(line.startsWith('--')).toBe(false);
          expect(line.startsWith('From ')).toBe(false);
          expect(/[ \t]$/.test(line)).toBe(false);
        }
        expect(latin1(decodeQuotedPrintable(encoded))).toBe(crlfLines(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips any bytes through base64 with lines of 76', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (bytes) => {
        const encoded = encodeBase64Lines(bytes);
        expect(
          latin1(encoded)
            .split('\r\n')
            .every((l) => l.length <= 76),
        ).toBe(true);
        expect(decodeBase64Bytes(encoded)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('decodes quoted-printable as real mail writes it', () => {
    expect(fromUtf8(decodeQuotedPrintable(utf8('Espa=C3=B1a=\r\n y m=c3=a1s')))).toBe('España y más');
    expect(fromUtf8(decodeQuotedPrintable(utf8('trailing   \r\nspace')))).toBe('trailing\r\nspace');
    expect(fromUtf8(decodeQuotedPrintable(utf8('kept  =\r\n\r\nnext')))).toBe('kept  \r\nnext');
    expect(fromUtf8(decodeQuotedPrintable(utf8('a = b =ZZ =\n')))).toBe('a = b =ZZ ');
  });

  it('refuses base64 with characters outside the alphabet', () => {
    expect(() => decodeBase64Bytes(utf8('QUJD*'))).toThrowError(
      expect.objectContaining({ code: 'mime.malformed' }),
    );
    expect(decodeBase64Bytes(utf8(' QU\r\nJD '))).toEqual(utf8('ABC'));
  });
});

describe('base64 in chunks', () => {
  const CHUNK = 57 * 16384; // input octets per chunk: whole 76-character lines

  function joined(pieces: Uint8Array[], width?: number): Uint8Array {
    // Each chunk is overwritten by the next, so it is copied as it comes.
    const copies: Uint8Array[] = [];
    for (const c of encodeBase64LineChunks(pieces, width)) copies.push(c.slice());
    return concatBytes(...copies);
  }

  function bytes(n: number, seed: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i++) b[i] = (i * 7 + seed + (i >> 9)) & 0xff;
    return b;
  }

  it('gives the bytes of encodeBase64Lines over the joined pieces, however they are cut', () => {
    const splits = [
      [0],
      [1],
      [2, 1],
      [57, 57],
      [CHUNK],
      [CHUNK + 1],
      [5, CHUNK - 5],
      [100, 2 * CHUNK + 7, 2, 1],
      [CHUNK - 1, 1, CHUNK],
    ];
    for (const sizes of splits) {
      const pieces = sizes.map((n, k) => bytes(n, k));
      const expected = encodeBase64Lines(concatBytes(...pieces));
      expect(equalBytes(joined(pieces), expected), sizes.join('+')).toBe(true);
    }
  });

  it('writes the same lines at an odd or even output offset, for every input length mod 3', () => {
    for (const n of [0, 1, 2, 56, 57, 58, 114, 1000, 1001, 1002]) {
      const input = bytes(n, 3);
      const expected = latin1(encodeBase64Lines(input));
      expect(expected).toBe(
        Buffer.from(input)
          .toString('base64')
          .replace(/.{76}(?=.)/g, '$&\r\n'),
      );
      for (const offset of [0, 1, 2, 3]) {
        const out = new Uint8Array(offset + base64LinesLength(n) + 1);
        const end = encodeBase64LinesInto(input, out, offset);
        expect(latin1(out.subarray(offset, end)), `${n} at ${offset}`).toBe(expected);
      }
    }
  });

  it('falls back to one chunk for a line width that is not whole groups of four', () => {
    const pieces = [bytes(100, 1), bytes(31, 2)];
    expect(fromUtf8(joined(pieces, 30))).toBe(fromUtf8(encodeBase64Lines(concatBytes(...pieces), 30)));
  });
});
