import { describe, expect, it } from 'vitest';
import { DEFAULT_MIME_LIMITS, parseMessage, resolveLimits } from '../../../shared/mime';
import { utf8 } from '../../../shared/bytes';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code ?? `untyped: ${String(e)}`;
  }
  return undefined;
};

/** `depth` multiparts nested inside each other, each with its own boundary. */
function nested(depth: number): Uint8Array {
  let body = 'Content-Type: text/plain\r\n\r\nleaf';
  for (let i = depth; i > 0; i--) {
    body = `Content-Type: multipart/mixed; boundary=b${i}\r\n\r\n--b${i}\r\n${body}\r\n--b${i}--\r\n`;
  }
  return utf8(body);
}

function manyParts(n: number): Uint8Array {
  return utf8(
    'Content-Type: multipart/mixed; boundary=b\r\n\r\n' + '--b\r\n\r\nx\r\n'.repeat(n) + '--b--\r\n',
  );
}

describe('MIME limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_MIME_LIMITS).toEqual({
      maxDepth: 32,
      maxParts: 2000,
      maxHeaderBytes: 262144,
      maxHeaderLines: 2000,
    });
  });

  it('refuses nesting beyond maxDepth with mime.too-deep', () => {
    expect(() => parseMessage(nested(32))).not.toThrow();
    expect(code(() => parseMessage(nested(33)))).toBe('mime.too-deep');
    expect(code(() => parseMessage(nested(5), { maxDepth: 4 }))).toBe('mime.too-deep');
  });

  it('refuses nested message/rfc822 beyond maxDepth too', () => {
    const msg = utf8('Content-Type: message/rfc822\r\n\r\n'.repeat(40) + 'Subject: x\r\n\r\nhi');
    expect(code(() => parseMessage(msg))).toBe('mime.too-deep');
  });

  it('refuses more than maxParts entities with mime.too-many-parts', () => {
    expect(parseMessage(manyParts(1999)).children).toHaveLength(1999);
    expect(code(() => parseMessage(manyParts(2000)))).toBe('mime.too-many-parts');
    expect(code(() => parseMessage(manyParts(10), { maxParts: 5 }))).toBe('mime.too-many-parts');
  });

  it('refuses a header block over maxHeaderBytes or maxHeaderLines with mime.header-too-large', () => {
    const big = utf8('X-Pad: ' + 'a'.repeat(300 * 1024) + '\r\n\r\nbody');
    expect(code(() => parseMessage(big))).toBe('mime.header-too-large');
    const endless = utf8('X: y\r\n'.repeat(100));
    expect(code(() => parseMessage(endless, { maxHeaderBytes: 100 }))).toBe('mime.header-too-large');
    expect(code(() => parseMessage(endless, { maxHeaderLines: 50 }))).toBe('mime.header-too-large');
    expect(parseMessage(endless).headers).toHaveLength(100);
  });

  it('applies the header limit to every part, not just the top', () => {
    const msg = utf8(
      `Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n${'X: y\r\n'.repeat(60)}\r\nx\r\n--b--`,
    );
    expect(code(() => parseMessage(msg, { maxHeaderLines: 50 }))).toBe('mime.header-too-large');
  });

  it('rejects nonsense limits instead of silently ignoring them', () => {
    expect(code(() => resolveLimits({ maxDepth: 0 }))).toBe('mime.invalid-limits');
    expect(code(() => resolveLimits({ maxParts: -1 }))).toBe('mime.invalid-limits');
    expect(code(() => resolveLimits({ maxHeaderBytes: 1.5 }))).toBe('mime.invalid-limits');
    expect(code(() => resolveLimits({ maxDepth: Number.POSITIVE_INFINITY }))).toBe('mime.invalid-limits');
    expect(code(() => resolveLimits({ maxDepht: 3 } as never))).toBe('mime.invalid-limits');
    expect(code(() => resolveLimits({ maxParts: '5' } as never))).toBe('mime.invalid-limits');
    expect(resolveLimits({ maxDepth: 4 })).toEqual({ ...DEFAULT_MIME_LIMITS, maxDepth: 4 });
  });
});
