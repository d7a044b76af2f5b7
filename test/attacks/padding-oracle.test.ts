/**
 * Format and padding oracles (Bleichenbacher 1998, the Marvin attack 2023; EFAIL's "no observable
 * difference" rule): every way the RSA PKCS#1 v1.5 key transport can be wrong gives the same verdict,
 * the same error code and message, no network use, and no timing class of its own. AES-GCM content is
 * used so that a wrong content key fails deterministically (a CBC wrong key fails the padding 255 times
 * in 256 and decrypts to garbage otherwise: the same for every kind, but not a stable assertion).
 */
import { constants, publicEncrypt, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pemEncode } from '../../shared/bytes';
import type { CoreEnv } from '../../shared/env';
import { openMessage } from '../../shared/smime/open';
import type { AttackKeys } from './lib/attack-case';
import { cmsOf, withCms } from './lib/cms-surgery';
import { makeAttackKeys } from './lib/keys';
import { GCM, encryptedTo, env } from './lib/message';
import {
  encryptedKeyOf,
  withBadCbcPadding,
  withEncryptedKey as withKeyOf,
} from './lib/key-transport-surgery';
import { capturedFor } from './lib/padding-oracle-case';
import { secretHtml } from './lib/secret';
import { rmSync } from 'node:fs';

let keys: AttackKeys & { dir: string };
let base: Uint8Array;
/** AES-CBC messages for the kinds that need them: to Bob (padding broken later) and to Eve. */
let cbcToBob: Uint8Array;
let cbcToEve: Uint8Array;
const fetched: string[] = [];
const watched: CoreEnv = {
  ...env,
  fetch: (async (input: RequestInfo | URL) => {
    fetched.push(String(input));
    throw new Error('no network in this test');
  }) as typeof fetch,
};

function nonZero(n: number): Buffer {
  const b = randomBytes(n);
  for (let i = 0; i < n; i++) if (b[i] === 0) b[i] = 1;
  return b;
}

/** Raw RSA with Bob's public key on a chosen 256-byte block: what an attacker sends as encryptedKey. */
function rawRsa(block: Buffer): Uint8Array {
  const key = pemEncode('CERTIFICATE', keys.bob.certificate);
  return new Uint8Array(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, block));
}

const KINDS: Record<string, () => Uint8Array> = {
  'block type 1 instead of 2': () =>
    rawRsa(Buffer.concat([Buffer.from([0, 1]), Buffer.alloc(221, 0xff), Buffer.from([0]), randomBytes(32)])),
  'no zero separator': () => rawRsa(Buffer.concat([Buffer.from([0, 2]), nonZero(254)])),
  'content key of the wrong length': () =>
    rawRsa(Buffer.concat([Buffer.from([0, 2]), nonZero(248), Buffer.from([0]), randomBytes(5)])),
  'well-formed padding, wrong content key': () =>
    rawRsa(Buffer.concat([Buffer.from([0, 2]), nonZero(221), Buffer.from([0]), randomBytes(32)])),
  'random block': () => rawRsa(Buffer.concat([Buffer.from([0]), randomBytes(255)])),
};

/** The message with its encryptedKey (RSA-2048: the only 256-byte OCTET STRING) replaced. */
function withEncryptedKey(encryptedKey: Uint8Array): Uint8Array {
  const der = new Uint8Array(cmsOf(base).der);
  const marker = [0x04, 0x82, 0x01, 0x00];
  const at = der.findIndex((_, i) => marker.every((m, j) => der[i + j] === m));
  if (at < 0) throw new Error('no encryptedKey');
  der.set(encryptedKey, at + 4);
  return withCms(base, der);
}

async function observe(msg: Uint8Array) {
  const v = await openMessage(msg, { keys: [keys.bob] }, watched);
  return { errors: v.errors, warnings: v.warnings, layers: v.layers, content: v.content, valid: v.valid };
}

beforeAll(async () => {
  keys = await makeAttackKeys('http://127.0.0.1:9/exfil');
  base = await encryptedTo(
    keys.bob,
    {},
    `Content-Type: text/html; charset=utf-8\r\n\r\n${secretHtml}\r\n`,
    GCM,
  );
  cbcToBob = await capturedFor(keys.bob);
  cbcToEve = await capturedFor(keys.eve);
}, 120_000);

afterAll(() => rmSync(keys.dir, { recursive: true, force: true }));

describe('no decryption oracle', () => {
  it('opens the untouched message (the surgery itself is sound)', async () => {
    const v = await observe(withEncryptedKey(originalKey()));
    expect(v.errors).toEqual([]);
    expect(v.content).not.toBeNull();
  });

  it('opens the CBC message the attack cases start from, also after re-encoding its key transport', async () => {
    for (const m of [cbcToBob, withKeyOf(cbcToBob, encryptedKeyOf(cbcToBob))]) {
      const v = await observe(m);
      expect(v.errors).toEqual([]);
      expect(v.content ? Buffer.from(v.content).toString() : '').toContain('merger code');
    }
  });

  it('gives one identical verdict for every kind of bad key transport, and for a message to someone else', async () => {
    const outcomes = new Map<string, unknown>();
    for (const [kind, make] of Object.entries(KINDS))
      outcomes.set(kind, await observe(withEncryptedKey(make())));
    outcomes.set(
      'encrypted to another recipient',
      await observe(await encryptedTo(keys.eve, {}, 'Content-Type: text/plain\r\n\r\nx\r\n', GCM)),
    );
    const [first, ...rest] = [...outcomes.values()];
    expect(first).toMatchObject({
      errors: [
        { code: 'cms.decrypt-failed', message: 'The message could not be decrypted with the given keys.' },
      ],
      content: null,
      valid: false,
    });
    for (const [kind, o] of outcomes) if (o !== first) expect(o, kind).toEqual(first);
    expect(rest.length).toBe(5);
    expect(fetched, 'network use before the user acts').toEqual([]);
  });

  it('has no timing class per failure kind (medians within a loose factor, never a tight bound)', async () => {
    const messages: Record<string, Uint8Array> = {};
    for (const [kind, make] of Object.entries(KINDS)) messages[kind] = withEncryptedKey(make());
    // The two kinds that do not touch the RSA padding at all: a message for someone else (refused
    // before any private-key operation, see below) and a right content key with broken CBC padding
    // (Vaudenay).
    messages['encrypted to another recipient'] = cbcToEve;
    messages['right key, bad CBC padding'] = withBadCbcPadding(cbcToBob);
    for (const [kind, msg] of Object.entries(messages)) {
      const v = await observe(msg);
      expect(
        v.errors.map((e) => e.code),
        kind,
      ).toEqual(['cms.decrypt-failed']);
    }
    // Round-robin over the kinds, so that a burst of load from other work on the machine falls on
    // every kind alike instead of on whichever kind was being measured at the time.
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(messages).map((k) => [k, []]));
    for (let round = 0; round < 9; round++) {
      for (const [kind, msg] of Object.entries(messages)) {
        const t0 = performance.now();
        await observe(msg);
        times[kind]!.push(performance.now() - t0);
      }
    }
    const medians: Record<string, number> = {};
    for (const [kind, ts] of Object.entries(times)) medians[kind] = ts.sort((a, b) => a - b)[4]!;
    const { ['encrypted to another recipient']: otherRecipient, ...privateKeyKinds } = medians;
    const values = Object.values(privateKeyKinds);
    expect(values.length).toBe(6);
    // A padding-specific early exit would be orders of magnitude apart (microseconds vs a private-key
    // operation); scheduling noise on a loaded 2-core machine is well under this factor. Bad CBC
    // padding under the right key is in the same class as every key-transport defect.
    expect(Math.max(...values) / Math.min(...values), JSON.stringify(medians)).toBeLessThan(5);
    // A message that names no key of ours is refused before any private-key operation, so it is
    // faster (measured ~1 ms against ~11 ms). That is not an oracle: recipient identifiers are in the
    // clear, so the attacker already knows which messages name Bob. It must not be a slow class either.
    expect(otherRecipient!, JSON.stringify(medians)).toBeLessThan(5 * Math.max(...values));
  });
});

function originalKey(): Uint8Array {
  const der = cmsOf(base).der;
  const marker = [0x04, 0x82, 0x01, 0x00];
  const at = der.findIndex((_, i) => marker.every((m, j) => der[i + j] === m));
  return der.slice(at + 4, at + 4 + 256);
}
