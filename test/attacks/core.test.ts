/**
 * Every regenerated attack case through the core: openMessage with the reader's key and trust anchor,
 * then the verdict facts the user must see. One `it` per case, named after the case.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../shared/bytes';
import { createChainValidator } from '../../shared/pki/chain-validator';
import { openMessage } from '../../shared/smime/open';
import type { ChainValidator, Verdict } from '../../shared/smime/verdict';
import { CASES } from './cases';
import type { AttackCase, AttackKeys } from './lib/attack-case';
import { makeAttackKeys } from './lib/keys';
import { env } from './lib/message';

let keys: AttackKeys & { dir: string };
let validateChain: ChainValidator;

beforeAll(async () => {
  keys = await makeAttackKeys('http://127.0.0.1:9/exfil');
  validateChain = createChainValidator({ anchors: [keys.ca.certificate], env });
}, 120_000);

afterAll(() => rmSync(keys.dir, { recursive: true, force: true }));

export function checkVerdict(c: AttackCase, v: Verdict): void {
  const e = c.expect;
  const codes = (xs: { code: string }[]) => xs.map((x) => x.code);
  expect.soft(v.valid, 'valid').toBe(e.valid);
  if (e.trusted !== undefined) expect.soft(v.trusted, 'trusted').toBe(e.trusted);
  expect.soft(v.coverage.kind, 'coverage kind').toBe(e.coverage.kind);
  if (e.coverage.signedPaths)
    expect.soft(v.coverage.signedPaths, 'signed paths').toEqual(e.coverage.signedPaths);
  if (e.coverage.unsignedPaths)
    expect.soft(v.coverage.unsignedPaths, 'unsigned paths').toEqual(e.coverage.unsignedPaths);
  expect.soft(v.fromMatchesSigner, 'fromMatchesSigner').toBe(e.fromMatchesSigner);
  const enc = v.layers.filter((l) => l.kind === 'encrypted');
  if (e.integrityProtected === null) expect.soft(enc, 'no encryption layer opened').toEqual([]);
  else
    expect
      .soft(
        enc.map((l) => l.integrityProtected),
        'integrityProtected',
      )
      .toEqual(enc.map(() => e.integrityProtected));
  if (e.exactErrors) expect.soft(codes(v.errors), 'errors').toEqual(e.errors);
  else expect.soft(codes(v.errors), 'errors').toEqual(expect.arrayContaining(e.errors));
  if (e.warnings) expect.soft(codes(v.warnings), 'warnings').toEqual(expect.arrayContaining(e.warnings));
  const content = v.content ? fromUtf8(v.content) : '';
  for (const s of e.contentExcludes ?? []) expect.soft(content, 'content').not.toContain(s);
  const signers = v.layers.flatMap((l) => (l.kind === 'signed' ? l.signers : []));
  if (e.weakSignature)
    expect
      .soft(
        signers.some((s) => s.weak),
        'weak signer',
      )
      .toBe(true);
  if (e.weakCipher)
    expect
      .soft(
        enc.some((l) => l.weak),
        'weak cipher',
      )
      .toBe(true);
  // The one invariant every case shares: an attack is never "signed" for the whole message unless the
  // case says so.
  if (e.coverage.kind !== 'whole') expect.soft(v.coverage.kind).not.toBe('whole');
}

describe('regenerated attacks, as the core sees them', () => {
  it.each(CASES.map((c) => [`${c.class}: ${c.name}`, c] as const))('%s', async (_, c) => {
    const bytes = await c.build(keys);
    const v = await openMessage(bytes, { keys: [keys.bob], validateChain }, env);
    checkVerdict(c, v);
  });
});
