/**
 * Harvesting from an opened message: the certificates of every signature that verified go into the
 * address book, and the one the signer named in SMIMEEncryptionKeyPreference (often a separate
 * encryption certificate the message carries) is filed as preferred, with the signer's SMIMECapabilities
 * (what their client can decrypt, for choosing the cipher). An unverified or weak signature
 * could be anybody's, so nothing of it is kept.
 */
import type { Verdict } from '../smime/verdict';
import type { AddressBook, CertificateChange } from './address-book';

export async function harvestVerdict(
  book: Pick<AddressBook, 'harvestFromVerifiedMessage'>,
  verdict: Verdict,
): Promise<CertificateChange[]> {
  if (!verdict.valid) return [];
  const changes: CertificateChange[] = [];
  for (const layer of verdict.layers) {
    // An ignored outer signature (around ciphertext) says nothing about the correspondent.
    if (layer.kind !== 'signed' || layer.ignored) continue;
    for (const signer of layer.signers) {
      if (!signer.intact || signer.weak || !signer.certificate) continue;
      const result = await book.harvestFromVerifiedMessage({
        signerCertificate: signer.certificate,
        certificates: layer.certificates ?? [],
        ...(signer.encryptionKeyPreference ? { preference: signer.encryptionKeyPreference } : {}),
        ...(signer.capabilities ? { capabilities: signer.capabilities } : {}),
        signingTime: signer.signingTime,
      });
      changes.push(...result.changes);
    }
  }
  return changes;
}
