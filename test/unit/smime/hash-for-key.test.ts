/** The digest follows the signer's curve: SHA-256 is raised for P-384 (gpgsm and RFC 5753 need it). */
import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { createDemoCa, createDemoUser, type DemoKeyType } from '../../../shared/smime/demo-pki';
import { hashForKey, signMessage } from '../../../shared/smime/sign';

const env = defaultEnv();
const MESSAGE = utf8('From: a@example.org\r\nContent-Type: text/plain\r\n\r\nhi\r\n');

describe('hashForKey', () => {
  it.each([
    ['P-256', 'SHA-256', 'SHA-256', 'sha-256'],
    ['P-384', 'SHA-256', 'SHA-384', 'sha-384'],
    ['P-384', 'SHA-512', 'SHA-512', 'sha-512'],
    ['RSA-2048', 'SHA-256', 'SHA-256', 'sha-256'],
  ] as const)('%s asked for %s signs with %s (micalg=%s)', async (keyType, asked, used, micalg) => {
    const ca = await createDemoCa(env, { keyType: keyType as DemoKeyType });
    const user = await createDemoUser(ca, { name: 'A', email: 'a@example.org', keyType }, env);
    expect(hashForKey(user, asked)).toBe(used);
    const signed = fromUtf8(
      await signMessage(MESSAGE, user, { form: 'detached', hash: asked, pss: false, chain: 'none' }, env),
    );
    expect(signed).toContain(`micalg=${micalg};`);
  });
});
