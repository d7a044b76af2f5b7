/**
 * RFC 2047 encoded-words. Decoding uses postal-mime's decoder (it joins multi-byte characters split
 * across words and knows the charset aliases mail uses); encoding is ours because we need UTF-8 words
 * that never exceed 75 characters and never split a character.
 */
import { decodeWords } from 'postal-mime';

/** `=?UTF-8?Q?Espa=C3=B1a?=` -> `España`; text without encoded-words comes back unchanged. */
export function decodeHeaderWords(value: string): string {
  if (!value.includes('=?')) return value;
  return decodeWords(value);
}

// RFC 2047 §2 allows 75; 60 leaves room for "Subject: " or ` name="` so the first line stays within 76.
const MAX_WORD = 60;
const encoder = new TextEncoder();

/** RFC 2047 §5(3): the characters a Q word may carry literally in any position, phrases included. */
function qSafe(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x21 ||
    b === 0x2a ||
    b === 0x2b ||
    b === 0x2d ||
    b === 0x2f
  );
}

function qEncode(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x20) s += '_';
    else if (qSafe(b)) s += String.fromCharCode(b);
    else s += '=' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return s;
}

function bEncodedLength(n: number): number {
  return Math.ceil(n / 3) * 4;
}

function bEncode(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/**
 * Encodes text as UTF-8 encoded-words separated by spaces (where a header may be folded). Q is used
 * for mostly-ASCII text (readable, e.g. Spanish), B otherwise (compact, e.g. Japanese).
 */
export function encodeWords(text: string): string {
  const all = encoder.encode(text);
  let high = 0;
  for (const b of all) if (b >= 0x80) high++;
  const useQ = high * 3 < all.length;
  const prefix = useQ ? '=?UTF-8?Q?' : '=?UTF-8?B?';
  const budget = MAX_WORD - prefix.length - 2;
  const words: string[] = [];
  let chunk: number[] = [];
  let chunkLen = 0;
  const flush = () => {
    if (chunk.length === 0) return;
    const bytes = Uint8Array.from(chunk);
    words.push(prefix + (useQ ? qEncode(bytes) : bEncode(bytes)) + '?=');
    chunk = [];
    chunkLen = 0;
  };
  for (const ch of text) {
    const cb = encoder.encode(ch);
    const add = useQ ? qEncode(cb).length : 0;
    const next = useQ ? chunkLen + add : bEncodedLength(chunk.length + cb.length);
    if (next > budget) flush();
    for (const b of cb) chunk.push(b);
    chunkLen = useQ ? chunkLen + add : 0;
  }
  flush();
  return words.join(' ');
}

/** True when a value can go into an unstructured header as it is. */
function isPlainHeaderText(text: string): boolean {
  // Longest word bounded so folding can always keep lines under 78 characters.
  // Leading or trailing spaces would be lost to unfolding (RFC 5322 §2.2.3); encoded-words keep them.
  return /^[\x20-\x7e]*$/.test(text) && !text.includes('=?') && !/\S{70}/.test(text) && !/^ | $/.test(text);
}

/** An unstructured header value (Subject): plain when possible, else encoded-words. CR/LF never pass. */
export function encodeUnstructured(text: string): string {
  const clean = text.replace(/[\r\n]+/g, ' ');
  return isPlainHeaderText(clean) ? clean : encodeWords(clean);
}

/** RFC 5322 §3.2.3 atext: what a display name may contain unquoted. */
const ATOMS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;

/** A display name (RFC 5322 phrase): atoms, a quoted-string, or encoded-words when not ASCII. */
export function encodePhrase(name: string): string {
  const clean = name.replace(/[\r\n]+/g, ' ').trim();
  if (!/^[\x20-\x7e]*$/.test(clean) || clean.includes('=?') || /\S{70}/.test(clean))
    return encodeWords(clean);
  if (ATOMS.test(clean) && !/ {2}/.test(clean)) return clean;
  return `"${clean.replace(/[\\"]/g, '\\$&')}"`;
}
