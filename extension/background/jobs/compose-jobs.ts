/**
 * Sending from the secure compose frame: choose certificates, build the MIME, sign and/or encrypt it
 * in the core, hand it to the transport. Any failure leaves the draft in place (the frame keeps
 * everything too) and comes back as a SelloError the frame localises.
 */
import { fromBase64 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { SelloError } from '../../../shared/errors';
import type { Settings } from '../../../shared/policy/settings-definition';
import { summarizeCertificate, type CertificateSummary } from '../certificate-summary';
import { certificatesFor } from '../certificate-store';
import { buildMail, encryptMail, signMail } from '../core';
import { deleteDraft } from '../drafts';
import { getIdentity, keyPreferences, listIdentityRecords } from '../keystore';
import type { Draft } from '../messages';
import type { RecipientStatusView } from '../replies';
import { currentSettings } from '../settings';
import { currentTransport } from '../transport';
import { listIdentities } from './identity-jobs';

interface Candidate {
  der: Uint8Array;
  summary: CertificateSummary;
}

/** Every certificate we hold for an address: imported/harvested ones and, for our own, our identities. */
async function candidatesFor(address: string, now: Date): Promise<Candidate[]> {
  const a = address.toLowerCase();
  const ders = [...(await certificatesFor(a))];
  const prefs = await keyPreferences();
  for (const r of await listIdentityRecords()) {
    if (prefs.encryptionFor[a] === undefined || prefs.encryptionFor[a] === r.id) ders.push(r.certificate);
  }
  const out: Candidate[] = [];
  for (const der of ders) {
    const summary = await summarizeCertificate(der, now);
    if (summary.emails.includes(a)) out.push({ der, summary });
  }
  return out;
}

function pick(
  address: string,
  cands: Candidate[],
  now: Date,
): RecipientStatusView & { der: Uint8Array | null } {
  const current = cands.filter(
    (c) => new Date(c.summary.notBefore) <= now && new Date(c.summary.notAfter) > now,
  );
  const usable = current.filter((c) => c.summary.canEncrypt);
  // The newest usable certificate wins: it is the one the correspondent most likely still holds a key for.
  usable.sort((x, y) => y.summary.notAfter.localeCompare(x.summary.notAfter));
  const best = usable[0];
  if (best) return { address, state: 'found', certificate: best.summary, der: best.der };
  if (current.length > 0)
    return { address, state: 'not-for-encryption', certificate: current[0]!.summary, der: null };
  if (cands.length > 0) return { address, state: 'expired', certificate: cands[0]!.summary, der: null };
  return { address, state: 'missing', certificate: null, der: null };
}

export async function recipientStatus(addresses: string[]): Promise<RecipientStatusView[]> {
  const now = new Date();
  const out: RecipientStatusView[] = [];
  for (const a of addresses) {
    const { der: _der, ...view } = pick(a, await candidatesFor(a, now), now);
    out.push(view);
  }
  return out;
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

const HASH = { sha256: 'SHA-256', sha384: 'SHA-384', sha512: 'SHA-512' } as const;

export async function sendDraft(draftId: string, draft: Draft) {
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
    attachments: draft.attachments.map((a) => ({ name: a.name, type: a.type, data: fromBase64(a.data) })),
  });

  let encryptionCerts: Uint8Array[] = [];
  if (encrypt) {
    const blocked: string[] = [];
    // Encrypt to self too, or the sender cannot read their own Sent Items.
    for (const a of [...new Set([...recipients.map((r) => r.toLowerCase()), from])]) {
      const p = pick(a, await candidatesFor(a, now), now);
      if (p.der) encryptionCerts.push(p.der);
      else blocked.push(`${a} (${p.state})`);
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
    const ownEnc = (await candidatesFor(from, now)).map((c) => c.der);
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
