/**
 * RFC 2231 parameter values: continuations (`name*0`, `name*1`), charset and language
 * (`name*=utf-8'es'Espa%C3%B1a.pdf`). Decoding merges them; encoding produces them for non-ASCII or
 * long values so no header line passes 76 characters.
 */
import { decodeCharset } from './charset';
import type { RawParam } from './header-params';

/** Sections beyond this are ignored: a parameter split into thousands of pieces is an attack, not mail. */
const MAX_SECTIONS = 256;
const encoder = new TextEncoder();

interface Section {
  value: string;
  encoded: boolean;
}

function percentDecode(s: string, out: number[]): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 /* % */ && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      out.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) {
      out.push(c);
    } else {
      // Raw non-ASCII in an encoded value (invalid, but seen): keep it as UTF-8.
      for (const b of encoder.encode(s[i]!)) out.push(b);
    }
  }
}

/**
 * Merges RFC 2231 parameters into plain name/value pairs. An extended value wins over a plain one of
 * the same name (RFC 2231 §4: senders give both for old readers).
 */
export function mergeRfc2231Params(raw: RawParam[]): Record<string, string> {
  const plain = new Map<string, string>();
  const extended = new Map<string, Map<number, Section>>();
  for (const { name, value } of raw) {
    const m = /^([^*]+)\*(?:(\d{1,4})(\*)?)?$/.exec(name);
    if (!m) {
      if (!plain.has(name)) plain.set(name, value);
      continue;
    }
    const base = m[1]!;
    // `name*` alone is section 0, encoded; `name*N` plain; `name*N*` encoded.
    const index = m[2] === undefined ? 0 : Number(m[2]);
    const encoded = m[2] === undefined || m[3] === '*';
    if (index >= MAX_SECTIONS) continue;
    let sections = extended.get(base);
    if (!sections) extended.set(base, (sections = new Map()));
    if (!sections.has(index)) sections.set(index, { value, encoded });
  }
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [k, v] of plain) out[k] = v;
  for (const [base, sections] of extended) {
    const first = sections.get(0);
    if (!first) continue;
    let charset: string | undefined;
    const bytes: number[] = [];
    for (let i = 0; sections.has(i); i++) {
      const s = sections.get(i)!;
      let v = s.value;
      if (i === 0 && s.encoded) {
        const m = /^([^']*)'[^']*'(.*)$/s.exec(v);
        if (m) {
          charset = m[1] || undefined;
          v = m[2]!;
        }
      }
      if (s.encoded) percentDecode(v, bytes);
      else for (const b of encoder.encode(v)) bytes.push(b);
    }
    out[base] = decodeCharset(Uint8Array.from(bytes), charset ?? 'utf-8');
  }
  return out;
}

/** RFC 2231 §7 attribute-char: what may stay unescaped in an extended value. */
const ATTR_CHAR = /^[A-Za-z0-9!#$&+\-.^_`|~]$/;
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const MAX_SECTION_CHARS = 60;

export function quoteParamValue(value: string): string {
  return TOKEN.test(value) ? value : `"${value.replace(/[\\"]/g, '\\$&')}"`;
}

/**
 * `name=value` pieces for one parameter: plain (quoted if needed) when short printable ASCII, else RFC
 * 2231 UTF-8 percent-encoding, split into `name*N*` sections that never cut an escape in half.
 */
export function encodeParam(name: string, value: string): string[] {
  // A plain value that looks like an RFC 2047 word would be decoded by readers that accept those.
  if (/^[\x20-\x7e]*$/.test(value) && value.length <= MAX_SECTION_CHARS && !value.includes('=?')) {
    return [`${name}=${quoteParamValue(value)}`];
  }
  // One piece per character, so a section boundary never splits a UTF-8 sequence (readers that decode
  // each section on its own would otherwise show replacement characters).
  const pieces: string[] = [];
  for (const ch of value) {
    let piece = '';
    for (const b of encoder.encode(ch)) {
      const c = String.fromCharCode(b);
      piece += b < 0x80 && ATTR_CHAR.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    pieces.push(piece);
  }
  const prefix = "utf-8''";
  const sections: string[] = [];
  let cur = prefix;
  for (const p of pieces) {
    if (cur.length + p.length > MAX_SECTION_CHARS) {
      sections.push(cur);
      cur = '';
    }
    cur += p;
  }
  sections.push(cur);
  if (sections.length === 1) return [`${name}*=${sections[0]}`];
  return sections.map((s, i) => `${name}*${i}*=${s}`);
}
