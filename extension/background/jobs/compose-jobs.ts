/**
 * Sending from the secure compose frame: choose certificates, build the MIME, sign and/or encrypt it
 * in the core, hand it to the transport. Any failure leaves the draft in place (the frame keeps
 * everything too) and comes back as a SelloError the frame localises.
 */
import { fromBase64 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { SelloError } from '../../../shared/errors';
import type { Settings } from '../../../shared/policy/settings-definition';
import { addressBook } from '../address-book';
import { summarizeCertificate } from '../certificate-summary';
import { buildMail, chainValidator, encryptMail, signMail } from '../core';
import { trustAnchors } from '../certificate-store';
import { deleteDraft, saveDraft } from '../drafts';
import { getIdentity, keyPreferences, listIdentityRecords } from '../keystore';
import type { Draft } from '../messages';
import type { RecipientStatusView } from '../replies';
import { currentSettings } from '../settings';
import { currentTransport } from '../transport';
import { listIdentities } from './identity-jobs';

interface Choice extends RecipientStatusView {
  der: Uint8Array | null;
}

/**
 * Our own addresses encrypt to our own certificate (the one chosen per address in the options);
 * everybody else goes through the address book, which also says why a recipient is blocked.
 */
async function chooseCertificates(addresses: string[], now: Date): Promise<Choice[]> {
  const own = new Map<string, Uint8Array>();
  const prefs = await keyPreferences();
  for (const v of await listIdentities()) {
    if (!v.canEncrypt || v.expiresInDays < 0) continue;
    const rec = (await listIdentityRecords()).find((r) => r.id === v.id);
    for (const email of v.emails) {
      if (rec && (prefs.encryptionFor[email] ?? v.id) === v.id && !own.has(email))
        own.set(email, rec.certificate);
    }
  }
  const others = addresses.filter((a) => !own.has(a.toLowerCase()));
  // With trust anchors configured, a recipient's certificate must chain to one (and not be revoked);
  // without any, every stored certificate counts (the user imported or harvested it on purpose).
  const settings = await currentSettings();
  const anchors = (await trustAnchors(settings.trustAnchors)).map((a) => a.der);
  const validate = anchors.length > 0 ? chainValidator(anchors, settings, defaultEnv()) : undefined;
  const explained = await addressBook(validate).explainRecipients(others, now);
  const byAddress = new Map(explained.map((e) => [e.email, e]));
  const out: Choice[] = [];
  for (const address of addresses) {
    const a = address.toLowerCase();
    const mine = own.get(a);
    if (mine) {
      out.push({
        address,
        state: 'found',
        reason: 'your own certificate',
        certificate: await summarizeCertificate(mine, now),
        der: mine,
      });
      continue;
    }
    const e = byAddress.get(a)!;
    const der = e.certificate?.certificate ?? null;
    out.push({
      address,
      state: e.status,
      reason: e.message,
      certificate: der ? await summarizeCertificate(der, now) : null,
      der,
    });
  }
  return out;
}

export async function recipientStatus(addresses: string[]): Promise<RecipientStatusView[]> {
  return (await chooseCertificates(addresses, new Date())).map(({ der: _der, ...view }) => view);
}

async function signingIdentityId(settings: Settings): Promise<string> {
  const views = (await listIdentities()).filter((v) => v.canSign && v.expiresInDays >= 0);
  const chosen = settings.allowUserChoiceOfSigningCertificate
    ? (views.find((v) => v.isDefaultSigning) ?? views[0])
    : views[0]; // listIdentities is newest first: policy says "the newest valid one".
  if (!chosen)
    throw new SelloError('keystore.no-signing-certificate', 'You have no valid certificate for signing.');
  return chosen.id;
}

/** The browser's own base64 decoder (a data: URL): several times faster than script for big attachments. */
async function decodeBase64(b64: string): Promise<Uint8Array> {
  if (b64.length < 65536) return fromBase64(b64);
  const res = await fetch(`data:application/octet-stream;base64,${b64}`);
  return new Uint8Array(await res.arrayBuffer());
}

const HASH = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;

export async function sendDraft(draftId: string, draft: Draft) {
  try {
    return await signEncryptAndSend(draftId, draft);
  } catch (e) {
    // Whatever failed, what the user wrote is kept (sealed) for the next attempt.
    await saveDraft(draftId, draft);
    throw e;
  }
}

async function signEncryptAndSend(draftId: string, draft: Draft) {
  const settings = await currentSettings();
  const sign = draft.sign || settings.alwaysSign;
  const encrypt = draft.encrypt || settings.alwaysEncrypt;
  const now = new Date();
  const env = defaultEnv();
  const recipients = [...draft.to, ...draft.cc, ...draft.bcc];
  if (recipients.length === 0) throw new SelloError('message.no-recipients', 'Add at least one recipient.');

  const signerId = await signingIdentityId(settings);
  const signer = await getIdentity(signerId);
  const signerView = (await listIdentities()).find((v) => v.id === signerId);
  const from = signerView?.emails[0];
  if (!from)
    throw new SelloError('cert.no-address', 'Your certificate carries no email address to send from.');

  let mime = buildMail({
    from,
    to: draft.to,
    cc: draft.cc,
    subject: draft.subject,
    date: now,
    html: draft.html,
    text: draft.text,
    attachments: await Promise.all(
      draft.attachments.map(async (a) => ({ name: a.name, type: a.type, data: await decodeBase64(a.data) })),
    ),
  });

  let encryptionCerts: Uint8Array[] = [];
  if (encrypt) {
    const blocked: string[] = [];
    // Encrypt to self too, or the sender cannot read their own Sent Items.
    for (const c of await chooseCertificates(
      [...new Set([...recipients.map((r) => r.toLowerCase()), from])],
      now,
    )) {
      if (c.der) encryptionCerts.push(c.der);
      else blocked.push(`${c.address} (${c.reason})`);
    }
    if (blocked.length > 0) {
      throw new SelloError(
        'smime.recipient-without-certificate',
        `No usable certificate for: ${blocked.join(', ')}.`,
      );
    }
    encryptionCerts = encryptionCerts.filter((c, i) => encryptionCerts.indexOf(c) === i);
  }

  if (sign) {
    const ownEnc = (await chooseCertificates([from], now)).flatMap((c) => (c.der ? [c.der] : []));
    mime = await signMail(
      mime,
      signer,
      {
        form: settings.signingForm,
        hash: HASH[settings.signingHash],
        pss: settings.rsaPss,
        chain: settings.certificateInclusion,
        ...(settings.includeEncryptionCertificate && ownEnc[0] ? { encryptionCertificate: ownEnc[0] } : {}),
      },
      env,
    );
  }
  if (encrypt) {
    mime = await encryptMail(
      mime,
      encryptionCerts,
      {
        cipher: settings.encryptionAlgorithm,
        keyTransport: settings.keyTransport,
        recipientId: settings.useKeyIdentifier ? 'ski' : 'issuer-serial',
      },
      env,
    );
  }
  await (await currentTransport()).send(mime, { from, recipients });
  await deleteDraft(draftId);
  return { bytes: mime.length, signed: sign, encrypted: encrypt };
}
