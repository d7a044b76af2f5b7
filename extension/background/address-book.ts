/**
 * The correspondents' address book: shared/directory's logic (which certificate to encrypt to, why a
 * recipient is blocked, harvesting, key-change reports) over an IndexedDB store.
 */
import type { AddressBookRecord, AddressBookStore } from '../../shared/directory/address-book-store';
import { createAddressBook, type AddressBook } from '../../shared/directory/address-book';
import { defaultEnv } from '../../shared/env';
import type { ChainValidator } from '../../shared/smime/verdict';
import { database } from './database';

export const idbAddressBookStore: AddressBookStore = {
  async list(email) {
    return (await database()).getAllFromIndex('address-book', 'email', email);
  },
  async put(record: AddressBookRecord) {
    await (await database()).put('address-book', record);
  },
  async remove(email, sha256) {
    await (await database()).delete('address-book', [email, sha256]);
  },
  async emails() {
    const keys = await (await database()).getAllKeysFromIndex('address-book', 'email');
    return [...new Set(keys.map((k) => k[0]))];
  },
};

export function addressBook(validateChain?: ChainValidator): AddressBook {
  return createAddressBook({
    store: idbAddressBookStore,
    env: defaultEnv(),
    ...(validateChain ? { validateChain } : {}),
  });
}

/** Every record, each certificate once (a certificate is filed under each of its addresses). */
export async function allRecords(): Promise<AddressBookRecord[]> {
  const all = await (await database()).getAll('address-book');
  const seen = new Set<string>();
  return all.filter((r) => !seen.has(r.sha256) && seen.add(r.sha256));
}

export async function removeCertificateEverywhere(sha256: string): Promise<void> {
  const db = await database();
  for (const r of await db.getAll('address-book')) {
    if (r.sha256 === sha256) await db.delete('address-book', [r.email, r.sha256]);
  }
}
