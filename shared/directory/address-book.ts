/**
 * Recipients' certificates by mail address: filled by harvesting verified signed mail, by imported
 * files and by the directory; asked which certificate to encrypt to, and why a recipient cannot be
 * encrypted to. A correspondent's move to another key or issuer is reported, never applied silently.
 */
import { equalBytes } from '../bytes';
import type { CoreEnv } from '../env';
import type { ErrorCode } from '../errors';
import { certificateFacts } from '../pki/lint-certificate-facts';
import type { RevocationStatusName } from '../pki/revocation';
import type { ChainValidator } from '../smime/verdict';
import type {
  AddressBookRecord,
  AddressBookStore,
  CertificateOrigin,
  SeenCapabilities,
} from './address-book-store';
import { preferenceMatches, type EncryptionKeyPreference } from './encryption-key-preference';

export interface CertificateChange {
  email: string;
  kind: 'new-key' | 'new-issuer';
  previous: AddressBookRecord[];
  current: AddressBookRecord;
}

export type RecipientStatus =
  'found' | 'missing' | 'expired' | 'revoked' | 'untrusted' | 'no-encryption-key-usage';

export interface RecipientExplanation {
  email: string;
  status: RecipientStatus;
  /** Stable reason code for the UI; absent when found. */
  code?: ErrorCode;
  message: string;
  certificate?: AddressBookRecord;
  /** Why each stored certificate was passed over (when not found). */
  rejected: { sha256: string; status: Exclude<RecipientStatus, 'found' | 'missing'>; message: string }[];
}

export interface AddressBookOptions {
  store: AddressBookStore;
  env: Pick<CoreEnv, 'crypto' | 'now'>;
  /** When given, a certificate must validate for 'encrypt' (anchors, path, revocation) to be used. */
  validateChain?: ChainValidator;
  /** Intermediates to hand the validator (known CA certificates). */
  intermediates?: () => Uint8Array[];
}

export interface AddOptions {
  origin: CertificateOrigin;
  /** File under these addresses instead of the certificate's own (directory lookup, user import). */
  emails?: string[];
  /** SMIMEEncryptionKeyPreference of the message this certificate came with. */
  preference?: EncryptionKeyPreference;
  /** SMIMECapabilities of the verified message this certificate came with, and its signing time. */
  capabilities?: SeenCapabilities;
}

const REASONS: Record<Exclude<RecipientStatus, 'found'>, ErrorCode> = {
  missing: 'directory.no-certificate',
  expired: 'directory.certificate-expired',
  revoked: 'directory.certificate-revoked',
  untrusted: 'directory.certificate-untrusted',
  'no-encryption-key-usage': 'directory.no-encryption-key-usage',
};
const EKU_EMAIL = '1.3.6.1.5.5.7.3.4';
const EKU_ANY = '2.5.29.37.0';

export function createAddressBook(options: AddressBookOptions) {
  const { store, env } = options;
  const listeners = new Set<(change: CertificateChange) => void>();

  async function add(
    der: Uint8Array,
    opts: AddOptions,
  ): Promise<{ emails: string[]; changes: CertificateChange[] }> {
    const facts = await certificateFacts(der, env.crypto);
    const emails = unique(
      (opts.emails ?? [...facts.sanEmails, ...facts.subjectEmails])
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    );
    const now = env.now().getTime();
    const changes: CertificateChange[] = [];
    for (const email of emails) {
      const existing = await store.list(email);
      const same = existing.find((r) => r.sha256 === facts.sha256);
      const preferred =
        opts.preference && preferenceMatches(opts.preference, der, facts.subjectKeyIdentifier);
      const record: AddressBookRecord = same
        ? { ...same, lastSeenAt: now }
        : {
            email,
            certificate: der,
            sha256: facts.sha256,
            spkiSha256: facts.spkiSha256,
            subject: facts.subject,
            issuer: facts.issuer,
            serialNumber: facts.serialNumber,
            subjectKeyIdentifier: facts.subjectKeyIdentifier,
            notBefore: facts.notBefore.getTime(),
            notAfter: facts.notAfter.getTime(),
            keyAlgorithm: facts.keyAlgorithm,
            keyUsage: facts.keyUsage,
            extKeyUsage: facts.extKeyUsage,
            origin: opts.origin,
            addedAt: now,
            lastSeenAt: now,
            preferredAt: null,
            revocation: null,
          };
      if (preferred) record.preferredAt = now;
      // An older message read later (a search, a folder opened late) must not undo a newer one's list.
      if (opts.capabilities && (record.capabilities?.seenAt ?? -Infinity) <= opts.capabilities.seenAt)
        record.capabilities = { oids: [...opts.capabilities.oids], seenAt: opts.capabilities.seenAt };
      await store.put(record);
      if (!same && existing.length > 0) {
        const change = describeChange(email, existing, record);
        if (change) changes.push(change);
      }
    }
    for (const change of changes) for (const listener of listeners) listener(change);
    return { emails, changes };
  }

  async function assess(
    record: AddressBookRecord,
    at: Date,
  ): Promise<{ status: RecipientExplanation['rejected'][number]['status']; message: string } | null> {
    if (!canEncryptTo(record))
      return {
        status: 'no-encryption-key-usage',
        message: `${record.subject}: key usage does not allow encryption`,
      };
    if (at.getTime() < record.notBefore || at.getTime() > record.notAfter) {
      const when = new Date(record.notAfter).toISOString().slice(0, 10);
      return {
        status: 'expired',
        message:
          at.getTime() > record.notAfter
            ? `${record.subject}: expired on ${when}`
            : `${record.subject}: not valid yet`,
      };
    }
    if (record.revocation?.status === 'revoked')
      return { status: 'revoked', message: `${record.subject}: revoked` };
    if (options.validateChain) {
      const trust = await options.validateChain({
        certificate: record.certificate,
        intermediates: options.intermediates?.() ?? [],
        signingTime: null,
        usage: 'encrypt',
      });
      if (trust.revocation !== 'unchecked') await recordRevocation(record, trust.revocation);
      if (trust.revocation === 'revoked') return { status: 'revoked', message: `${record.subject}: revoked` };
      if (!trust.trusted)
        return {
          status: 'untrusted',
          message: `${record.subject}: ${trust.issues[0]?.message ?? 'does not chain to a trusted authority'}`,
        };
    }
    return null;
  }

  async function recordRevocation(record: AddressBookRecord, status: RevocationStatusName): Promise<void> {
    await store.put({ ...record, revocation: { status, checkedAt: env.now().getTime() } });
  }

  async function explain(email: string, at: Date): Promise<RecipientExplanation> {
    const key = email.trim().toLowerCase();
    // Preferred (latest SMIMEEncryptionKeyPreference) first, then the newest certificate.
    const records = (await store.list(key)).sort(
      (a, b) =>
        (b.preferredAt ?? -1) - (a.preferredAt ?? -1) || b.notBefore - a.notBefore || b.notAfter - a.notAfter,
    );
    if (records.length === 0)
      return {
        email: key,
        status: 'missing',
        code: REASONS.missing,
        message: `no certificate is known for ${key}`,
        rejected: [],
      };
    const rejected: RecipientExplanation['rejected'] = [];
    for (const record of records) {
      const problem = await assess(record, at);
      if (!problem)
        return {
          email: key,
          status: 'found',
          message: `encrypting to ${record.subject}`,
          certificate: record,
          rejected,
        };
      rejected.push({ sha256: record.sha256, ...problem });
    }
    const first = rejected[0]!;
    return {
      email: key,
      status: first.status,
      code: REASONS[first.status],
      message: first.message,
      rejected,
    };
  }

  return {
    /** Adds a certificate from a file the user imported or from the directory. */
    addCertificate: add,
    /**
     * Files the certificates of a signed message whose signature verified: the signer's, under the
     * addresses in it, and the one SMIMEEncryptionKeyPreference names, as preferred. The signer's
     * SMIMECapabilities are kept with both, dated by the message's signing time (`signingTime`).
     */
    async harvestFromVerifiedMessage(input: {
      signerCertificate: Uint8Array;
      certificates?: Uint8Array[];
      preference?: EncryptionKeyPreference;
      capabilities?: string[];
      signingTime?: Date | null;
    }) {
      const changes: CertificateChange[] = [];
      const nowMs = env.now().getTime();
      // A signing time in the future would pin this list against every later message: clamp it.
      const seenAt = Math.min(input.signingTime?.getTime() ?? nowMs, nowMs);
      const capabilities = input.capabilities ? { capabilities: { oids: input.capabilities, seenAt } } : {};
      const signer = await add(input.signerCertificate, {
        origin: 'harvested',
        ...(input.preference ? { preference: input.preference } : {}),
        ...capabilities,
      });
      changes.push(...signer.changes);
      if (input.preference) {
        for (const der of input.certificates ?? []) {
          const facts = await certificateFacts(der, env.crypto);
          if (
            equalBytes(der, input.signerCertificate) ||
            !preferenceMatches(input.preference, der, facts.subjectKeyIdentifier)
          )
            continue;
          // The encryption certificate is filed under the signer's addresses: the sender named it.
          changes.push(
            ...(
              await add(der, {
                origin: 'harvested',
                emails: signer.emails,
                preference: input.preference,
                ...capabilities,
              })
            ).changes,
          );
        }
      }
      return { emails: signer.emails, changes };
    },
    /**
     * What the correspondent's mail client can decrypt, from the newest verified message of theirs
     * that listed SMIMECapabilities (whichever of their certificates it came with); undefined when
     * no such message was read.
     */
    async capabilitiesFor(email: string): Promise<string[] | undefined> {
      let newest: SeenCapabilities | undefined;
      for (const r of await store.list(email.trim().toLowerCase()))
        if (r.capabilities && (!newest || r.capabilities.seenAt > newest.seenAt)) newest = r.capabilities;
      return newest?.oids;
    },
    async certificatesFor(email: string): Promise<AddressBookRecord[]> {
      return store.list(email.trim().toLowerCase());
    },
    async pickEncryptionCertificate(email: string, now: Date): Promise<AddressBookRecord | null> {
      return (await explain(email, now)).certificate ?? null;
    },
    async explainRecipients(emails: string[], now: Date = env.now()): Promise<RecipientExplanation[]> {
      return Promise.all(emails.map((e) => explain(e, now)));
    },
    async recordRevocation(email: string, sha256: string, status: RevocationStatusName): Promise<void> {
      const record = (await store.list(email.trim().toLowerCase())).find((r) => r.sha256 === sha256);
      if (record) await recordRevocation(record, status);
    },
    async remove(email: string, sha256: string): Promise<void> {
      await store.remove(email.trim().toLowerCase(), sha256);
    },
    onChange(listener: (change: CertificateChange) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type AddressBook = ReturnType<typeof createAddressBook>;

function describeChange(
  email: string,
  previous: AddressBookRecord[],
  current: AddressBookRecord,
): CertificateChange | null {
  if (!previous.some((r) => r.spkiSha256 === current.spkiSha256))
    return { email, kind: 'new-key', previous, current };
  if (!previous.some((r) => r.issuer === current.issuer))
    return { email, kind: 'new-issuer', previous, current };
  return null; // same key, same issuer: a renewal
}

/** RFC 8550 §4.4.2: keyEncipherment (RSA) or keyAgreement (ECDH); EKU, when present, must allow email. */
function canEncryptTo(record: AddressBookRecord): boolean {
  if (record.extKeyUsage && !record.extKeyUsage.includes(EKU_EMAIL) && !record.extKeyUsage.includes(EKU_ANY))
    return false;
  if (!record.keyUsage) return true;
  const needed =
    record.keyAlgorithm === 'EC' || record.keyAlgorithm.startsWith('X') ? 'keyAgreement' : 'keyEncipherment';
  return record.keyUsage.includes(needed);
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
