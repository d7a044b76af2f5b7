import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeBase64Bytes,
  decodeQuotedPrintable,
  encodeBase64Lines,
  encodeQuotedPrintable,
} from '../../../shared/mime';
import { fromUtf8, utf8 } from '../../../shared/bytes';

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
