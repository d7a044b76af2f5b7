/**
 * Splits a structured header value such as `text/plain; charset="utf-8" (comment); format=flowed`
 * into its leading value and raw parameters (RFC 2045 §5.1), tolerating what real mail gets wrong:
 * missing semicolons' values, unbalanced quotes and comments, stray whitespace.
 */

export interface RawParam {
  /** Lower-cased attribute, including any RFC 2231 `*n*` suffix. */
  name: string;
  value: string;
}

/** Comments nest (RFC 5322 §3.2.2); bounded so a run of '(' cannot cost more than linear time. */
const MAX_COMMENT_DEPTH = 64;

function skipComment(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '(') {
      if (++depth > MAX_COMMENT_DEPTH) return s.length;
    } else if (c === ')') {
      if (--depth === 0) return i + 1;
    }
  }
  return s.length;
}

function skipCfws(s: string, i: number): number {
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
    else if (c === '(') i = skipComment(s, i);
    else break;
  }
  return i;
}

function readQuoted(s: string, i: number): [value: string, next: number] {
  let out = '';
  for (i++; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) out += s[++i];
    else if (c === '"') return [out, i + 1];
    else out += c;
  }
  return [out, i];
}

/** Reads up to (not including) one of `stops`, skipping comments; trims the result. */
function readUntil(s: string, i: number, stops: string): [value: string, next: number] {
  let out = '';
  while (i < s.length && !stops.includes(s[i]!)) {
    if (s[i] === '(') {
      i = skipComment(s, i);
      continue;
    }
    out += s[i];
    i++;
  }
  return [out.trim(), i];
}

export function splitHeaderParams(value: string): { value: string; params: RawParam[] } {
  let i = skipCfws(value, 0);
  const [main, afterMain] = readUntil(value, i, ';');
  i = afterMain;
  const params: RawParam[] = [];
  while (i < value.length) {
    i = skipCfws(value, i + 1); // past ';'
    const [name, afterName] = readUntil(value, i, '=;');
    i = afterName;
    let v = '';
    if (value[i] === '=') {
      i = skipCfws(value, i + 1);
      if (value[i] === '"') {
        [v, i] = readQuoted(value, i);
        i = readUntil(value, i, ';')[1]; // ignore anything between the closing quote and ';'
      } else {
        [v, i] = readUntil(value, i, ';');
      }
    }
    if (name) params.push({ name: name.toLowerCase(), value: v });
  }
  return { value: main, params };
}
