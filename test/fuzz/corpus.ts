/**
 * Seed inputs for the fuzz targets, from the corpora given to the project (../shared/corpora beside
 * the checkout; CI lays a copy there too).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPORA = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpora');

/** Up to `max` files of a corpus folder whose names match, as bytes. */
export function corpusFiles(folder: string, match: RegExp, max = 40): Uint8Array[] {
  const dir = join(CORPORA, folder);
  if (!existsSync(dir))
    throw new Error(`fuzz seeds: ${dir} is missing (the shared corpora must sit beside the checkout)`);
  return readdirSync(dir)
    .filter((f) => match.test(f))
    .sort()
    .slice(0, max)
    .map((f) => new Uint8Array(readFileSync(join(dir, f))));
}
