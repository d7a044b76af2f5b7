import { describe, expect, it } from 'vitest';
import {
  buildEntity,
  decodeHeaderWords,
  encodePhrase,
  encodeUnstructured,
  encodeWords,
  getFilename,
  parseAddresses,
  parseContentDisposition,
  parseContentType,
  parseMessage,
} from '../../../shared/mime';
import { utf8 } from '../../../shared/bytes';

const entity = (headers: string) => parseMessage(utf8(headers.replace(/\n/g, '\r\n') + '\r\n\r\n'));

describe('RFC 2047 encoded-words', () => {
  it('decodes Q and B words in Spanish and Japanese, across charsets', () => {
    expect(decodeHeaderWords('=?ISO-8859-1?Q?Espa=F1a?= y =?UTF-8?Q?Andaluc=C3=ADa?=')).toBe(
      'España y Andalucía',
    );
    expect(decodeHeaderWords('=?UTF-8?B?5pel5pys6Kqe44Gu5Lu25ZCN?=')).toBe('日本語の件名');
    expect(decodeHeaderWords('=?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?=')).toBe('日本語');
    expect(decodeHeaderWords('=?Shift_JIS?B?k/qWe4zq?=')).toBe('日本語');
  });

  it('drops the whitespace between adjacent encoded-words but keeps it around plain text', () => {
    expect(decodeHeaderWords('=?UTF-8?Q?a?= =?UTF-8?Q?b?= c')).toBe('ab c');
    expect(decodeHeaderWords('=?UTF-8?Q?Hola_mundo?=')).toBe('Hola mundo');
  });

  it('joins a character split across two words', () => {
    // "é" is C3 A9; split between two Q words
    expect(decodeHeaderWords('=?UTF-8?Q?caf=C3?= =?UTF-8?Q?=A9?=')).toBe('café');
  });

  it('leaves text without encoded-words and malformed words alone', () => {
    expect(decodeHeaderWords('plain subject')).toBe('plain subject');
    expect(decodeHeaderWords('=?UTF-8?X?broken?=')).toBe('=?UTF-8?X?broken?=');
  });

  it('encodes so that every word is at most 75 characters and decodes back exactly', () => {
    for (const s of ['señor', '日本語のとても長い件名'.repeat(8), 'a'.repeat(200) + 'ñ', '😀 emoji 👍🏽']) {
      const enc = encodeWords(s);
      for (const w of enc.split(' ')) expect(w.length).toBeLessThanOrEqual(75);
      expect(decodeHeaderWords(enc)).toBe(s);
    }
  });

  it('keeps plain ASCII subjects readable and encodes the rest', () => {
    expect(encodeUnstructured('Quarterly report')).toBe('Quarterly report');
    expect(encodeUnstructured('Reunión mañana')).toMatch(/^=\?UTF-8\?[QB]\?/);
    expect(encodeUnstructured('looks =?like?= a word')).not.toBe('looks =?like?= a word');
  });

  it('quotes display names with specials and encodes non-ASCII ones', () => {
    expect(encodePhrase('Alice Smith')).toBe('Alice Smith');
    expect(encodePhrase('Smith, Alice')).toBe('"Smith, Alice"');
    expect(encodePhrase('say "hi"')).toBe('"say \\"hi\\""');
    expect(decodeHeaderWords(encodePhrase('Peña, José'))).toBe('Peña, José');
  });
});

describe('RFC 2231 parameters and attachment file names', () => {
  it('decodes a charset-tagged, percent-encoded filename', () => {
    const e = entity(
      "Content-Type: application/pdf\nContent-Disposition: attachment; filename*=utf-8'es'Espa%C3%B1a.pdf",
    );
    expect(getFilename(e)).toBe('España.pdf');
  });

  it('joins continuations, encoded and plain, in numeric order', () => {
    const e = entity(
      [
        'Content-Type: application/octet-stream',
        'Content-Disposition: attachment;',
        ' filename*1*=%E8%AA%9E.txt;',
        " filename*0*=UTF-8''%E6%97%A5%E6%9C%AC;",
        ' filename*2="-final"',
      ].join('\n'),
    );
    expect(getFilename(e)).toBe('日本語.txt-final');
  });

  it('decodes a Latin-1 RFC 2231 value', () => {
    expect(parseContentType("text/plain; name*=iso-8859-1''Espa%F1a.txt").params['name']).toBe('España.txt');
  });

  it('prefers the RFC 2231 value over the plain one and falls back to Content-Type name', () => {
    expect(
      parseContentDisposition("attachment; filename=fallback.txt; filename*=utf-8''real.txt").params[
        'filename'
      ],
    ).toBe('real.txt');
    expect(getFilename(entity('Content-Type: image/png; name="photo.png"'))).toBe('photo.png');
  });

  it('decodes RFC 2047 words inside a quoted name, as Outlook and Gmail send them', () => {
    expect(getFilename(entity('Content-Type: application/pdf; name="=?UTF-8?B?5pel5pys6Kqe?=.pdf"'))).toBe(
      '日本語.pdf',
    );
    expect(
      getFilename(entity('Content-Disposition: attachment; filename="=?ISO-8859-1?Q?a=F1o.pdf?="')),
    ).toBe('año.pdf');
  });

  it('round-trips long non-ASCII filenames built with continuations', () => {
    for (const name of [
      'presupuesto año 2026 — versión final definitiva de verdad.pdf',
      '日本語のファイル名'.repeat(6) + '.txt',
    ]) {
      const e = parseMessage(
        buildEntity({
          kind: 'binary',
          contentType: 'application/pdf',
          data: new Uint8Array(1),
          filename: name,
          disposition: 'attachment',
        }),
      );
      expect(getFilename(e)).toBe(name);
      expect(parseContentType(e.headers[0]!.value).params['name']).toBeDefined();
    }
  });

  it('parses quoted parameters with escapes, comments and odd spacing', () => {
    expect(parseContentType('Multipart/Mixed (comment) ; BOUNDARY = "a \\"b\\" c" ; x=1').params).toEqual({
      boundary: 'a "b" c',
      x: '1',
    });
    expect(parseContentType('text/plain; charset="utf-8"; format=flowed').params).toEqual({
      charset: 'utf-8',
      format: 'flowed',
    });
  });

  it('is not polluted by a parameter named __proto__', () => {
    const ct = parseContentType('text/plain; __proto__=x; constructor=y');
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(ct.params['__proto__']).toBe('x');
  });
});

describe('address lists', () => {
  it('parses display names, quoted strings with commas, and encoded names', () => {
    expect(
      parseAddresses(
        '"Doe, John" <john@example.com>, =?UTF-8?Q?Jos=C3=A9?= <jose@example.es>, bare@example.org',
      ),
    ).toEqual([
      { name: 'Doe, John', address: 'john@example.com' },
      { name: 'José', address: 'jose@example.es' },
      { name: '', address: 'bare@example.org' },
    ]);
  });

  it('flattens groups, remembering the group name, and drops empty groups', () => {
    expect(parseAddresses('Team: a@example.com, "B" <b@example.com>;, undisclosed-recipients:;')).toEqual([
      { name: '', address: 'a@example.com', group: 'Team' },
      { name: 'B', address: 'b@example.com', group: 'Team' },
    ]);
  });

  it('returns every address of a From with several mailboxes', () => {
    expect(
      parseAddresses('Alice <alice@example.com>, Mallory <mallory@evil.example>').map((a) => a.address),
    ).toEqual(['alice@example.com', 'mallory@evil.example']);
  });

  it('yields nothing rather than throwing for garbage', () => {
    expect(parseAddresses('<<<>>>""""@@,,;;:::')).toEqual(expect.any(Array));
    expect(parseAddresses('')).toEqual([]);
  });
});
