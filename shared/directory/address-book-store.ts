/**
 * Persistence for the address book, kept abstract so the extension can back it with IndexedDB and
 * Node with memory. Records are plain structured-clone data (no classes, no CryptoKeys).
 */
import type { RevocationStatusName } from '../pki/revocation';

export type CertificateOrigin = 'harvested' | 'imported' | 'directory';

export interface AddressBookRecord {
  /** Lower-cased address this record is filed under. */
  email: string;
  /** DER. */
  certificate: Uint8Array;
  /** Hex SHA-256 of the certificate and of its public key (the identity change detection compares). */
  sha256: string;
  spkiSha256: string;
  subject: string;
  issuer: string;
  serialNumber: string;
  subjectKeyIdentifier: string | null;
  /** ms since epoch. */
  notBefore: number;
  notAfter: number;
  keyAlgorithm: string;
  keyUsage: string[] | null;
  extKeyUsage: string[] | null;
  origin: CertificateOrigin;
  addedAt: number;
  lastSeenAt: number;
  /**
   * When the correspondent last named this certificate in SMIMEEncryptionKeyPreference, or the user
   * chose it after a certificate change (certificate-changes.ts): the address book picks it first.
   */
  preferredAt: number | null;
  /** Last revocation answer, when one was recorded. */
  revocation: { status: RevocationStatusName; checkedAt: number } | null;
  /**
   * SMIMECapabilities (RFC 8551 §2.5.2) of the newest verified message that brought this certificate:
   * the capability OIDs, and that message's signing time (ms, never later than when it was read).
   * Optional: records stored before it existed, and certificates never seen in signed mail, have none.
   */
  capabilities?: SeenCapabilities;
}

export interface SeenCapabilities {
  oids: string[];
  seenAt: number;
}

export interface AddressBookStore {
  /** Every record filed under `email` (already lower-cased by the caller). */
  list(email: string): Promise<AddressBookRecord[]>;
  /** Inserts or replaces the record with the same email and sha256. */
  put(record: AddressBookRecord): Promise<void>;
  remove(email: string, sha256: string): Promise<void>;
  emails(): Promise<string[]>;
}

export function createMemoryAddressBookStore(): AddressBookStore {
  const byEmail = new Map<string, Map<string, AddressBookRecord>>();
  return {
    async list(email) {
      return [...(byEmail.get(email)?.values() ?? [])].map((r) => ({ ...r }));
    },
    async put(record) {
      let forEmail = byEmail.get(record.email);
      if (!forEmail) byEmail.set(record.email, (forEmail = new Map()));
      forEmail.set(record.sha256, { ...record });
    },
    async remove(email, sha256) {
      byEmail.get(email)?.delete(sha256);
    },
    async emails() {
      return [...byEmail.keys()].filter((e) => (byEmail.get(e)?.size ?? 0) > 0);
    },
  };
}
