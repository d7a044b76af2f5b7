/** The handler for every request type; the router has already checked the sender and the schema. */
import { fromBase64 } from '../../shared/bytes';
import { defaultEnv } from '../../shared/env';
import { SelloError } from '../../shared/errors';
import { importTrustFile } from '../../shared/pki/trust-import';
import {
  addTrustAnchors,
  importRecipientCertificates,
  listRecipientCertificates,
  listTrustAnchors,
  removeRecipientCertificate,
  removeTrustAnchor,
} from './certificate-store';
import { readCertificateFile } from './certificate-file';
import { listChanges, resolveChange } from './certificate-changes';
import { stageAttachmentSlice, withStagedAttachments } from './attachment-staging';
import { deleteDraft, loadDraft, saveDraft } from './drafts';
import { recipientStatus, sendDraft } from './jobs/compose-jobs';
import {
  exportIdentity,
  importIdentityFile,
  listIdentities,
  setDefaultSigning,
  setEncryptionFor,
} from './jobs/identity-jobs';
import { openForReading, stageMessage } from './jobs/read-jobs';
import { keystoreStatus, lock, removeIdentity, setPassphrase, unlock } from './keystore';
import type { HandlerContext, Handlers } from './message-router';
import { owaJobs, preparePendingAttachments, preparePendingReply } from './graph/owa-jobs';
import { trackSend } from './graph/owa-tabs';
import type { SettingsView } from './replies';
import { currentSettings, effectiveSettings, setUserSetting } from './settings';
import { setTransportUrl, transportUrl } from './transport';

async function settingsView(): Promise<SettingsView> {
  const e = await effectiveSettings();
  return { values: { ...e.values }, locked: [...e.locked], managedIssues: e.managedIssues };
}

async function statusWithPolicy() {
  return { ...(await keystoreStatus()), requirePassphrase: (await currentSettings()).requirePassphrase };
}

export const handlers: Handlers = {
  'keystore.status': statusWithPolicy,
  'keystore.unlock': async (r) => {
    await unlock(r.passphrase);
    return keystoreStatus();
  },
  'keystore.lock': async () => {
    lock();
    return keystoreStatus();
  },
  'keystore.set-passphrase': async (r) => {
    if (r.next === null && (await currentSettings()).requirePassphrase) {
      throw new SelloError('keystore.passphrase-required', 'Your organisation requires a passphrase.');
    }
    await setPassphrase(r.current, r.next);
    return keystoreStatus();
  },
  'identities.list': listIdentities,
  'identities.import-pkcs12': (r) => importIdentityFile(r.file, r.password),
  'identities.export-pkcs12': (r) => exportIdentity(r.id, r.password),
  'identities.remove': async (r) => {
    await removeIdentity(r.id);
    return listIdentities();
  },
  'identities.set-default-signing': (r) => setDefaultSigning(r.id),
  'identities.set-encryption-for': (r) => setEncryptionFor(r.address, r.id),
  'recipients.list': listRecipientCertificates,
  'recipients.import': async (r) => ({
    imported: await importRecipientCertificates(readCertificateFile(fromBase64(r.file))),
  }),
  'recipients.remove': async (r) => {
    await removeRecipientCertificate(r.fingerprint);
    return listRecipientCertificates();
  },
  'recipients.changes': listChanges,
  'recipients.resolve-change': (r) => resolveChange(r.address, r.decision),
  'trust.list': async () => listTrustAnchors((await currentSettings()).trustAnchors),
  'trust.import': async (r) => {
    // shared/pki reads what administrators are handed (SST stores, P7B, PEM bundles, DER) and refuses
    // expired certificates; only CA certificates may become anchors here.
    const file = await importTrustFile(fromBase64(r.file), r.fileName, defaultEnv());
    const cas = file.certificates.filter((c) => c.isCA);
    const imported = await addTrustAnchors(cas.map((c) => c.der));
    const refused = [
      ...file.refused.map((x) => ({ subject: x.subject, reason: x.reason })),
      ...file.certificates
        .filter((c) => !c.isCA)
        .map((c) => ({ subject: c.subject, reason: `${c.subject} is not a certificate authority.` })),
    ];
    return { imported, refused };
  },
  'trust.remove': async (r) => {
    await removeTrustAnchor(r.fingerprint);
    return listTrustAnchors((await currentSettings()).trustAnchors);
  },
  'settings.get': settingsView,
  'settings.set': async (r) => {
    await setUserSetting(r.key, r.value);
    return settingsView();
  },
  'transport.get': async () => ({ url: await transportUrl() }),
  'transport.set': async (r) => ({ url: await setTransportUrl(r.url) }),
  'compose.recipient-status': (r) => recipientStatus(r.addresses),
  'compose.stage-attachment': async (r) => {
    stageAttachmentSlice(r.draftId, r.index, r.slice, r.first);
    return null;
  },
  'compose.send': (r) =>
    trackSend(r.draftId, () =>
      sendDraft(r.draftId, r.staged ? withStagedAttachments(r.draftId, r.draft) : r.draft),
    ),
  'drafts.save': async (r) => ({ savedAt: await saveDraft(r.draftId, r.draft, r.keepAttachments) }),
  'drafts.load': async (r) => {
    // An OWA reply's draft is built when its frame first asks, so only the frame learns the outcome.
    await preparePendingReply(r.draftId);
    // An OWA compose's server-draft attachments likewise: taken over now, and what was not is told.
    const notTakenOver = await preparePendingAttachments(r.draftId);
    const saved = await loadDraft(r.draftId);
    return saved && { ...saved, notTakenOver };
  },
  'drafts.delete': async (r) => {
    await deleteDraft(r.draftId);
    return null;
  },
  'read.stage': async (r) => ({ token: stageMessage(r.message) }),
  'read.open': (r) => openForReading(r.source),
  'owa.status': () => owaJobs.status(),
  'owa.sign-in': () => owaJobs.signIn(),
  'owa.sign-out': () => owaJobs.signOut(),
  'owa.open': (r, c) => owaJobs.open(tabOf(c), r.messageId),
  'owa.compose': (r, c) => owaJobs.compose(tabOf(c), r.prefill, r.owaDraftId),
  'owa.delete-draft': (r, c) => owaJobs.deleteDraft(tabOf(c), r.owaDraftId),
  'owa.reply': (r, c) => owaJobs.reply(tabOf(c), r.messageId),
};

function tabOf(c: HandlerContext): number {
  if (c.tabId === null) throw new SelloError('message.sender-refused', 'Message refused: not from a tab.');
  return c.tabId;
}
