/**
 * Bounds on what a message may make the parser do. Mail is attacker-controlled input that arrives
 * without being asked for, so every dimension that costs memory or time has a ceiling and a typed error.
 */
import { SelloError } from '../errors';

export interface MimeLimits {
  /**
   * Nesting of multiparts and message/rfc822. Prevents stack exhaustion and the quadratic rescans of
   * "matryoshka" messages (thousands of nested multiparts, each a few bytes).
   */
  maxDepth: number;
  /**
   * Entities in the whole tree. Prevents a small message with tens of thousands of empty parts from
   * allocating one object per part (memory amplification) and from flooding the UI with attachments.
   */
  maxParts: number;
  /**
   * Bytes of one entity's header block. Prevents an endless header (no blank line) from being buffered
   * and decoded as one giant string.
   */
  maxHeaderBytes: number;
  /**
   * Physical lines in one entity's header block. Prevents millions of tiny header fields, each an
   * object, fitting inside maxHeaderBytes-sized blocks (object-count amplification).
   */
  maxHeaderLines: number;
}

export const DEFAULT_MIME_LIMITS: Readonly<MimeLimits> = Object.freeze({
  maxDepth: 32,
  maxParts: 2000,
  maxHeaderBytes: 256 * 1024,
  maxHeaderLines: 2000,
});

/** Ranges a caller may choose from; beyond them a limit no longer protects anything. */
const RANGES: Record<keyof MimeLimits, [min: number, max: number]> = {
  maxDepth: [1, 256],
  maxParts: [1, 100_000],
  maxHeaderBytes: [64, 16 * 1024 * 1024],
  maxHeaderLines: [1, 1_000_000],
};

/**
 * Defaults completed with the caller's choices. Unknown keys and values that are not integers within a
 * sane range are refused rather than silently replaced, so a typo cannot switch a limit off.
 */
export function resolveLimits(limits?: Partial<MimeLimits>): MimeLimits {
  const out: MimeLimits = { ...DEFAULT_MIME_LIMITS };
  if (limits === undefined) return out;
  if (limits === null || typeof limits !== 'object') {
    throw new SelloError('mime.invalid-limits', 'MIME limits must be an object.');
  }
  for (const [key, value] of Object.entries(limits)) {
    if (!Object.hasOwn(RANGES, key)) {
      throw new SelloError('mime.invalid-limits', `Unknown MIME limit "${key}".`);
    }
    if (value === undefined) continue;
    const [min, max] = RANGES[key as keyof MimeLimits];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new SelloError(
        'mime.invalid-limits',
        `MIME limit ${key} must be an integer from ${min} to ${max}.`,
      );
    }
    out[key as keyof MimeLimits] = value;
  }
  return out;
}
