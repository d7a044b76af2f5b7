/**
 * Randomness for boundaries and Message-IDs. Taken as a parameter (tests pass a seeded source, the
 * service worker and Node pass their WebCrypto); never Math.random, whose output is predictable and
 * would let a sender craft content containing the next boundary.
 */
import { SelloError } from '../errors';

export type RandomSource = Pick<Crypto, 'getRandomValues'>;

export function randomHex(bytes: number, random: RandomSource | undefined): string {
  const source = random ?? globalThis.crypto;
  if (!source?.getRandomValues) throw new SelloError('mime.no-randomness', 'No cryptographic random source.');
  const b = source.getRandomValues(new Uint8Array(bytes));
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0');
  return s;
}

/**
 * A multipart boundary. "=_" can occur neither in base64 nor in quoted-printable output (where "="
 * must start an escape), so a part encoded either way can never contain the boundary.
 */
export function randomBoundary(random?: RandomSource): string {
  return `=_sello_${randomHex(16, random)}`;
}
