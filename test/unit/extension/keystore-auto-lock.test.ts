/**
 * autoLockMinutes: unlocked keys are dropped after that many minutes without use, and every use starts
 * the count again. The keystore's real timer logic runs under fake timers; IndexedDB and AES-GCM are
 * replaced by in-memory stand-ins (the e2e tests cover them in Chromium), so minutes pass instantly.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

interface FakeSealed {
  iv: Uint8Array;
  data: Uint8Array;
}

/** The database module's contract as the keystore uses it: get/put/delete/count/getAll and transactions. */
vi.mock('../../../extension/background/database', () => {
  const stores = new Map<string, Map<string, unknown>>();
  const store = (name: string) => {
    let s = stores.get(name);
    if (!s) stores.set(name, (s = new Map()));
    return s;
  };
  const keyOf = (name: string, value: unknown, key?: string) =>
    key ?? (name === 'identities' ? (value as { id: string }).id : String(key));
  const put = async (name: string, value: unknown, key?: string) => {
    store(name).set(keyOf(name, value, key), value);
  };
  const db = {
    get: async (name: string, key: string) => store(name).get(key),
    put,
    add: put,
    delete: async (name: string, key: string) => void store(name).delete(key),
    count: async (name: string) => store(name).size,
    getAll: async (name: string) => [...store(name).values()],
    transaction: (names: string | string[]) => {
      const objectStore = (name: string) => ({
        put: (value: unknown, key?: string) => put(name, value, key),
        delete: async (key: string) => void store(name).delete(key),
      });
      return {
        objectStore,
        store: objectStore(Array.isArray(names) ? names[0]! : names),
        done: Promise.resolve(),
      };
    },
  };
  return { database: async () => db, __stores: stores };
});

/**
 * Sealing stand-in: a "key" is a label, and sealed data remembers the label and context it was sealed
 * with, so unsealing with another passphrase still fails as the real AES-GCM would.
 */
vi.mock('../../../extension/background/sealing', () => {
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  const label = (k: CryptoKey) => (k as unknown as { label: string }).label;
  return {
    PBKDF2_ITERATIONS: 1,
    getDeviceKey: async () => ({ label: 'device' }) as unknown as CryptoKey,
    derivePassphraseKey: async (p: string) => ({ label: `pass:${p}` }) as unknown as CryptoKey,
    seal: async (k: CryptoKey, plain: Uint8Array, context: string): Promise<FakeSealed> => ({
      iv: enc.encode(`${label(k)}|${context}`),
      data: plain.slice(),
    }),
    unseal: async (k: CryptoKey, s: FakeSealed, context: string) => {
      if (dec.decode(s.iv) !== `${label(k)}|${context}`) throw new Error('OperationError');
      return s.data;
    },
    packSealed: (s: FakeSealed) => enc.encode(JSON.stringify([dec.decode(s.iv), [...s.data]])),
    unpackSealed: (b: Uint8Array): FakeSealed => {
      const [iv, data] = JSON.parse(dec.decode(b)) as [string, number[]];
      return { iv: enc.encode(iv), data: Uint8Array.from(data) };
    },
  };
});

type Keystore = typeof import('../../../extension/background/keystore');
let ks: Keystore;
let id: string;
const MINUTE = 60_000;

beforeEach(async () => {
  vi.resetModules(); // a fresh keystore (module state) per test
  const db = (await import('../../../extension/background/database')) as unknown as {
    __stores: Map<string, unknown>;
  };
  db.__stores.clear(); // and an empty database
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  ks = await import('../../../extension/background/keystore');
  [id] = (await ks.addIdentities([
    { certificate: Uint8Array.of(1, 2, 3), chain: [], privateKey: Uint8Array.of(9, 9, 9) },
  ])) as [string];
  await ks.setPassphrase(null, 'correct horse battery');
});

afterEach(() => {
  vi.useRealTimers();
});

const locked = async () => (await ks.keystoreStatus()).locked;

describe('idle auto-lock', () => {
  it('locks the keys once autoLockMinutes pass without use, not a moment before', async () => {
    ks.setAutoLockMinutes(5);
    expect(await locked()).toBe(false);
    await vi.advanceTimersByTimeAsync(5 * MINUTE - 1);
    expect(await locked()).toBe(false);
    expect((await ks.getIdentity(id)).privateKey).toEqual(Uint8Array.of(9, 9, 9));
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(await locked()).toBe(true);
    await expect(ks.getIdentity(id)).rejects.toMatchObject({ code: 'keystore.locked' });
  });

  it('starts the count again whenever a key is used', async () => {
    ks.setAutoLockMinutes(5);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    await ks.getIdentity(id); // activity: signing or decrypting opens the key
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(await locked()).toBe(false);
    await ks.getIdentity(id);
    await vi.advanceTimersByTimeAsync(4 * MINUTE);
    expect(await locked()).toBe(false);
    await vi.advanceTimersByTimeAsync(1 * MINUTE);
    expect(await locked()).toBe(true);
  });

  it('applies a new autoLockMinutes at once and counts again after unlocking', async () => {
    ks.setAutoLockMinutes(30);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    ks.setAutoLockMinutes(1);
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(await locked()).toBe(true);

    await expect(ks.unlock('wrong passphrase')).rejects.toMatchObject({ code: 'keystore.wrong-passphrase' });
    expect(await locked()).toBe(true);
    await ks.unlock('correct horse battery');
    expect(await locked()).toBe(false);
    await vi.advanceTimersByTimeAsync(MINUTE - 1);
    expect(await locked()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await locked()).toBe(true);
  });

  it('never reports a store without a passphrase as locked (there is nothing to unlock)', async () => {
    await ks.setPassphrase('correct horse battery', null);
    ks.setAutoLockMinutes(1);
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(await ks.keystoreStatus()).toMatchObject({ hasPassphrase: false, locked: false });
    expect((await ks.getIdentity(id)).privateKey).toEqual(Uint8Array.of(9, 9, 9));
  });
});
