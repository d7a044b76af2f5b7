// @vitest-environment jsdom
/**
 * The Outlook add-in draws its own status bar from the same Verdict. Every regenerated case through
 * the core and the add-in's status lines: never "Signed by" for a verdict that covers nothing, never
 * "covers the whole message" unless it does, never "protects against changes" without a decrypted
 * AEAD layer, and the From/signer mismatch always said.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLanguage } from '../../addin/taskpane/i18n';
import { statusLines } from '../../addin/taskpane/status-bar';
import { createChainValidator } from '../../shared/pki/chain-validator';
import { openMessage } from '../../shared/smime/open';
import type { ChainValidator } from '../../shared/smime/verdict';
import { CASES } from './cases';
import type { AttackKeys } from './lib/attack-case';
import { makeAttackKeys } from './lib/keys';
import { env } from './lib/message';

let keys: AttackKeys & { dir: string };
let validateChain: ChainValidator;

beforeAll(async () => {
  setLanguage('en');
  keys = await makeAttackKeys('http://127.0.0.1:9/exfil');
  validateChain = createChainValidator({ anchors: [keys.ca.certificate], env });
}, 120_000);

afterAll(() => rmSync(keys.dir, { recursive: true, force: true }));

describe('regenerated attacks, as the add-in status bar shows them', () => {
  it.each(CASES.map((c) => [`${c.class}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const v = await openMessage(await c.build(keys), { keys: [keys.bob], validateChain }, env);
    const text = statusLines(v)
      .map((l) => l.text)
      .join('\n');
    if (v.coverage.kind === 'none') expect(text).not.toMatch(/^Signed by /m);
    if (c.expect.coverage.kind !== 'whole')
      expect(text).not.toContain('The signature covers the whole message.');
    if (c.expect.coverage.kind === 'partial')
      expect(text).toContain(c.expect.coverage.signedPaths!.join(', '));
    if (c.expect.integrityProtected !== true)
      expect(text).not.toContain('The encryption protects against changes.');
    if (c.name === 'gcm-tag-failure') expect(text).not.toContain('The encryption protects against changes.');
    if (c.expect.valid && !c.expect.fromMatchesSigner) expect(text).toMatch(/does not match|no coincide/i);
  });
});
