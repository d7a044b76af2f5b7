import type { CachedRevocationData, RevocationCache } from './types';

/**
 * A RevocationCache in a Map, for the CLI and tests. Expiry is judged by the checker against the env
 * clock; this only bounds the number of entries (oldest dropped first).
 */
export function createMemoryRevocationCache(maxEntries = 500): RevocationCache & { size(): number } {
  const entries = new Map<string, CachedRevocationData>();
  return {
    async get(key) {
      return entries.get(key);
    },
    async set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    size: () => entries.size,
  };
}
