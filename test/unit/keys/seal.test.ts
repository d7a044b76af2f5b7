import { describe, expect, it } from 'vitest';
import { seal, unseal } from '../../../shared/keys/seal';
import { isSelloError } from '../../../shared/errors';

const key = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);

describe('sealing keys and drafts at rest', () => {
  it('opens what it sealed, under the same key and context', async () => {
    const k = await key();
    const plain = crypto.getRandomValues(new Uint8Array(1000));
    const sealed = await seal(k, plain, 'identity:1', crypto);
    expect(sealed.iv).toHaveLength(12);
    expect(await unseal(k, sealed, 'identity:1', crypto)).toEqual(plain);
  });

  it('refuses a record moved to another context, an altered record and another key, with one typed error', async () => {
    const k = await key();
    const sealed = await seal(k, new Uint8Array([1, 2, 3]), 'identity:1', crypto);
    const altered = { iv: sealed.iv, data: sealed.data.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const other = await key();
    for (const attempt of [
      () => unseal(k, sealed, 'identity:2', crypto),
      () => unseal(k, altered, 'identity:1', crypto),
      () => unseal(other, sealed, 'identity:1', crypto),
    ]) {
      await expect(attempt()).rejects.toSatisfy((e) => isSelloError(e, 'keystore.unseal-failed'));
    }
  });
});
