import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { SelloError } from '../../../shared/errors';
import { importPkcs12 } from '../../../shared/keys/pkcs12';
import { TestPki } from './openssl-pki';

const env = defaultEnv();
const CODES = ['pkcs12.malformed', 'pkcs12.wrong-password', 'pkcs12.unsupported', 'pkcs12.no-key'];
/** A mutated iteration count must not turn one test case into minutes of hashing. */
const LIMITS = { maxIterations: 100_000 };
const MAX_MS_PER_FILE = 5_000;

/** Byte overwrites, then an optional cut, then an optional insertion of random bytes. */
const mutation = fc.record({
  writes: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), {
    minLength: 1,
    maxLength: 6,
  }),
  cut: fc.option(fc.nat()),
  insert: fc.option(fc.record({ at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) })),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(original: Uint8Array, m: Mutation): Uint8Array {
  let b = original.slice();
  for (const w of m.writes) b[w.at % b.length] = w.value;
  if (m.cut !== null) b = b.slice(0, m.cut % (b.length + 1));
  if (m.insert !== null) {
    const at = m.insert.at % (b.length + 1);
    b = Uint8Array.from([...b.subarray(0, at), ...m.insert.bytes, ...b.subarray(at)]);
  }
  return b;
}

describe('importPkcs12 on damaged input', () => {
  let pki: TestPki;
  const files: Record<string, Uint8Array> = {};

  beforeAll(() => {
    pki = new TestPki();
    const rsa = pki.issue('alice@example.org', { rsa: 2048 });
    const ec = pki.issue('bob@example.org', { ec: 'P-256' });
    files['modern with MAC'] = pki.exportPkcs12(rsa, 'pw');
    files['legacy without MAC'] = pki.exportPkcs12(ec, 'pw', ['-legacy', '-nomac']);
    files['PBES2 without MAC'] = pki.exportPkcs12(ec, 'pw', ['-nomac', '-iter', '100']);
    files['unencrypted without MAC'] = pki.exportPkcs12(rsa, 'pw', [
      '-certpbe',
      'NONE',
      '-keypbe',
      'NONE',
      '-nomac',
    ]);
    files['Thunderbird Fran.p12'] = new Uint8Array(
      readFileSync('/work/shared/corpora/thunderbird-nss/smime-interop/Fran.p12'),
    );
  });
  afterAll(() => pki.remove());

  it.each([
    'modern with MAC',
    'legacy without MAC',
    'PBES2 without MAC',
    'unencrypted without MAC',
    'Thunderbird Fran.p12',
  ])(
    'never throws anything but a pkcs12 SelloError for random mutations of a %s file, in bounded time',
    async (name) => {
      const original = files[name]!;
      const password = name.startsWith('Thunderbird') ? 'nss' : 'pw';
      await fc.assert(
        fc.asyncProperty(mutation, async (m) => {
          const input = mutate(original, m);
          const started = performance.now();
          try {
            const result = await importPkcs12(input, password, env, LIMITS);
            expect(result.identities.length).toBeGreaterThan(0);
          } catch (e) {
            if (!(e instanceof SelloError)) throw new Error(`escaped: ${String(e)}`, { cause: e });
            expect(CODES).toContain(e.code);
            expect(e.message).not.toMatch(/\n\s+at /);
          }
          expect(performance.now() - started).toBeLessThan(MAX_MS_PER_FILE);
        }),
        { numRuns: Number(process.env.SELLO_FUZZ_RUNS ?? 150) },
      );
    },
  );
});
