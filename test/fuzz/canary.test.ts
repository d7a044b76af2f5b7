/**
 * The harness itself: targets that crash, hang and eat memory on purpose must each come back as a
 * finding of that type (a fuzz pass that cannot see these would pass vacuously).
 */
import { describe, expect, it } from 'vitest';
import { runCampaign } from './run-campaign';
import { TARGET_NAMES } from './targets/index';

describe('the fuzz harness reports what goes wrong', () => {
  it('keeps the canaries out of the real targets', () => {
    expect(TARGET_NAMES.filter((n) => n.startsWith('canary'))).toEqual([]);
  });

  it('reports a crash (an error that is not a SelloError) with its input', { timeout: 60_000 }, async () => {
    const r = await runCampaign('canary-crash', 5);
    expect(r.findings.map((f) => f.type)).toEqual(['crash']);
    expect(r.findings[0]!.message).toContain('canary: not a typed error');
  });

  it('reports a hang (synchronous code that never returns)', { timeout: 60_000 }, async () => {
    const t0 = Date.now();
    const r = await runCampaign('canary-hang', 5, 1, { hangMs: 2000 });
    expect(r.findings.map((f) => f.type)).toEqual(['hang']);
    expect(Date.now() - t0).toBeLessThan(45_000);
  });

  it(
    'reports unbounded memory outside the V8 heap (Buffers) from the resident set size',
    { timeout: 60_000 },
    async () => {
      const r = await runCampaign('canary-oom', 5, 1, { rssMb: 400, hangMs: 20_000 });
      expect(r.findings.map((f) => f.type)).toEqual(['memory']);
      expect(r.findings[0]!.message).toMatch(/resident memory \d+ MB > 400 MB/);
    },
  );
});
