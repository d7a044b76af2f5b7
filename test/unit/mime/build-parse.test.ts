import { describe, expect, it, vi } from 'vitest';
import {
  buildEntity,
  buildMessage,
  decodeBody,
  decodeHeaderWords,
  decodeText,
  getFilename,
  getHeader,
  parseAddresses,
  parseMessage,
  type MimeEntity,
} from '../../../shared/mime';
import { fromUtf8, utf8 } from '../../../shared/bytes';

/** A deterministic stand-in for crypto.getRandomValues, so output is reproducible. */
function seededRandom(seed = 1): Pick<Crypto, 'getRandomValues'> {
  let x = seed;
  return {
    getRandomValues<T extends ArrayBufferView | null>(a: T): T {
      const b = new Uint8Array(a!.buffer, a!.byteOffset, a!.byteLength);
      for (let i = 0; i < b.length; i++) {
        x = (x * 1103515245 + 12345) >>> 0;
        b[i] = x >>> 24;
      }
      return a;
    },
  };
}

const text = (e: MimeEntity) => decodeText(e);
const types = (e: MimeEntity): unknown =>
  e.children.length === 0
    ? `${e.contentType.type}/${e.contentType.subtype}`
    : { [`${e.contentType.type}/${e.contentType.subtype}`]: e.children.map(types) };

function assertWireSafe(bytes: Uint8Array): void {
  const s = fromUtf8(bytes);
  expect(
    bytes.every((b) => b < 0x80),
    '7-bit only',
  ).toBe(true);
  expect(/[^\r]\n|\r[^\n]/.test(s), 'CRLF only').toBe(false);
  for (const line of s.split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
}

const photo = Uint8Array.from({ length: 3000 }, (_, i) => (i * 37) & 0xff);

describe('building and parsing messages', () => {
  it('builds a plain ASCII text message as 7bit and reads it back', () => {
    const m = buildMessage(
      { from: 'alice@example.com', to: ['bob@example.com'], subject: 'Hello', text: 'Hi Bob.\nSee you.' },
      { crypto: seededRandom() },
    );
    assertWireSafe(m);
    const root = parseMessage(m);
    expect(root.contentType).toMatchObject({ type: 'text', subtype: 'plain' });
    expect(getHeader(root, 'Content-Transfer-Encoding')).toBe('7bit');
    expect(text(root)).toBe('Hi Bob.\r\nSee you.');
    expect(getHeader(root, 'mime-version')).toBe('1.0');
    expect(getHeader(root, 'message-id')).toMatch(/^<[0-9a-f]{32}@example\.com>$/);
  });

  it('round-trips text, HTML, an inline image and attachments with non-ASCII names and subject', () => {
    const spec = {
      from: { name: 'José Pérez', address: 'jose@example.es' },
      to: ['"Doe, John" <john@example.com>', { name: '田中 太郎', address: 'tanaka@example.jp' }],
      cc: ['carol@example.org'],
      subject: 'Informe de España — 日本語のテスト',
      date: new Date(Date.UTC(2026, 10, 29, 3, 15, 38)),
      text: 'Hola, ¿qué tal?\nUna línea muy larga '.padEnd(300, 'x') + '\n-- \nfirma',
      html: '<p>Hola <img src="cid:logo@example.es"></p>',
      attachments: [
        { filename: 'logo.png', contentType: 'image/png', data: photo, contentId: 'logo@example.es' },
        { filename: 'presupuesto año 2026 — versión final.pdf', contentType: 'application/pdf', data: photo },
        { filename: '請求書.txt', contentType: 'text/plain', data: utf8('日本語') },
      ],
    };
    const m = buildMessage(spec, { crypto: seededRandom() });
    assertWireSafe(m);
    const root = parseMessage(m);
    expect(types(root)).toEqual({
      'multipart/mixed': [
        { 'multipart/alternative': ['text/plain', { 'multipart/related': ['text/html', 'image/png'] }] },
        'application/pdf',
        'text/plain',
      ],
    });
    expect(getHeader(root, 'date')).toBe('Sun, 29 Nov 2026 03:15:38 +0000');
    expect(decodeHeaderWords(getHeader(root, 'subject')!)).toBe(spec.subject);
    expect(parseAddresses(getHeader(root, 'from')!)).toEqual([
      { name: 'José Pérez', address: 'jose@example.es' },
    ]);
    expect(parseAddresses(getHeader(root, 'to')!)).toEqual([
      { name: 'Doe, John', address: 'john@example.com' },
      { name: '田中 太郎', address: 'tanaka@example.jp' },
    ]);
    const [alt, pdf, txt] = root.children as [MimeEntity, MimeEntity, MimeEntity];
    const [plain, related] = alt.children as [MimeEntity, MimeEntity];
    expect(text(plain)).toBe(spec.text.replace(/\n/g, '\r\n'));
    expect(text(related.children[0]!)).toBe(spec.html);
    const image = related.children[1]!;
    expect(image.path).toBe('1.2.2');
    expect(getHeader(image, 'content-id')).toBe('<logo@example.es>');
    expect(decodeBody(image)).toEqual(photo);
    expect(getFilename(pdf)).toBe('presupuesto año 2026 — versión final.pdf');
    expect(decodeBody(pdf)).toEqual(photo);
    expect(getFilename(txt)).toBe('請求書.txt');
    expect(fromUtf8(decodeBody(txt))).toBe('日本語');
  });

  it('uses base64 for mostly non-ASCII text and quoted-printable for mostly ASCII text', () => {
    const ja = parseMessage(buildEntity({ text: '日本語のメッセージです。よろしくお願いします。' }));
    expect(getHeader(ja, 'content-transfer-encoding')).toBe('base64');
    expect(text(ja)).toBe('日本語のメッセージです。よろしくお願いします。');
    const es = parseMessage(buildEntity({ text: 'Buenos días, señor' }));
    expect(getHeader(es, 'content-transfer-encoding')).toBe('quoted-printable');
    expect(text(es)).toBe('Buenos días, señor');
  });

  it('protects lines that relays rewrite: "From " at a line start and trailing whitespace', () => {
    const e = buildEntity({ text: 'From here\nline with space \nend' });
    expect(fromUtf8(e)).toContain('=46rom here');
    expect(fromUtf8(e)).toContain('line with space=20');
    expect(text(parseMessage(e))).toBe('From here\r\nline with space \r\nend');
  });

  it('builds a body entity without top-level headers, as signing needs', () => {
    const e = buildEntity({ text: 'x', html: '<b>x</b>' }, { crypto: seededRandom() });
    const root = parseMessage(e);
    expect(root.headers.map((h) => h.name)).toEqual(['Content-Type']);
    expect(root.contentType.subtype).toBe('alternative');
  });

  it('builds explicit trees, including a forwarded message as message/rfc822', () => {
    const inner = buildMessage(
      { from: 'a@example.com', subject: 'Inner', text: 'inside' },
      { crypto: seededRandom(2) },
    );
    const e = buildEntity(
      {
        kind: 'multipart',
        subtype: 'mixed',
        parts: [
          { kind: 'text', text: 'see attached' },
          { kind: 'message', message: inner, filename: 'inner.eml' },
        ],
      },
      { crypto: seededRandom(3) },
    );
    const root = parseMessage(e);
    const fwd = root.children[1]!;
    expect(fwd.contentType).toMatchObject({ type: 'message', subtype: 'rfc822' });
    expect(fwd.children).toHaveLength(1);
    expect(fwd.children[0]!.path).toBe('2.1');
    expect(getHeader(fwd.children[0]!, 'subject')).toBe('Inner');
    expect(text(fwd.children[0]!)).toBe('inside');
    expect(fwd.children[0]!.raw).toEqual(inner);
  });

  it('uses the given random source for boundaries and Message-IDs', () => {
    const spec = { from: 'a@example.com', text: 't', html: '<p>t</p>' };
    const one = buildMessage(spec, { crypto: seededRandom(7), now: () => new Date(0) });
    const two = buildMessage(spec, { crypto: seededRandom(7), now: () => new Date(0) });
    expect(one).toEqual(two);
    expect(fromUtf8(one)).not.toEqual(
      fromUtf8(buildMessage(spec, { crypto: seededRandom(8), now: () => new Date(0) })),
    );
  });

  it('takes boundaries and Message-IDs from globalThis.crypto when no source is given', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    try {
      buildMessage({ from: 'a@example.com', text: 't', html: '<p>t</p>' });
      expect(spy).toHaveBeenCalledTimes(2); // one boundary, one Message-ID
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses header injection through subjects, names and addresses', () => {
    const m = fromUtf8(
      buildMessage({ from: 'a@example.com', subject: 'Hi\r\nBcc: evil@example.com', text: '' }),
    );
    expect(m).not.toMatch(/^Bcc:/m);
    expect(() => buildMessage({ from: 'a@example.com>\r\nBcc: x@y.z', text: '' })).toThrowError(
      expect.objectContaining({ code: expect.stringMatching(/^mime\./) }),
    );
    expect(() =>
      buildMessage({ from: { name: 'x', address: 'a@example.com\r\nBcc: e@x.y' }, text: '' }),
    ).toThrowError(expect.objectContaining({ code: 'mime.invalid-address' }));
  });

  it('builds an application/pkcs7-mime entity with its smime-type parameter', () => {
    const der = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x00]);
    const e = parseMessage(
      buildEntity({
        kind: 'binary',
        contentType: 'application/pkcs7-mime',
        params: { 'smime-type': 'enveloped-data' },
        filename: 'smime.p7m',
        disposition: 'attachment',
        data: der,
      }),
    );
    expect(e.contentType).toEqual({
      type: 'application',
      subtype: 'pkcs7-mime',
      params: { 'smime-type': 'enveloped-data', name: 'smime.p7m' },
    });
    expect(getFilename(e)).toBe('smime.p7m');
    expect(decodeBody(e)).toEqual(der);
  });

  it('refuses parameter names and media types that could smuggle syntax', () => {
    const part = { kind: 'text' as const, text: 'x' };
    expect(() =>
      buildEntity({ kind: 'multipart', subtype: 'mixed', parts: [part], params: { 'a; boundary': 'x' } }),
    ).toThrowError(expect.objectContaining({ code: 'mime.invalid-content-type' }));
    expect(() =>
      buildEntity({ kind: 'binary', contentType: 'text/html; charset=x', data: new Uint8Array(0) }),
    ).toThrowError(expect.objectContaining({ code: 'mime.invalid-content-type' }));
  });

  it('writes international domains as IDNA', () => {
    const m = fromUtf8(buildMessage({ from: 'info@bücher.example', text: '' }, { crypto: seededRandom() }));
    expect(m).toMatch(/^From: info@xn--bcher-kva\.example\r$/m);
  });
});
