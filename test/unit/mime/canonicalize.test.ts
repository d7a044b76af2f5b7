import { describe, expect, it } from 'vitest';
import {
  buildEntity,
  buildMessage,
  canonicalize,
  decodeBody,
  decodeHeaderWords,
  decodeText,
  getFilename,
  getHeader,
  joinHeaderAndBody,
  makeSevenBitSafe,
  parseAddresses,
  parseMessage,
  splitHeaderAndBody,
  toCrlf,
} from '../../../shared/mime';
import { fromUtf8, utf8 } from '../../../shared/bytes';

const bin = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('canonical form before signing', () => {
  it('turns bare LF and bare CR into CRLF and leaves CRLF alone', () => {
    expect(fromUtf8(toCrlf(utf8('a\nb\rc\r\nd\n')))).toBe('a\r\nb\r\nc\r\nd\r\n');
    const already = utf8('a\r\nb');
    expect(toCrlf(already)).toBe(already);
  });

  it('re-encodes an 8bit text part as quoted-printable with the same text', () => {
    const input = utf8(
      'Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nSeñor,\nañadido\n',
    );
    const out = canonicalize(input);
    expect(out.every((b) => b < 0x80)).toBe(true);
    const e = parseMessage(out);
    expect(getHeader(e, 'content-transfer-encoding')).toBe('quoted-printable');
    expect(getHeader(e, 'content-type')).toBe('text/plain; charset=utf-8');
    expect(decodeText(e)).toBe('Señor,\r\nañadido\r\n');
  });

  it('re-encodes binary parts as base64 without touching their bytes, and relabels the multipart', () => {
    const data = bin('\x00\x01\n\r\xff\xfe\r\n');
    const input = new Uint8Array([
      ...utf8(
        'Content-Type: multipart/mixed; boundary=b\nContent-Transfer-Encoding: binary\n\n--b\nContent-Type: text/plain\n\nhello\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: binary\n\n',
      ),
      ...data,
      ...utf8('\n--b--\n'),
    ]);
    const out = canonicalize(input);
    const s = fromUtf8(out);
    expect(out.every((b) => b < 0x80)).toBe(true);
    expect(/[^\r]\n/.test(s)).toBe(false);
    const root = parseMessage(out);
    expect(getHeader(root, 'content-transfer-encoding')).toBe('7bit');
    expect(decodeText(root.children[0]!)).toBe('hello');
    expect(getHeader(root.children[1]!, 'content-transfer-encoding')).toBe('base64');
    expect(decodeBody(root.children[1]!)).toEqual(data);
  });

  it('re-wraps base64 with over-long lines', () => {
    const input = utf8(
      `Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n${'QUFB'.repeat(400)}\r\n`,
    );
    const out = canonicalize(input);
    expect(
      fromUtf8(out)
        .split('\r\n')
        .every((l) => l.length <= 76),
    ).toBe(true);
    expect(decodeBody(parseMessage(out))).toEqual(decodeBody(parseMessage(input)));
  });

  it('leaves an already canonical built entity byte for byte unchanged', () => {
    const e = buildEntity({
      text: 'Hola señor',
      html: '<p>日本語</p>',
      attachments: [{ filename: 'a.bin', data: new Uint8Array([0, 1, 2]) }],
    });
    expect(canonicalize(e)).toEqual(e);
  });

  it('re-encodes raw UTF-8 header fields as RFC 2231 parameters and RFC 2047 words', () => {
    const input = utf8(
      'Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n' +
        'From: José <jose@example.es>\r\nSubject: Año nuevo\r\n\r\nhola\r\n--b\r\n' +
        'Content-Type: application/pdf; name="año.pdf"\r\nContent-Disposition: attachment; filename="año.pdf"\r\n' +
        'Content-Transfer-Encoding: base64\r\n\r\nAAEC\r\n--b--\r\n',
    );
    const out = canonicalize(input);
    expect(out.every((b) => b < 0x80)).toBe(true);
    const root = parseMessage(out);
    const inner = root.children[0]!.children[0]!;
    expect(decodeHeaderWords(getHeader(inner, 'subject')!)).toBe('Año nuevo');
    expect(parseAddresses(getHeader(inner, 'from')!)).toEqual([{ name: 'José', address: 'jose@example.es' }]);
    expect(getFilename(root.children[1]!)).toBe('año.pdf');
    expect(decodeBody(root.children[1]!)).toEqual(Uint8Array.from([0, 1, 2]));
  });

  it('never alters anything inside an existing multipart/signed', () => {
    const signed =
      'Content-Type: multipart/signed; boundary=s; protocol="application/pkcs7-signature"\r\n\r\n' +
      '--s\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\né\r\n--s\r\n' +
      'Content-Type: application/pkcs7-signature\r\nContent-Transfer-Encoding: base64\r\n\r\nAAAA\r\n--s--\r\n';
    const input = utf8(`Content-Type: multipart/mixed; boundary=m\r\n\r\n--m\r\n${signed}\r\n--m--\r\n`);
    expect(fromUtf8(canonicalize(input))).toBe(fromUtf8(input));
  });

  it('makes an entity 7-bit safe without changing line ends when asked for only that', () => {
    const out = makeSevenBitSafe(utf8('Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\né\n'));
    expect(fromUtf8(out)).toBe(
      'Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\r\n\r\n=C3=A9\r\n',
    );
  });
});

describe('splitting top-level headers from the body entity', () => {
  const message = buildMessage(
    { from: 'alice@example.com', to: ['bob@example.com'], subject: 'x', text: 'hi', html: '<b>hi</b>' },
    { now: () => new Date(0) },
  );

  it('puts Content-* fields with the body and everything else, minus MIME-Version, outside', () => {
    const split = splitHeaderAndBody(message);
    expect(split.headers.map((h) => h.name)).toEqual(['Date', 'From', 'To', 'Subject', 'Message-ID']);
    const entity = parseMessage(split.entity);
    expect(entity.headers.map((h) => h.name)).toEqual(['Content-Type']);
    expect(entity.children).toHaveLength(2);
    expect(fromUtf8(message).endsWith(fromUtf8(split.entity))).toBe(true);
  });

  it('joins headers and an entity back into the same message', () => {
    const split = splitHeaderAndBody(message);
    expect(fromUtf8(joinHeaderAndBody(split.headerBytes, split.entity))).toBe(fromUtf8(message));
  });

  it('gives a message without Content-Type an entity that is plain text by default', () => {
    const split = splitHeaderAndBody(utf8('Subject: s\r\n\r\nbody'));
    expect(fromUtf8(split.entity)).toBe('\r\nbody');
    expect(parseMessage(split.entity).contentType.subtype).toBe('plain');
  });
});
