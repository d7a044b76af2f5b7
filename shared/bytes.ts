/**
 * Byte helpers that work the same in Node, a service worker and a task pane (no Buffer).
 * Base64 is chunked so that 32 MB messages neither blow the call stack nor build giant strings twice.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = (() => {
  const t = new Int16Array(256).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/** Latin-1 view of bytes: one char per byte, lossless; used for header parsing and boundary scans. */
export function toBinaryString(b: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < b.length; i += CHUNK) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + CHUNK) as unknown as number[]);
  }
  return s;
}

export function fromBinaryString(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(h: string): Uint8Array {
  const clean = h.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new TypeError('not a hex string');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** Base64 without line breaks. */
export function toBase64(b: Uint8Array): string {
  const parts: string[] = [];
  const CHUNK = 3 * 16384;
  for (let off = 0; off < b.length; off += CHUNK) {
    const end = Math.min(off + CHUNK, b.length);
    let s = '';
    let i = off;
    for (; i + 2 < end; i += 3) {
      const n = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
      s += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
    }
    if (i < end) {
      const rest = end - i;
      const n = (b[i]! << 16) | (rest > 1 ? b[i + 1]! << 8 : 0);
      s += B64[n >> 18]! + B64[(n >> 12) & 63]! + (rest > 1 ? B64[(n >> 6) & 63]! : '=') + '=';
    }
    parts.push(s);
  }
  return parts.join('');
}

/** Base64 wrapped at 76 characters with CRLF (RFC 2045 §6.8), as MIME bodies need. */
export function toBase64Lines(b: Uint8Array, width = 76): string {
  const flat = toBase64(b);
  const lines: string[] = [];
  for (let i = 0; i < flat.length; i += width) lines.push(flat.slice(i, i + width));
  return lines.join('\r\n');
}

/**
 * Lenient base64 decoding as mail needs it: whitespace and line breaks are skipped, decoding stops at
 * padding. Any other character is an error (strict mode) so garbage is not silently turned into bytes.
 */
export function fromBase64(s: string | Uint8Array): Uint8Array {
  const src = typeof s === 'string' ? s : toBinaryString(s);
  const out = new Uint8Array(Math.floor((src.length * 3) / 4) + 3);
  let o = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 61 /* = */) break;
    if (c === 13 || c === 10 || c === 32 || c === 9) continue;
    const v = c < 256 ? B64_INDEX[c]! : -1;
    if (v < 0) throw new TypeError(`invalid base64 character at offset ${i}`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out.slice(0, o);
}

/** A fresh ArrayBuffer holding exactly these bytes (PKI.js and WebCrypto want ArrayBuffers). */
export function toArrayBuffer(b: Uint8Array): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function pemEncode(label: string, der: Uint8Array): string {
  return `-----BEGIN ${label}-----\n${toBase64Lines(der, 64).replace(/\r\n/g, '\n')}\n-----END ${label}-----\n`;
}

/** Every PEM block in a text, with its label. */
export function pemDecodeAll(text: string): { label: string; der: Uint8Array }[] {
  const out: { label: string; der: Uint8Array }[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    out.push({ label: m[1]!, der: fromBase64(m[2]!.replace(/^[A-Za-z-]+:.*$/gm, '')) });
  }
  return out;
}

export function looksLikePem(b: Uint8Array): boolean {
  return toBinaryString(b.subarray(0, 4096)).includes('-----BEGIN ');
}
