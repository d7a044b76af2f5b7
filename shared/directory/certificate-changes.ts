/**
 * A correspondent's move to another key or issuer, kept until the user decides (never applied
 * silently). The address book reports each change once, when the new certificate is first stored;
 * this keeps it per address as an unconfirmed change, which the extension's compose job treats as
 * blocking for encryption, and applies the user's answer:
 *
 * - `use-new`: the new certificate is marked chosen (preferredAt = now), so the address book picks it
 *   even when the correspondent once named the old one in SMIMEEncryptionKeyPreference.
 * - `keep-previous`: the new certificate is removed from this address, so the previous one stays in
 *   use. Only while the previous one is still within its validity period: keeping an expired one
 *   would only trade one block for another. If the correspondent keeps signing with the new key, the
 *   next verified message stores it again and the user is asked again.
 */
import { SelloError } from '../errors';
import type { CertificateChange } from './address-book';
import type { AddressBookRecord, AddressBookStore, CertificateOrigin } from './address-book-store';

/** The facts of a certificate the user needs to tell two apart (and the store needs to find it). */
export interface CertificateBrief {
  /** Hex SHA-256 of the certificate (its fingerprint) and of its public key. */
  sha256: string;
  spkiSha256: string;
  subject: string;
  issuer: string;
  /** ms since epoch. */
  notBefore: number;
  notAfter: number;
}

export interface PendingCertificateChange {
  /** Lower-cased address. */
  email: string;
  /** Compared with `previous`: another public key, or the same key from another issuer. */
  kind: CertificateChange['kind'];
  /** The certificate that was in use for this address before the change was seen. */
  previous: CertificateBrief;
  /** The certificate the correspondent moved to (the latest one, when it moved twice). */
  current: CertificateBrief;
  /** ms since epoch, when the latest change was seen. */
  detectedAt: number;
  /** How the new certificate arrived: a verified message, a file the user imported, the directory. */
  origin: CertificateOrigin;
}

export type ChangeDecision = 'use-new' | 'keep-previous';

/** Persistence, by address (IndexedDB in the extension, memory in Node and tests). */
export interface CertificateChangeStore {
  get(email: string): Promise<PendingCertificateChange | undefined>;
  put(change: PendingCertificateChange): Promise<void>;
  remove(email: string): Promise<void>;
  list(): Promise<PendingCertificateChange[]>;
}

export function createMemoryCertificateChangeStore(): CertificateChangeStore {
  const byEmail = new Map<string, PendingCertificateChange>();
  return {
    async get(email) {
      const c = byEmail.get(email);
      return c ? structuredClone(c) : undefined;
    },
    async put(change) {
      byEmail.set(change.email, structuredClone(change));
    },
    async remove(email) {
      byEmail.delete(email);
    },
    async list() {
      return [...byEmail.values()].map((c) => structuredClone(c));
    },
  };
}

export function briefOf(r: AddressBookRecord): CertificateBrief {
  return {
    sha256: r.sha256,
    spkiSha256: r.spkiSha256,
    subject: r.subject,
    issuer: r.issuer,
    notBefore: r.notBefore,
    notAfter: r.notAfter,
  };
}

/** The certificate the address book was choosing before: the same order as its explain step. */
function inUse(records: AddressBookRecord[]): AddressBookRecord | undefined {
  return [...records].sort(
    (a, b) =>
      (b.preferredAt ?? -1) - (a.preferredAt ?? -1) || b.notBefore - a.notBefore || b.notAfter - a.notAfter,
  )[0];
}

function kindOf(previous: CertificateBrief, current: CertificateBrief): CertificateChange['kind'] | null {
  if (previous.spkiSha256 !== current.spkiSha256) return 'new-key';
  if (previous.issuer !== current.issuer) return 'new-issuer';
  return null;
}

/**
 * Keeps the address book's change reports as unconfirmed changes. A second change before the user
 * answered keeps the first `previous` (what the user last accepted) and moves `current` on; a change
 * back to that previous certificate's key and issuer clears it.
 */
export async function recordCertificateChanges(
  store: CertificateChangeStore,
  changes: CertificateChange[],
  origin: CertificateOrigin,
  now: Date,
): Promise<PendingCertificateChange[]> {
  const recorded: PendingCertificateChange[] = [];
  for (const change of changes) {
    const pending = await store.get(change.email);
    const before = pending?.previous ?? (inUse(change.previous) ? briefOf(inUse(change.previous)!) : null);
    if (!before) continue;
    const current = briefOf(change.current);
    const kind = kindOf(before, current);
    if (!kind) {
      await store.remove(change.email);
      continue;
    }
    const entry: PendingCertificateChange = {
      email: change.email,
      kind,
      previous: before,
      current,
      detectedAt: now.getTime(),
      origin,
    };
    await store.put(entry);
    recorded.push(entry);
  }
  return recorded;
}

/** Applies the user's answer to the unconfirmed change for `email` (see the module comment). */
export async function resolveCertificateChange(
  changes: CertificateChangeStore,
  book: AddressBookStore,
  email: string,
  decision: ChangeDecision,
  now: Date,
): Promise<void> {
  const key = email.trim().toLowerCase();
  const pending = await changes.get(key);
  if (!pending)
    throw new SelloError('directory.no-pending-change', `No certificate change is waiting for ${key}.`);
  const records = await book.list(key);
  if (decision === 'use-new') {
    const current = records.find((r) => r.sha256 === pending.current.sha256);
    if (!current)
      throw new SelloError(
        'directory.certificate-gone',
        `The new certificate of ${key} is no longer stored; nothing was changed.`,
      );
    await book.put({ ...current, preferredAt: now.getTime() });
  } else {
    const previous = records.find((r) => r.sha256 === pending.previous.sha256);
    if (!previous || now.getTime() > previous.notAfter || now.getTime() < previous.notBefore)
      throw new SelloError(
        'directory.previous-certificate-unusable',
        `The previous certificate of ${key} is no longer valid; it cannot be kept.`,
      );
    // Every certificate that moved away from it since goes (after two moves there are two), and the
    // previous one is marked chosen in case the correspondent had named another as preferred.
    for (const r of records)
      if (r.addedAt > previous.addedAt && kindOf(briefOf(previous), briefOf(r)))
        await book.remove(key, r.sha256);
    await book.remove(key, pending.current.sha256);
    await book.put({ ...previous, preferredAt: now.getTime() });
  }
  await changes.remove(key);
}

/** Whether the previous certificate may still be kept (within its validity period). */
export function previousStillValid(change: PendingCertificateChange, now: Date): boolean {
  return now.getTime() >= change.previous.notBefore && now.getTime() <= change.previous.notAfter;
}
