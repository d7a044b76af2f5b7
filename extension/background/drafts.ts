/**
 * Compose drafts, kept so that a failed send (or a closed tab) loses nothing the user wrote. At rest a
 * draft is sealed with the device key: its plaintext never sits in IndexedDB as is.
 */
import { fromUtf8, utf8 } from '../../shared/bytes';
import { database } from './database';
import type { Draft } from './messages';
import { getDeviceKey, seal, unseal } from './sealing';

export async function saveDraft(id: string, draft: Draft): Promise<string> {
  const savedAt = new Date().toISOString();
  const sealed = await seal(await getDeviceKey(), utf8(JSON.stringify(draft)), `draft:${id}`);
  await (await database()).put('drafts', { id, savedAt, sealed });
  return savedAt;
}

export async function loadDraft(id: string): Promise<{ draft: Draft; savedAt: string } | null> {
  const rec = await (await database()).get('drafts', id);
  if (!rec) return null;
  const plain = await unseal(await getDeviceKey(), rec.sealed, `draft:${id}`);
  return { draft: JSON.parse(fromUtf8(plain)) as Draft, savedAt: rec.savedAt };
}

export async function deleteDraft(id: string): Promise<void> {
  await (await database()).delete('drafts', id);
}
