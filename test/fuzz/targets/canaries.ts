/**
 * Test-only targets that misbehave on purpose, so that canary.test.ts can prove the harness reports
 * each kind of finding. Never part of TARGET_NAMES (CI's fuzz pass and `npm run fuzz` skip them).
 */
import type { FuzzTarget } from '../target';

const seeds = () => [new Uint8Array([1, 2, 3])];

/** An error that is not a SelloError: a crash. */
export const crash: FuzzTarget = {
  name: 'canary-crash',
  seeds,
  run: () => {
    throw new TypeError('canary: not a typed error');
  },
};

/** Synchronous code that never returns: only the parent's watchdog can see it. */
export const hang: FuzzTarget = {
  name: 'canary-hang',
  seeds,
  run: () => {
    for (;;) {
      // spin
    }
  },
};

const held: Buffer[] = [];
/** Buffers live outside the V8 heap: --max-old-space-size never stops this, the RSS watch must. */
export const memory: FuzzTarget = {
  name: 'canary-oom',
  seeds,
  run: () => {
    for (;;) held.push(Buffer.alloc(16 * 1024 * 1024, 1));
  },
};
