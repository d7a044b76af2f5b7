/**
 * Importing trust anchors and intermediates from the files admins have: Microsoft SST stores, PKCS#7
 * bundles (DER or PEM), PEM bundles and single DER certificates. Like Exchange's
 * Set-SmimeConfig -SMIMECertificateIssuingCA, expired certificates are refused by name; duplicates
 * (same SHA-256 fingerprint) are kept once.
 */
import { fromUtf8, looksLikePem, pemDecodeAll } from '../bytes';
import type { CoreEnv } from '../env';
import { SelloError } from '../errors';
import { isCA, parseCertificate, sha256Fingerprint, subjectOf } from './certificate';
import { looksLikeP7b, parseP7b } from './p7b';
import { looksLikeSst, parseSst } from './sst';

export type TrustFileFormat = 'sst' | 'p7b' | 'pem' | 'der';

export interface TrustEntry {
  der: Uint8Array;
  subject: string;
  /** SHA-256 of the DER, upper-case hex without separators. */
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  friendlyName?: string;
}

export interface RefusedCertificate {
  subject: string;
  fingerprint: string;
  reason: string;
}

export interface TrustImport {
  format: TrustFileFormat;
  certificates: TrustEntry[];
  refused: RefusedCertificate[];
}

const PEM_CERT_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);
const PEM_P7_LABELS = new Set(['PKCS7', 'PKCS #7 SIGNED DATA', 'CMS']);

function readContainer(
  bytes: Uint8Array,
  fileName: string,
): { format: TrustFileFormat; items: { der: Uint8Array; friendlyName?: string }[] } {
  if (bytes.length === 0) throw new SelloError('trust.empty-file', `${fileName} is empty.`);
  if (looksLikeSst(bytes)) return { format: 'sst', items: parseSst(bytes) };
  if (looksLikePem(bytes)) {
    const items: { der: Uint8Array }[] = [];
    let p7 = false;
    for (const block of pemDecodeAll(fromUtf8(bytes))) {
      if (PEM_CERT_LABELS.has(block.label)) {
        // Some tools label a PKCS#7 bundle "CERTIFICATE": look at the content, not only the label.
        if (looksLikeP7b(block.der)) {
          p7 = true;
          items.push(...parseP7b(block.der).map((der) => ({ der })));
        } else items.push({ der: block.der });
      } else if (PEM_P7_LABELS.has(block.label)) {
        p7 = true;
        items.push(...parseP7b(block.der).map((der) => ({ der })));
      }
    }
    if (items.length === 0)
      throw new SelloError('pem.no-certificates', `${fileName} holds no PEM certificate or PKCS#7 block.`);
    return { format: p7 ? 'p7b' : 'pem', items };
  }
  if (looksLikeP7b(bytes)) return { format: 'p7b', items: parseP7b(bytes).map((der) => ({ der })) };
  // A .sst that is neither a store nor PKCS#7 (some tools write that) is a broken store: say so.
  if (/\.sst$/i.test(fileName)) return { format: 'sst', items: parseSst(bytes) };
  return { format: 'der', items: [{ der: bytes }] };
}

export async function importTrustFile(
  bytes: Uint8Array,
  fileName: string,
  env: CoreEnv,
): Promise<TrustImport> {
  const { format, items } = readContainer(bytes, fileName);
  const now = env.now().getTime();
  const seen = new Set<string>();
  const certificates: TrustEntry[] = [];
  const refused: RefusedCertificate[] = [];
  for (const [index, item] of items.entries()) {
    const cert = parseCertificate(item.der, `certificate #${index + 1} in ${fileName}`);
    const fingerprint = await sha256Fingerprint(item.der, env);
    if (seen.has(fingerprint)) continue;
    seen.add(fingerprint);
    const subject = subjectOf(cert);
    const notAfter = cert.notAfter.value;
    if (notAfter.getTime() < now) {
      refused.push({
        subject,
        fingerprint,
        reason: `The certificate "${subject}" expired on ${notAfter.toISOString()} and cannot be a trust anchor.`,
      });
      continue;
    }
    certificates.push({
      der: item.der,
      subject,
      fingerprint,
      notBefore: cert.notBefore.value,
      notAfter,
      isCA: isCA(cert),
      ...(item.friendlyName ? { friendlyName: item.friendlyName } : {}),
    });
  }
  return { format, certificates, refused };
}

/** Several files at once (the CLI, policy tooling): duplicates across files are kept once too. */
export async function importTrustFiles(
  files: { bytes: Uint8Array; fileName: string }[],
  env: CoreEnv,
): Promise<{ certificates: TrustEntry[]; refused: RefusedCertificate[] }> {
  const certificates: TrustEntry[] = [];
  const refused: RefusedCertificate[] = [];
  const seen = new Set<string>();
  for (const f of files) {
    const result = await importTrustFile(f.bytes, f.fileName, env);
    for (const c of result.certificates)
      if (!seen.has(c.fingerprint)) {
        seen.add(c.fingerprint);
        certificates.push(c);
      }
    refused.push(...result.refused);
  }
  return { certificates, refused };
}
