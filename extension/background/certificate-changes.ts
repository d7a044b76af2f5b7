/**
 * Correspondents' certificate changes in the extension: shared/directory/certificate-changes.ts over
 * an IndexedDB store (it outlives the service worker), and the JSON views the frames draw.
 */
import type { CertificateChange } from '../../shared/directory/address-book';
import type { CertificateOrigin } from '../../shared/directory/address-book-store';
import {
  previousStillValid,
  recordCertificateChanges,
  resolveCertificateChange,
  type CertificateBrief,
  type CertificateChangeStore,
  type ChangeDecision,
  type PendingCertificateChange,
} from '../../shared/directory/certificate-changes';
import { idbAddressBookStore } from './address-book';
import { database } from './database';
import type { CertificateBriefView, CertificateChangeView } from './replies';

export const idbCertificateChangeStore: CertificateChangeStore = {
  async get(email) {
    return (await database()).get('certificate-changes', email);
  },
  async put(change) {
    await (await database()).put('certificate-changes', change);
  },
  async remove(email) {
    await (await database()).delete('certificate-changes', email);
  },
  async list() {
    return (await database()).getAll('certificate-changes');
  },
};

/** The first CN of a name as certificateFacts formats it ("O=Tests, CN=Root CA"), unescaped. */
function commonNameOf(name: string): string | null {
  const cn = /(?:^|, )CN=((?:\\.|[^,\\])+)/.exec(name)?.[1];
  return cn ? cn.replace(/\\(.)/g, '$1') : null;
}

function briefView(b: CertificateBrief): CertificateBriefView {
  return {
    fingerprint: b.sha256,
    subject: b.subject,
    commonName: commonNameOf(b.subject),
    issuer: b.issuer,
    issuerName: commonNameOf(b.issuer) ?? b.issuer,
    notAfter: new Date(b.notAfter).toISOString(),
  };
}

export function changeView(c: PendingCertificateChange, now: Date): CertificateChangeView {
  return {
    email: c.email,
    kind: c.kind,
    previous: briefView(c.previous),
    current: briefView(c.current),
    detectedAt: new Date(c.detectedAt).toISOString(),
    origin: c.origin,
    canKeepPrevious: previousStillValid(c, now),
  };
}

/** Keeps what the address book reported (harvest, import, directory) until the user answers. */
export async function recordChanges(changes: CertificateChange[], origin: CertificateOrigin): Promise<void> {
  if (changes.length > 0)
    await recordCertificateChanges(idbCertificateChangeStore, changes, origin, new Date());
}

/** Unconfirmed changes for these addresses (any case), by lower-cased address. */
export async function pendingChangesFor(emails: string[]): Promise<Map<string, PendingCertificateChange>> {
  const out = new Map<string, PendingCertificateChange>();
  for (const e of new Set(emails.map((x) => x.trim().toLowerCase()))) {
    const c = await idbCertificateChangeStore.get(e);
    if (c) out.set(e, c);
  }
  return out;
}

export async function listChanges(): Promise<CertificateChangeView[]> {
  const now = new Date();
  return (await idbCertificateChangeStore.list()).map((c) => changeView(c, now));
}

export async function resolveChange(
  email: string,
  decision: ChangeDecision,
): Promise<CertificateChangeView[]> {
  await resolveCertificateChange(idbCertificateChangeStore, idbAddressBookStore, email, decision, new Date());
  return listChanges();
}

/**
 * A certificate the user removed in the options page can no longer be chosen or kept: a change that
 * names it is void (if another certificate differs again, the next harvest reports it again).
 */
export async function forgetChangesNaming(sha256: string): Promise<void> {
  for (const c of await idbCertificateChangeStore.list())
    if (c.current.sha256 === sha256 || c.previous.sha256 === sha256)
      await idbCertificateChangeStore.remove(c.email);
}
