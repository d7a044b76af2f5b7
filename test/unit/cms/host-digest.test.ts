import { describe, expect, it } from 'vitest';
import { cliEnv } from '../../../shared/cli/cli-env';
import { digest } from '../../../shared/cms/digest';
import { defaultEnv } from '../../../shared/env';

describe('the CLI host digest', () => {
  const data = new Uint8Array(100_000).map((_, i) => (i * 13) & 0xff).subarray(7, 99_001);
  for (const name of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'] as const) {
    it(`gives WebCrypto's ${name} of a view with an offset`, async () => {
      const host = await digest(name, data, cliEnv());
      expect(host).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(host)).toBe(false);
      expect(host).toEqual(await digest(name, data, defaultEnv()));
    });
  }
});
