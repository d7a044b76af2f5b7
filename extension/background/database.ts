/**
 * The extension's IndexedDB (via idb). IndexedDB rather than chrome.storage because it stores
 * CryptoKey objects (the non-extractable wrapping key) and binary without base64.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AddressBookRecord } from '../../shared/directory/address-book-store';
import type { PendingCertificateChange } from '../../shared/directory/certificate-changes';

export interface Sealed {
  iv: Uint8Array;
  data: Uint8Array;
}

export interface IdentityRecord {
  id: string;
  fingerprint: string;
  certificate: Uint8Array;
  chain: Uint8Array[];
  friendlyName: string | null;
  addedAt: string;
  /** 'device': PKCS#8 under the device key; 'passphrase': under the passphrase key, then the device key. */
  protection: 'device' | 'passphrase';
  privateKey: Sealed;
}

export interface CertificateRecord {
  fingerprint: string;
  der: Uint8Array;
  emails: string[];
  addedAt: string;
  source: 'imported' | 'harvested';
}

export interface PassphraseRecord {
  salt: Uint8Array;
  iterations: number;
  /** A known value sealed under the passphrase key: tells a wrong passphrase from a damaged record. */
  verifier: Sealed;
}

export interface KeyPreferences {
  defaultSigning: string | null;
  /** Own address -> identity id whose certificate others should encrypt to (and we encrypt to self). */
  encryptionFor: Record<string, string>;
}

interface SelloDB extends DBSchema {
  meta: {
    key: string;
    value: CryptoKey | PassphraseRecord | KeyPreferences | Record<string, unknown>;
  };
  identities: { key: string; value: IdentityRecord };
  /** Correspondents' certificates, one record per (address, certificate): shared/directory's records. */
  'address-book': { key: [string, string]; value: AddressBookRecord; indexes: { email: string } };
  /** Unconfirmed moves of a correspondent to another key or issuer, one per address (version 2). */
  'certificate-changes': { key: string; value: PendingCertificateChange };
  trust: { key: string; value: CertificateRecord };
  drafts: { key: string; value: { id: string; savedAt: string; sealed: Sealed } };
}

let dbPromise: Promise<IDBPDatabase<SelloDB>> | null = null;

export function database(): Promise<IDBPDatabase<SelloDB>> {
  dbPromise ??= openDB<SelloDB>('sello', 2, {
    // Each version adds to the last: a profile made by version 1 keeps its keys and address book.
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('meta');
        db.createObjectStore('identities', { keyPath: 'id' });
        const book = db.createObjectStore('address-book', { keyPath: ['email', 'sha256'] });
        book.createIndex('email', 'email');
        db.createObjectStore('trust', { keyPath: 'fingerprint' });
        db.createObjectStore('drafts', { keyPath: 'id' });
      }
      if (oldVersion < 2) db.createObjectStore('certificate-changes', { keyPath: 'email' });
    },
  });
  return dbPromise;
}
