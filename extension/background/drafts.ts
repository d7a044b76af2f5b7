/**
 * Compose drafts, kept so that a failed send (or a closed tab) loses nothing the user wrote. At rest a
 * draft is sealed with the device key: its plaintext never sits in IndexedDB as is. Attachments are a
 * separate record so that saving the text as the user types does not re-send and re-seal megabytes.
 */
import { fromUtf8, utf8 } from '../../shared/bytes';
import { database } from './database';
import type { Draft } from './messages';
import { getDeviceKey, seal, unseal } from './sealing';

const attachmentsKey = (id: string) => `${id}:attachments`;

async function put(key: string, value: unknown, savedAt: string): Promise<void> {
  const sealed = await seal(await getDeviceKey(), utf8(JSON.stringify(value)), `draft:${key}`);
  await (await database()).put('drafts', { id: key, savedAt, sealed });
}

async function get<T>(key: string): Promise<{ value: T; savedAt: string } | null> {
  const rec = await (await database()).get('drafts', key);
  if (!rec) return null;
  const plain = await unseal(await getDeviceKey(), rec.sealed, `draft:${key}`);
  return { value: JSON.parse(fromUtf8(plain)) as T, savedAt: rec.savedAt };
}

/** `keepAttachments`: the attachments did not change since the last save; only the rest is written. */
export async function saveDraft(id: string, draft: Draft, keepAttachments = false): Promise<string> {
  const savedAt = new Date().toISOString();
  const { attachments, ...rest } = draft;
  await put(id, rest, savedAt);
  if (!keepAttachments) await put(attachmentsKey(id), attachments, savedAt);
  return savedAt;
}

export async function loadDraft(id: string): Promise<{ draft: Draft; savedAt: string } | null> {
  const main = await get<Omit<Draft, 'attachments'>>(id);
  if (!main) return null;
  const attachments = (await get<Draft['attachments']>(attachmentsKey(id)))?.value ?? [];
  return { draft: { ...main.value, attachments }, savedAt: main.savedAt };
}

export async function deleteDraft(id: string): Promise<void> {
  const db = await database();
  await db.delete('drafts', id);
  await db.delete('drafts', attachmentsKey(id));
}
