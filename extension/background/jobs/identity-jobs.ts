/** Importing, listing, exporting and removing the user's own certificates with their keys. */
import { fromBase64, toBase64 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { SelloError } from '../../../shared/errors';
import { summarizeCertificate } from '../certificate-summary';
import { exportPkcs12, importPkcs12 } from '../core';
import {
  addIdentities,
  getIdentity,
  keyPreferences,
  keystoreStatus,
  listIdentityRecords,
  saveKeyPreferences,
} from '../keystore';
import type { IdentityView } from '../replies';
import { currentSettings } from '../settings';

export async function listIdentities(): Promise<IdentityView[]> {
  const now = new Date();
  const prefs = await keyPreferences();
  const records = await listIdentityRecords();
  const views = await Promise.all(
    records.map(async (r): Promise<IdentityView> => ({
      ...(await summarizeCertificate(r.certificate, now)),
      id: r.id,
      friendlyName: r.friendlyName,
      chainLength: r.chain.length,
      protection: r.protection,
      isDefaultSigning: prefs.defaultSigning === r.id,
      encryptionFor: Object.entries(prefs.encryptionFor)
        .filter(([, id]) => id === r.id)
        .map(([a]) => a),
    })),
  );
  return views.sort((a, b) => b.notAfter.localeCompare(a.notAfter));
}

export async function importIdentityFile(file: string, password: string) {
  const settings = await currentSettings();
  if (!settings.allowSoftCertificates) {
    throw new SelloError(
      'keystore.soft-certificates-disabled',
      'Your organisation does not allow software certificates.',
    );
  }
  const status = await keystoreStatus();
  if (settings.requirePassphrase && !status.hasPassphrase) {
    throw new SelloError('keystore.passphrase-required', 'Set a passphrase before importing keys.');
  }
  const result = await importPkcs12(fromBase64(file), password, defaultEnv());
  if (result.identities.length === 0) {
    throw new SelloError('pkcs12.no-key', 'The file holds no certificate with its private key.');
  }
  const ids = await addIdentities(result.identities);
  // Issuers shipped in the bag help recipients build the chain; they are not trusted because of it.
  const prefs = await keyPreferences();
  if (!prefs.defaultSigning) {
    const firstSigning = (await listIdentities()).find((v) => ids.includes(v.id) && v.canSign);
    if (firstSigning) prefs.defaultSigning = firstSigning.id;
  }
  for (const v of await listIdentities()) {
    if (!ids.includes(v.id) || !v.canEncrypt) continue;
    for (const address of v.emails) prefs.encryptionFor[address] ??= v.id;
  }
  await saveKeyPreferences(prefs);
  const all = await listIdentities();
  return {
    imported: all.filter((v) => ids.includes(v.id)),
    legacyProtection: result.legacyProtection,
    extraCertificates: result.certificates.length,
  };
}

export async function exportIdentity(id: string, password: string) {
  const identity = await getIdentity(id);
  const der = await exportPkcs12(identity, password, defaultEnv());
  const summary = await summarizeCertificate(identity.certificate, new Date());
  const base = (summary.emails[0] ?? summary.commonName ?? 'sello').replace(/[^\w.@-]+/g, '_');
  return { file: toBase64(der), fileName: `${base}-backup.p12` };
}

export async function setDefaultSigning(id: string): Promise<IdentityView[]> {
  const views = await listIdentities();
  const v = views.find((x) => x.id === id);
  if (!v) throw new SelloError('keystore.not-found', 'This certificate is no longer in Sello.');
  if (!v.canSign)
    throw new SelloError('cert.not-for-signing', 'This certificate may not be used for signing.');
  const prefs = await keyPreferences();
  prefs.defaultSigning = id;
  await saveKeyPreferences(prefs);
  return listIdentities();
}

export async function setEncryptionFor(address: string, id: string): Promise<IdentityView[]> {
  const v = (await listIdentities()).find((x) => x.id === id);
  if (!v) throw new SelloError('keystore.not-found', 'This certificate is no longer in Sello.');
  if (!v.canEncrypt)
    throw new SelloError('cert.not-for-encryption', 'This certificate may not be used for encryption.');
  const a = address.toLowerCase();
  if (!v.emails.includes(a))
    throw new SelloError('cert.address-mismatch', `This certificate is not issued to ${a}.`);
  const prefs = await keyPreferences();
  prefs.encryptionFor[a] = id;
  await saveKeyPreferences(prefs);
  return listIdentities();
}
