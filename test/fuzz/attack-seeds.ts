/**
 * Seeds that reach deep: the regenerated attack messages (test/attacks/cases) and fresh AES-CBC and
 * AES-GCM messages, all encrypted to a reader whose private key the fuzz target holds. Seeds encrypted
 * to someone else stop at recipient matching and never exercise key transport or content decryption.
 * Made once per worker start (keys generated in process, nothing checked in).
 */
import { rmSync } from 'node:fs';
import type { Identity } from '../../shared/keys/identity';
import { CASES } from '../attacks/cases';
import { cmsOf } from '../attacks/lib/cms-surgery';
import { makeAttackKeys } from '../attacks/lib/keys';
import { CBC, GCM, encryptedTo } from '../attacks/lib/message';

export interface AttackSeeds {
  /** The reader every seed is encrypted to (the attack cases' Bob). */
  reader: Identity;
  /** Whole messages: the attack cases, then a CBC and a GCM message to the reader. */
  messages: Uint8Array[];
  /** The first CMS blob of each message that has one (EnvelopedData, AuthEnvelopedData, SignedData). */
  cms: Uint8Array[];
}

export async function makeAttackSeeds(): Promise<AttackSeeds> {
  const keys = await makeAttackKeys('http://127.0.0.1:9/fuzz');
  try {
    const body = 'Content-Type: text/html; charset=utf-8\r\n\r\n<p>Fuzz seed: the quarterly numbers.</p>\r\n';
    const messages = [
      ...(await Promise.all(CASES.map((c) => c.build(keys)))),
      await encryptedTo(keys.bob, {}, body, CBC),
      await encryptedTo(keys.bob, {}, body, GCM),
    ];
    const cms = messages.flatMap((m) => {
      try {
        return [cmsOf(m).der];
      } catch {
        return []; // e.g. a wrapping case whose CMS sits where cmsOf does not look: the message seeds it
      }
    });
    return { reader: keys.bob, messages, cms };
  } finally {
    rmSync(keys.dir, { recursive: true, force: true });
  }
}
