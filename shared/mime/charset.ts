/**
 * Charset labels to TextDecoders. Labels come from mail, so they are untrusted: an unknown label falls
 * back to Latin-1 (lossless per byte) instead of throwing, and decoders are cached per known label only.
 */

const decoders = new Map<string, TextDecoder>();
const latin1 = new TextDecoder('windows-1252');

/** Spellings seen in mail that the WHATWG Encoding Standard does not list. */
const ALIASES: Record<string, string> = {
  cp932: 'shift_jis',
  'windows-31j': 'shift_jis',
  ms932: 'shift_jis',
  'iso-2022-jp-1': 'iso-2022-jp',
  'iso-2022-jp-2': 'iso-2022-jp',
  cp936: 'gbk',
  cp949: 'euc-kr',
  cp950: 'big5',
  utf8mb4: 'utf-8',
};

/** A decoder for a charset label, or undefined when the runtime does not know it. */
export function decoderFor(label: string | undefined): TextDecoder | undefined {
  if (!label) return undefined;
  const key = label.trim().toLowerCase();
  const cached = decoders.get(key);
  if (cached) return cached;
  const name = ALIASES[key] ?? key;
  let d: TextDecoder;
  try {
    d = new TextDecoder(name);
  } catch {
    // RangeError for labels outside the Encoding Standard: the caller falls back.
    return undefined;
  }
  // Only labels the runtime accepts are cached, so the map is bounded by the Encoding Standard.
  decoders.set(key, d);
  return d;
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes in a declared charset. Without a label (or with us-ascii, which mail often mislabels), valid
 * UTF-8 is read as UTF-8; everything else unknown as Latin-1 (windows-1252), which never fails.
 */
export function decodeCharset(bytes: Uint8Array, label: string | undefined): string {
  const key = label?.trim().toLowerCase();
  if (!key || key === 'us-ascii' || key === 'ascii') {
    try {
      return utf8Strict.decode(bytes);
    } catch {
      return latin1.decode(bytes);
    }
  }
  return (decoderFor(key) ?? latin1).decode(bytes);
}
