/**
 * Writes one header field, folded at whitespace so lines stay within 76 characters where the value
 * allows it (RFC 5322 §2.1.1: 78 recommended, 998 hard). Values reaching here are already 7-bit.
 */
import { SelloError } from '../errors';

const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const SOFT_LIMIT = 76;
const HARD_LIMIT = 998;

export function foldHeader(name: string, value: string): string {
  if (!FIELD_NAME.test(name)) throw new SelloError('mime.invalid-header', `Invalid header field name.`);
  if (/[\r\n]/.test(value) || /[^\x20-\x7e\t]/.test(value)) {
    // Callers encode first; a raw line break here would let a value inject header fields.
    throw new SelloError(
      'mime.invalid-header',
      `Header ${name} has a value that is not 7-bit single-line text.`,
    );
  }
  const words = value.split(' ');
  const lines: string[] = [];
  let line = `${name}:`;
  for (const word of words) {
    if (line.length + 1 + word.length > SOFT_LIMIT && line.trim().length > name.length + 1 && word !== '') {
      lines.push(line);
      line = ' ' + word;
    } else {
      line += ' ' + word;
    }
  }
  lines.push(line);
  if (lines.some((l) => l.length > HARD_LIMIT)) {
    throw new SelloError('mime.invalid-header', `Header ${name} has a word too long for one line.`);
  }
  return lines.join('\r\n') + '\r\n';
}
