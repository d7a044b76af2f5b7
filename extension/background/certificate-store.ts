/**
 * Correspondents' certificates (imported by the user or harvested from verified signed mail) and the
 * user's own trust anchors. The organisation's anchors come from the `trustAnchors` setting.
 */
import { pemDecodeAll } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';
import { fingerprintOf, summarizeCertificate, type CertificateSummary } from './certificate-summary';
import { database, type CertificateRecord } from './database';
import type { CertificateView } from './replies';

export async function addCertificates(
  store: 'recipients' | 'trust',
  ders: Uint8Array[],
  source: CertificateRecord['source'],
): Promise<CertificateView[]> {
  const now = new Date();
  const added: CertificateView[] = [];
  const db = await database();
  for (const der of ders) {
    const summary = await summarizeCertificate(der, now);
    if (store === 'trust' && !summary.isCA) {
      throw new SelloError('trust.not-ca', `${summary.subject} is not a CA certificate.`);
    }
    await db.put(store, {
      fingerprint: summary.fingerprint,
      der,
      emails: summary.emails,
      addedAt: now.toISOString(),
      source,
    });
    added.push({ ...summary, source });
  }
  return added;
}

export async function listCertificates(store: 'recipients' | 'trust'): Promise<CertificateView[]> {
  const now = new Date();
  const records = await (await database()).getAll(store);
  return Promise.all(
    records.map(async (r) => ({ ...(await summarizeCertificate(r.der, now)), source: r.source })),
  );
}

export async function removeCertificate(store: 'recipients' | 'trust', fingerprint: string): Promise<void> {
  await (await database()).delete(store, fingerprint);
}

export async function certificatesFor(address: string): Promise<Uint8Array[]> {
  const recs = await (await database()).getAllFromIndex('recipients', 'email', address.toLowerCase());
  return recs.map((r) => r.der);
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
