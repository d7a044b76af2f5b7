import { describe, expect, it } from 'vitest';
import {
  decodeBody,
  decodeText,
  getHeader,
  getHeaders,
  parseMessage,
  type MimeEntity,
} from '../../../shared/mime';
import { fromUtf8, utf8 } from '../../../shared/bytes';

const lf = (s: string) => utf8(s.replace(/\r?\n/g, '\n'));
const crlf = (s: string) => utf8(s.replace(/\r?\n/g, '\r\n'));
const str = (b: Uint8Array) => fromUtf8(b);

const SIGNED_PART = [
  'Content-Type: multipart/alternative; boundary="inner"',
  '',
  'preamble of the inner part',
  '--inner',
  'Content-Type: text/plain; charset=utf-8',
  'Content-Transfer-Encoding: quoted-printable',
  '',
  'Hola se=C3=B1or   ',
  '--inner',
  'Content-Type: text/html',
  '',
  '<p>Hola</p>',
  '--inner--',
  'inner epilogue',
].join('\r\n');

const SIGNED = [
  'From: Alice <alice@example.com>',
  'To: bob@example.com',
  'Subject: signed',
  'MIME-Version: 1.0',
  'Content-Type: multipart/signed; protocol="application/pkcs7-signature";',
  '\tmicalg=sha-256; boundary="----=_outer"',
  '',
  'This is an S/MIME signed message',
  '',
  '------=_outer',
  SIGNED_PART,
  '------=_outer  ',
  'Content-Type: application/pkcs7-signature; name=smime.p7s',
  'Content-Transfer-Encoding: base64',
  '',
  'AQIDBA==',
  '',
  '------=_outer--',
  '',
  'epilogue',
].join('\r\n');

describe('parsing message structure', () => {
  it('keeps the exact bytes of the first part of a multipart/signed (the CRLF before the boundary is not part of it)', () => {
    const input = utf8(SIGNED);
    const root = parseMessage(input);
    expect(root.contentType).toMatchObject({
      type: 'multipart',
      subtype: 'signed',
      params: { protocol: 'application/pkcs7-signature', micalg: 'sha-256', boundary: '----=_outer' },
    });
    const [signed, signature] = root.children as [MimeEntity, MimeEntity];
    expect(str(signed.raw)).toBe(SIGNED_PART);
    expect(signed.raw.buffer).toBe(input.buffer); // a view, not a copy
    expect(signed.raw.byteOffset).toBe(SIGNED.indexOf(SIGNED_PART));
    expect(signed.children.map((c) => c.path)).toEqual(['1.1', '1.2']);
    expect(decodeText(signed.children[0]!)).toBe('Hola señor');
    expect(str(signed.children[1]!.raw)).toBe('Content-Type: text/html\r\n\r\n<p>Hola</p>');
    expect(decodeBody(signature)).toEqual(Uint8Array.from([1, 2, 3, 4]));
    expect(str(signature.body)).toBe('AQIDBA==\r\n');
  });

  it('accepts LF line ends and keeps the part bytes without the LF before the boundary', () => {
    const input = lf(SIGNED);
    const [signed] = parseMessage(input).children as [MimeEntity];
    expect(str(signed.raw)).toBe(SIGNED_PART.replace(/\r\n/g, '\n'));
    expect(signed.children).toHaveLength(2);
  });

  it('unfolds header values and keeps duplicates in order', () => {
    const root = parseMessage(crlf('Received: a\n  b\nReceived: c\nSubject: x\n\tcontinued\n\nbody'));
    expect(getHeaders(root, 'received')).toEqual(['a  b', 'c']);
    expect(getHeader(root, 'SUBJECT')).toBe('x\tcontinued');
    expect(str(root.body)).toBe('body');
  });

  it('treats a missing Content-Type as text/plain us-ascii and a garbage one the same way', () => {
    expect(parseMessage(crlf('Subject: x\n\nhi')).contentType).toEqual({
      type: 'text',
      subtype: 'plain',
      params: { charset: 'us-ascii' },
    });
    expect(parseMessage(crlf('Content-Type: ???\n\nhi')).contentType.subtype).toBe('plain');
  });

  it('keeps a multipart without a boundary parameter as a leaf', () => {
    const root = parseMessage(crlf('Content-Type: multipart/mixed\n\n--x\n\nhi\n--x--\n'));
    expect(root.children).toEqual([]);
  });

  it('parses an unterminated multipart up to the end of the input', () => {
    const root = parseMessage(crlf('Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n'));
    expect(root.children.map((c) => str(c.body))).toEqual(['one', 'two\r\n']);
  });

  it('does not take a longer boundary that starts with the real one for a delimiter', () => {
    const input = crlf(
      'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=bb\n\n--bb\n\nin\n--bb--\n--b--\n',
    );
    const root = parseMessage(input);
    expect(root.children).toHaveLength(1);
    expect(root.children[0]!.children.map((c) => str(c.body))).toEqual(['in']);
  });

  it('ignores preamble and epilogue and empty parts do not break numbering', () => {
    const root = parseMessage(
      crlf('Content-Type: multipart/mixed; boundary=b\n\npre\n--b\n--b\n\nx\n--b--\npost'),
    );
    expect(root.children.map((c) => [c.path, str(c.raw)])).toEqual([
      ['1', ''],
      ['2', '\r\nx'],
    ]);
  });

  it('gives parts of a multipart/digest message/rfc822 as their default type', () => {
    const root = parseMessage(
      crlf('Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: in\n\nbody\n--d--\n'),
    );
    const part = root.children[0]!;
    expect(part.contentType).toMatchObject({ type: 'message', subtype: 'rfc822' });
    expect(getHeader(part.children[0]!, 'subject')).toBe('in');
  });

  it('parses a base64-encoded message/rfc822 from its decoded bytes', () => {
    const inner = btoa('Subject: hidden\r\n\r\nsecret');
    const root = parseMessage(
      crlf(`Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n${inner}\n`),
    );
    expect(getHeader(root.children[0]!, 'subject')).toBe('hidden');
    expect(str(root.children[0]!.body)).toBe('secret');
  });

  it('reads a message without a body or without headers', () => {
    expect(parseMessage(crlf('Subject: only headers')).body).toHaveLength(0);
    const bodyOnly = parseMessage(crlf('\nno headers'));
    expect(bodyOnly.headers).toEqual([]);
    expect(str(bodyOnly.body)).toBe('no headers');
    expect(parseMessage(new Uint8Array(0)).children).toEqual([]);
  });

  it('decodes text in the declared charset and falls back to Latin-1 for unknown ones', () => {
    const iso = Uint8Array.from([
      ...utf8('Content-Type: text/plain; charset=iso-8859-1\r\n\r\n'),
      0x45,
      0x73,
      0x70,
      0x61,
      0xf1,
      0x61,
    ]);
    expect(decodeText(parseMessage(iso))).toBe('España');
    const sjis = Uint8Array.from([
      ...utf8('Content-Type: text/plain; charset=Shift_JIS\r\n\r\n'),
      0x93,
      0xfa,
      0x96,
      0x7b,
    ]);
    expect(decodeText(parseMessage(sjis))).toBe('日本');
    const bogus = Uint8Array.from([...utf8('Content-Type: text/plain; charset=x-made-up\r\n\r\n'), 0xe9]);
    expect(decodeText(parseMessage(bogus))).toBe('é');
    const iso2022 = utf8('Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n\x1b$BF|K\\\x1b(B');
    expect(decodeText(parseMessage(iso2022))).toBe('日本');
  });
});
