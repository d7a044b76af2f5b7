import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  buildMessage,
  canonicalize,
  decodeBody,
  decodeHeaderWords,
  decodeText,
  getFilename,
  getHeader,
  parseAddresses,
  parseMessage,
  splitHeaderAndBody,
  type MimeEntity,
} from '../../../shared/mime';
import { SelloError } from '../../../shared/errors';
import { utf8 } from '../../../shared/bytes';

const fromUtf8Lossless = (b: Uint8Array) => Array.from(b, (c) => String.fromCharCode(c)).join('');

/** Runs f; a SelloError with a mime.* code is an accepted refusal, anything else fails the property. */
function typedOrResult<T>(f: () => T): T | SelloError {
  try {
    return f();
  } catch (e) {
    if (e instanceof SelloError && e.code.startsWith('mime.')) return e;
    throw e;
  }
}

/** Every part lies inside its parent's bytes, in order, and the root is the whole input. */
function checkTree(e: MimeEntity, input: Uint8Array): void {
  let last = e.body.byteOffset;
  for (const c of e.children) {
    if (c.raw.buffer !== e.raw.buffer) continue; // decoded message/rfc822
    expect(c.raw.byteOffset).toBeGreaterThanOrEqual(last);
    expect(c.raw.byteOffset + c.raw.length).toBeLessThanOrEqual(e.raw.byteOffset + e.raw.length);
    last = c.raw.byteOffset + c.raw.length;
    checkTree(c, input);
  }
  // Every accessor must also either work or refuse with a typed error.
  typedOrResult(() => decodeBody(e));
  typedOrResult(() => decodeText(e));
  typedOrResult(() => getFilename(e));
  for (const h of ['from', 'to', 'cc']) {
    const v = getHeader(e, h);
    if (v !== undefined) typedOrResult(() => parseAddresses(v));
  }
  const subject = getHeader(e, 'subject');
  if (subject !== undefined) decodeHeaderWords(subject);
}

const TOKENS = [
  'Content-Type: multipart/mixed; boundary=b\r\n',
  'Content-Type: multipart/alternative; boundary="b"\r\n',
  'Content-Type: multipart/signed; boundary=c; protocol="application/pkcs7-signature"\r\n',
  'Content-Type: multipart/digest; boundary=b\r\n',
  'Content-Type: message/rfc822\r\n',
  'Content-Type: text/plain; charset=shift_jis\r\n',
  "Content-Type: application/pdf; name*0*=utf-8''%E6%97; name*1*=%A5.pdf\r\n",
  'Content-Disposition: attachment; filename="=?UTF-8?B?5pel?="\r\n',
  'Content-Transfer-Encoding: base64\r\n',
  'Content-Transfer-Encoding: quoted-printable\r\n',
  'Content-Transfer-Encoding: x-uuencode\r\n',
  'From: "A, B" <a@b.c>, Group: x@y.z;\r\n',
  'Subject: =?UTF-8?Q?Espa=C3=B1a?=\r\n',
  ' folded continuation\r\n',
  '\r\n',
  '\n',
  '\r',
  '--b\r\n',
  '--b--\r\n',
  '--c\r\n',
  '--b',
  'QUJD\r\n',
  '=C3=A9=\r\n',
  '==',
  '(((((',
  '"',
  ';',
  'garbage without colon\r\n',
  '\u00ff\u00fe',
];

const mimeLike = fc
  .array(fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 12 })), { maxLength: 40 })
  .map((parts) => utf8(parts.join('')));

const garbled = fc.uint8Array({ maxLength: 2048 });

const builtThenMangled = fc
  .record({
    subject: fc.string({ maxLength: 40 }),
    text: fc.string({ maxLength: 200 }),
    html: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
    cut: fc.nat(),
    flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
  })
  .map(({ subject, text, html, cut, flips }) => {
    const m = buildMessage({
      from: 'a@example.com',
      subject,
      text,
      ...(html === undefined ? {} : { html }),
      attachments: [{ filename: 'año.bin', data: utf8(text) }],
    });
    const out = m.slice(0, m.length - (cut % (m.length + 1)));
    for (const [at, v] of flips) if (out.length > 0) out[at % out.length] = v;
    return out;
  });

/** 31 multiparts nested around a body: every level's boundary search covers the whole body. */
function nestedAround(body: string): Uint8Array {
  let e = `Content-Type: text/plain\r\n\r\n${body}`;
  for (let i = 31; i > 0; i--)
    e = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${e}\r\n--b${i}--\r\n`;
  return utf8(e);
}

describe('robustness against malformed input', () => {
  it.each([
    ['MIME-like token soup', mimeLike],
    ['random bytes', garbled],
    ['built messages truncated and corrupted', builtThenMangled],
  ])('%s yields a tree or a typed mime.* error, never another exception', (_, arb) => {
    fc.assert(
      fc.property(arb, (input) => {
        const result = typedOrResult(() => parseMessage(input));
        if (result instanceof SelloError) return;
        expect(result.raw).toEqual(input);
        checkTree(result, input);
        typedOrResult(() => canonicalize(input));
        typedOrResult(() => splitHeaderAndBody(input));
      }),
      { numRuns: Number(process.env.MIME_FUZZ_RUNS ?? 400) },
    );
  });

  it('canonical form has only CRLF line ends and is a fixed point', () => {
    fc.assert(
      fc.property(fc.oneof(mimeLike, builtThenMangled), (input) => {
        const once = typedOrResult(() => canonicalize(input));
        if (once instanceof SelloError) return;
        for (let i = 0; i < once.length; i++) {
          if (once[i] === 10) expect(once[i - 1]).toBe(13);
          if (once[i] === 13) expect(once[i + 1]).toBe(10);
        }
        expect(fromUtf8Lossless(canonicalize(once))).toBe(fromUtf8Lossless(once));
      }),
      { numRuns: Number(process.env.MIME_FUZZ_RUNS ?? 300) },
    );
  });

  it('round-trips any text, subject and filename through build and parse', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 300 }),
        fc.string({ maxLength: 80 }),
        fc.string({ minLength: 1, maxLength: 80 }),
        (text, subject, filename) => {
          const m = buildMessage({
            from: 'a@example.com',
            subject,
            text,
            attachments: [{ filename, data: utf8(text) }],
          });
          expect(m.every((b) => b < 0x80)).toBe(true);
          const root = parseMessage(m);
          const normalizedSubject = subject.replace(/[\r\n]+/g, ' ');
          expect(decodeHeaderWords(getHeader(root, 'subject')!)).toBe(normalizedSubject);
          expect(decodeText(root.children[0]!)).toBe(text.replace(/\r\n|\r|\n/g, '\r\n'));
          expect(getFilename(root.children[1]!)).toBe(filename);
          expect(decodeBody(root.children[1]!)).toEqual(utf8(text));
        },
      ),
      { numRuns: Number(process.env.MIME_FUZZ_RUNS ?? 300) },
    );
  });

  it('finishes quickly on inputs built to cause quadratic work', () => {
    const cases = [
      utf8('Content-Type: multipart/mixed; boundary=b\r\n\r\n' + '-'.repeat(1_000_000)),
      utf8('Content-Type: multipart/mixed; boundary=b\r\n\r\n' + '--b\r\n'.repeat(1999)),
      utf8('Content-Type: multipart/mixed; boundary=b\r\n\r\n' + '--bx\r\n'.repeat(200_000)),
      utf8(
        'Subject: ' +
          '('.repeat(100_000) +
          '\r\nContent-Type: text/plain; a=' +
          '('.repeat(100_000) +
          '\r\n\r\n',
      ),
      utf8('Content-Type: text/plain; ' + 'a*1*=x; '.repeat(20_000) + '\r\n\r\n'),
      utf8('\n'.repeat(1_000_000)),
      ...['\n', '-\n', '--b1x\n', '--b17\n'].map((filler) =>
        nestedAround(filler.repeat(2_000_000 / filler.length)),
      ),
    ];
    for (const c of cases) {
      const started = Date.now();
      typedOrResult(() => {
        const root = parseMessage(c);
        for (const child of root.children) decodeText(child);
        return root;
      });
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });
});
