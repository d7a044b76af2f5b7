/**
 * Trust anchors: the user's own (IndexedDB) and the organisation's (`trustAnchors` setting), and the
 * correspondents' certificates as the options page lists them (kept by the address book).
 */
import { pemDecodeAll } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';
import { fingerprintOf, summarizeCertificate, type CertificateSummary } from './certificate-summary';
import { addressBook, allRecords, removeCertificateEverywhere } from './address-book';
import { forgetChangesNaming, recordChanges } from './certificate-changes';
import { database } from './database';
import type { CertificateView } from './replies';

export async function addTrustAnchors(ders: Uint8Array[]): Promise<CertificateView[]> {
  const now = new Date();
  const added: CertificateView[] = [];
  const db = await database();
  for (const der of ders) {
    const summary = await summarizeCertificate(der, now);
    if (!summary.isCA) throw new SelloError('trust.not-ca', `${summary.subject} is not a CA certificate.`);
    await db.put('trust', {
      fingerprint: summary.fingerprint,
      der,
      emails: summary.emails,
      addedAt: now.toISOString(),
      source: 'imported',
    });
    added.push({ ...summary, source: 'imported' });
  }
  return added;
}

export async function removeTrustAnchor(fingerprint: string): Promise<void> {
  await (await database()).delete('trust', fingerprint);
}

export async function importRecipientCertificates(ders: Uint8Array[]): Promise<CertificateView[]> {
  const book = addressBook();
  const now = new Date();
  const out: CertificateView[] = [];
  for (const der of ders) {
    // An imported file that moves a correspondent to another key or issuer is kept beside the old
    // certificate and asked about when composing to them, as a harvested one would be.
    await recordChanges((await book.addCertificate(der, { origin: 'imported' })).changes, 'imported');
    out.push({ ...(await summarizeCertificate(der, now)), source: 'imported' });
  }
  return out;
}

export async function listRecipientCertificates(): Promise<CertificateView[]> {
  const now = new Date();
  return Promise.all(
    (await allRecords()).map(async (r) => ({
      ...(await summarizeCertificate(r.certificate, now)),
      source: r.origin,
    })),
  );
}

export async function removeRecipientCertificate(sha256: string): Promise<void> {
  await removeCertificateEverywhere(sha256);
  await forgetChangesNaming(sha256);
}

/** The organisation's anchors (policy, PEM) first, then the user's own. */
export async function trustAnchors(
  organisationPem: string[],
): Promise<{ der: Uint8Array; source: 'organisation' | 'imported' }[]> {
  const org = organisationPem.flatMap((p) => pemDecodeAll(p).map((b) => b.der));
  const user = (await (await database()).getAll('trust')).map((r) => r.der);
  return [
    ...org.map((der) => ({ der, source: 'organisation' as const })),
    ...user.map((der) => ({ der, source: 'imported' as const })),
  ];
}

export async function listTrustAnchors(organisationPem: string[]): Promise<CertificateView[]> {
  const now = new Date();
  const seen = new Set<string>();
  const out: CertificateView[] = [];
  for (const a of await trustAnchors(organisationPem)) {
    const fp = await fingerprintOf(a.der);
    if (seen.has(fp)) continue;
    seen.add(fp);
    const s: CertificateSummary = await summarizeCertificate(a.der, now);
    out.push({ ...s, source: a.source === 'organisation' ? 'organisation' : 'imported' });
  }
  return out;
}
