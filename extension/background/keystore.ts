/**
 * The private-key store. At rest every PKCS#8 key is sealed under the device key, and first under a
 * key derived from the user's passphrase when one is set. Unlocked keys exist only in this worker's
 * memory and are dropped after `autoLockMinutes` without use (and whenever the browser stops the worker).
 * Nothing here logs or returns key material or the passphrase.
 */
import { utf8 } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';
import type { Identity } from '../../shared/keys/identity';
import { fingerprintOf } from './certificate-summary';
import { database, type IdentityRecord, type KeyPreferences, type PassphraseRecord } from './database';
import {
  PBKDF2_ITERATIONS,
  derivePassphraseKey,
  getDeviceKey,
  packSealed,
  seal,
  unpackSealed,
  unseal,
} from './sealing';

const VERIFIER = 'sello passphrase verifier v1';

interface Unlocked {
  passphraseKey: CryptoKey | null;
  identities: Map<string, Identity>;
}

let unlocked: Unlocked | null = null;
let idleTimer: ReturnType<typeof setTimeout> | null = null;
let idleMinutes = 15;

export function setAutoLockMinutes(minutes: number): void {
  idleMinutes = minutes;
  touch();
}

function touch(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = unlocked ? setTimeout(lock, idleMinutes * 60_000) : null;
}

export function lock(): void {
  unlocked = null;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
}

async function passphraseRecord(): Promise<PassphraseRecord | null> {
  const rec = await (await database()).get('meta', 'passphrase');
  return rec && 'verifier' in rec ? (rec as PassphraseRecord) : null;
}

export interface KeystoreStatus {
  hasPassphrase: boolean;
  locked: boolean;
  identityCount: number;
}

export async function keystoreStatus(): Promise<KeystoreStatus> {
  const hasPassphrase = (await passphraseRecord()) !== null;
  const identityCount = await (await database()).count('identities');
  return { hasPassphrase, locked: hasPassphrase && unlocked === null, identityCount };
}

async function checkPassphrase(passphrase: string, rec: PassphraseRecord): Promise<CryptoKey> {
  const key = await derivePassphraseKey(passphrase, rec.salt, rec.iterations);
  try {
    await unseal(key, rec.verifier, VERIFIER);
  } catch {
    // Deliberately one code whatever failed: the verifier only ever fails for a wrong passphrase.
    throw new SelloError('keystore.wrong-passphrase', 'The passphrase is not correct.');
  }
  return key;
}

export async function unlock(passphrase: string): Promise<void> {
  const rec = await passphraseRecord();
  if (!rec) return;
  const passphraseKey = await checkPassphrase(passphrase, rec);
  unlocked = { passphraseKey, identities: new Map() };
  touch();
}

async function openRecord(rec: IdentityRecord): Promise<Identity> {
  const device = await getDeviceKey();
  let pkcs8 = await unseal(device, rec.privateKey, `key:${rec.id}`);
  if (rec.protection === 'passphrase') {
    const pk = unlocked?.passphraseKey;
    if (!pk)
      throw new SelloError('keystore.locked', 'Your keys are locked. Unlock them with your passphrase.');
    pkcs8 = await unseal(pk, unpackSealed(pkcs8), `key:${rec.id}:passphrase`);
  }
  return { certificate: rec.certificate, chain: rec.chain, privateKey: pkcs8 };
}

async function sealKey(id: string, pkcs8: Uint8Array, passphraseKey: CryptoKey | null) {
  let inner = pkcs8;
  if (passphraseKey) inner = packSealed(await seal(passphraseKey, pkcs8, `key:${id}:passphrase`));
  return seal(await getDeviceKey(), inner, `key:${id}`);
}

function requireUnlockedIfProtected(hasPassphrase: boolean): CryptoKey | null {
  if (!hasPassphrase) return null;
  if (!unlocked?.passphraseKey) {
    throw new SelloError('keystore.locked', 'Your keys are locked. Unlock them with your passphrase.');
  }
  return unlocked.passphraseKey;
}

/** Stores identities; the id is derived from the certificate so re-importing replaces, not duplicates. */
export async function addIdentities(items: (Identity & { friendlyName?: string })[]): Promise<string[]> {
  const passphraseKey = requireUnlockedIfProtected((await passphraseRecord()) !== null);
  const ids: string[] = [];
  const records: IdentityRecord[] = [];
  for (const item of items) {
    const fingerprint = await fingerprintOf(item.certificate);
    const id = fingerprint.slice(0, 32);
    records.push({
      id,
      fingerprint,
      certificate: item.certificate,
      chain: item.chain,
      friendlyName: item.friendlyName ?? null,
      addedAt: new Date().toISOString(),
      protection: passphraseKey ? 'passphrase' : 'device',
      privateKey: await sealKey(id, item.privateKey, passphraseKey),
    });
    ids.push(id);
  }
  const tx = (await database()).transaction('identities', 'readwrite');
  for (const r of records) await tx.store.put(r);
  await tx.done;
  unlocked?.identities.clear();
  touch();
  return ids;
}

export async function listIdentityRecords(): Promise<IdentityRecord[]> {
  return (await database()).getAll('identities');
}

export async function removeIdentity(id: string): Promise<void> {
  const db = await database();
  await db.delete('identities', id);
  unlocked?.identities.delete(id);
  const prefs = await keyPreferences();
  if (prefs.defaultSigning === id) prefs.defaultSigning = null;
  for (const [addr, idFor] of Object.entries(prefs.encryptionFor)) {
    if (idFor === id) delete prefs.encryptionFor[addr];
  }
  await saveKeyPreferences(prefs);
}

/** The identity with its private key; throws `keystore.locked` while a passphrase is set and not given. */
export async function getIdentity(id: string): Promise<Identity> {
  const cached = unlocked?.identities.get(id);
  touch();
  if (cached) return cached;
  const rec = await (await database()).get('identities', id);
  if (!rec) throw new SelloError('keystore.not-found', 'This certificate is no longer in Sello.');
  const identity = await openRecord(rec);
  unlocked?.identities.set(id, identity);
  return identity;
}

/** Every identity that can be opened now (for decryption); empty while locked. */
export async function availableIdentities(): Promise<Identity[]> {
  const status = await keystoreStatus();
  if (status.locked) return [];
  const out: Identity[] = [];
  for (const rec of await listIdentityRecords()) out.push(await getIdentity(rec.id));
  return out;
}

/**
 * Sets, changes or removes the passphrase, re-sealing every key. Needs the current passphrase when one
 * is set (a locked store cannot be re-keyed).
 */
export async function setPassphrase(current: string | null, next: string | null): Promise<void> {
  const db = await database();
  const rec = await passphraseRecord();
  let oldKey: CryptoKey | null = null;
  if (rec) {
    if (current === null) throw new SelloError('keystore.wrong-passphrase', 'The passphrase is not correct.');
    oldKey = await checkPassphrase(current, rec);
  }
  if (next !== null && next.length < 8) {
    throw new SelloError('keystore.weak-passphrase', 'Choose a passphrase of at least 8 characters.');
  }
  unlocked = { passphraseKey: oldKey, identities: new Map() };
  const plain = new Map<string, Identity>();
  for (const r of await listIdentityRecords()) plain.set(r.id, await openRecord(r));

  let newRec: PassphraseRecord | null = null;
  let newKey: CryptoKey | null = null;
  if (next !== null) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    newKey = await derivePassphraseKey(next, salt, PBKDF2_ITERATIONS);
    newRec = { salt, iterations: PBKDF2_ITERATIONS, verifier: await seal(newKey, utf8(VERIFIER), VERIFIER) };
  }
  const resealed: IdentityRecord[] = [];
  for (const r of await listIdentityRecords()) {
    const identity = plain.get(r.id);
    if (!identity) continue;
    resealed.push({
      ...r,
      protection: newKey ? 'passphrase' : 'device',
      privateKey: await sealKey(r.id, identity.privateKey, newKey),
    });
  }
  // One transaction: a crash half-way must not leave keys sealed under two different passphrases.
  const tx = db.transaction(['identities', 'meta'], 'readwrite');
  for (const r of resealed) await tx.objectStore('identities').put(r);
  if (newRec) await tx.objectStore('meta').put(newRec, 'passphrase');
  else await tx.objectStore('meta').delete('passphrase');
  await tx.done;
  unlocked = { passphraseKey: newKey, identities: plain };
  touch();
}

export async function keyPreferences(): Promise<KeyPreferences> {
  const v = await (await database()).get('meta', 'key-preferences');
  const prefs = v as KeyPreferences | undefined;
  return {
    defaultSigning: prefs?.defaultSigning ?? null,
    encryptionFor: { ...(prefs?.encryptionFor ?? {}) },
  };
}

export async function saveKeyPreferences(prefs: KeyPreferences): Promise<void> {
  await (await database()).put('meta', prefs, 'key-preferences');
}
