/**
 * Property: whatever a sender does to a signed or encrypted message (flipped bytes, truncation,
 * inserted garbage, repeated chunks), openMessage returns a Verdict with typed codes in bounded time
 * and never throws; a mutation outside the signed bytes may stay valid, but only with whole coverage.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, utf8 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import type { Identity } from '../../../shared/keys/identity';
import { createDemoCa, createDemoUser } from '../../../shared/smime/demo-pki';
import { signAndEncrypt } from '../../../shared/smime/encrypt';
import { openMessage } from '../../../shared/smime/open';
import { signMessage } from '../../../shared/smime/sign';

const env = defaultEnv();
let alice: Identity;
let samples: Uint8Array[] = [];

const message = utf8(
  `From: alice@example.org\r\nTo: bob@example.org\r\nDate: ${new Date().toUTCString()}\r\n` +
    'Content-Type: text/plain\r\n\r\nA short signed text.\r\n',
);

beforeAll(async () => {
  const ca = await createDemoCa(env, { keyType: 'P-256' });
  alice = await createDemoUser(ca, { name: 'Alice', email: 'alice@example.org', keyType: 'P-256' }, env);
  const opts = { hash: 'SHA-256', pss: false, chain: 'no-root' } as const;
  samples = [
    await signMessage(message, alice, { ...opts, form: 'detached' }, env),
    await signMessage(message, alice, { ...opts, form: 'opaque' }, env),
    await signAndEncrypt(
      message,
      alice,
      { ...opts, form: 'detached' },
      [alice.certificate],
      { cipher: 'aes-128-gcm', keyTransport: 'rsaes-pkcs1-v1_5', recipientId: 'issuer-serial' },
      env,
    ),
  ];
}, 60_000);

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'repeat'; at: number; length: number; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 64 }) }),
  fc.record({
    kind: fc.constant('repeat' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
    times: fc.integer({ min: 2, max: 50 }),
  }),
);

function apply(m: Mutation, b: Uint8Array): Uint8Array {
  const at = b.length === 0 ? 0 : m.at % b.length;
  switch (m.kind) {
    case 'flip': {
      const out = b.slice();
      out[at] = out[at]! ^ (1 << m.bit);
      return out;
    }
    case 'truncate':
      return b.slice(0, at);
    case 'insert':
      return concatBytes(b.subarray(0, at), m.bytes, b.subarray(at));
    case 'repeat': {
      const chunk = b.subarray(at, at + m.length);
      return concatBytes(b.subarray(0, at), ...Array.from({ length: m.times }, () => chunk), b.subarray(at));
    }
  }
}

describe('openMessage on mutated S/MIME', () => {
  it('returns a verdict with typed codes in bounded time and never throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 2 }),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        async (i, ms) => {
          const input = ms.reduce((b, m) => apply(m, b), samples[i]!);
          const started = Date.now();
          const v = await openMessage(input, { keys: [alice] }, env);
          expect(Date.now() - started).toBeLessThan(5_000);
          for (const e of [...v.errors, ...v.warnings]) expect(e.code).toMatch(/^[a-z0-9]+\.[a-z0-9-]+$/);
          if (v.valid) expect(v.coverage.kind).toBe('whole');
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);
});
