/**
 * CI's bounded pass of every fuzz target, plus replay of every past finding. `npm run fuzz` runs the
 * long campaigns.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCampaign } from './run-campaign';
import { TARGET_NAMES, loadTarget } from './targets/index';
import { isExpectedFailure } from './target';
import { CORPORA } from './corpus';
import { makeAttackSeeds } from './attack-seeds';
import { decryptEnvelopedData, describeCms } from '../../shared/cms';
import { defaultEnv } from '../../shared/env';

const SECONDS = Number(process.env.SELLO_FUZZ_SECONDS ?? 12);

describe('fuzz seeds', () => {
  it('finds the shared corpora beside the checkout (../shared/corpora)', () => {
    // CI lays a copy of shared/ beside its clone; without it every target would fail to load.
    expect(
      existsSync(CORPORA),
      `${CORPORA} is missing: the fuzz seeds need the project's shared corpora beside the checkout`,
    ).toBe(true);
  });

  it('gives the cms target CBC and GCM seeds it can decrypt, so key transport and decryption are fuzzed', async () => {
    const own = await makeAttackSeeds();
    const env = defaultEnv();
    const opened: string[] = [];
    for (const der of own.cms) {
      try {
        const d = await decryptEnvelopedData(der, own.reader, env);
        opened.push(`${d.structure}/${d.contentCipher}`);
      } catch {
        // signed-data seeds and the attack cases that must not decrypt
      }
    }
    expect(opened).toEqual(
      expect.arrayContaining(['EnvelopedData/aes-256-cbc', 'AuthEnvelopedData/aes-256-gcm']),
    );
    // The attack cases are seeds too: more than the two fresh messages, of more than one CMS kind.
    expect(own.cms.length).toBeGreaterThan(20);
    expect(new Set(own.cms.map((d) => describeCms(d).contentType)).size).toBeGreaterThan(1);
  }, 120_000);
});

describe('coverage-guided fuzzing (bounded CI pass)', () => {
  for (const name of TARGET_NAMES) {
    it(
      `${name}: no crash, hang or unbounded memory in ${SECONDS} s`,
      { timeout: (SECONDS + 60) * 1000 },
      async () => {
        const r = await runCampaign(name, SECONDS, 7);
        expect(r.findings).toEqual([]);
        // The campaign really ran and explored: not an empty pass.
        expect(r.execs).toBeGreaterThan(20);
        expect(r.coverage).toBeGreaterThan(10);
      },
    );
  }
});

const regressions = TARGET_NAMES.flatMap((name) => {
  const dir = join(import.meta.dirname, 'regressions', name);
  return (existsSync(dir) ? readdirSync(dir) : []).map((f) => ({
    name,
    file: join(dir, f),
    label: `${name}/${f}`,
  }));
});

// Every past finding is replayed (the folder fills as campaigns find things).
if (regressions.length > 0) {
  describe('fuzz regressions', () => {
    for (const r of regressions) {
      it(`${r.label} is refused with a typed error or handled`, async () => {
        const target = await loadTarget(r.name);
        try {
          await target.run(new Uint8Array(readFileSync(r.file)));
        } catch (e) {
          expect(isExpectedFailure(e)).toBe(true);
        }
      });
    }
  });
}
