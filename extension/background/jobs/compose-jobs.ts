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
import { changeView, pendingChangesFor, recordChanges } from '../certificate-changes';
import { summarizeCertificate } from '../certificate-summary';
import { buildMail, chainValidator, encryptMail, signMail } from '../core';
import { trustAnchors } from '../certificate-store';
import { deleteDraft, saveDraft } from '../drafts';
import { getIdentity, keyPreferences, listIdentityRecords } from '../keystore';
import type { Draft } from '../messages';
import type { RecipientStatusView } from '../replies';
import { currentSettings, effectiveSettings } from '../settings';
import { currentTransport } from '../transport';
import { lookUpInDirectory } from '../directory-lookup';
import {
  assertSignerSendable,
  assertSoftKeysAllowed,
  chooseSigningIdentity,
  encryptOptionsFrom,
  envelopesFor,
  protectionFor,
  sendValidationSettings,
  signOptionsFrom,
  wrapSteps,
} from '../send-options';
import { listIdentities } from './identity-jobs';

interface Choice extends RecipientStatusView {
  der: Uint8Array | null;
}

/**
 * Our own addresses encrypt to our own certificate (the one chosen per address in the options);
 * everybody else goes through the address book, which also says why a recipient is blocked.
 */
async function chooseCertificates(
  addresses: string[],
  now: Date,
  settings: Settings,
  onSend = false,
): Promise<Choice[]> {
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
  const anchors = (await trustAnchors(settings.trustAnchors)).map((a) => a.der);
  // checkRevocationOnSend: while sending, a status that cannot be checked blocks (hard-fail); without
  // trust anchors no path (and so no revocation) can be checked at all, so that blocks too.
  const policy = onSend ? sendValidationSettings(settings) : settings;
  if (onSend && settings.checkRevocationOnSend && anchors.length === 0 && others.length > 0)
    throw new SelloError(
      'revocation.unreachable',
      'Your organisation requires a revocation check before sending, but no trusted CA is configured.',
    );
  const validate = anchors.length > 0 ? chainValidator(anchors, policy, defaultEnv()) : undefined;
  const book = addressBook(validate);
  let explained = await book.explainRecipients(others, now);
  // directoryGatewayUrl: ask `sello directory serve` for recipients the address book has nothing for.
  const missing = explained.filter((e) => e.status === 'missing').map((e) => e.email);
  if (settings.directoryGatewayUrl && missing.length > 0) {
    const found = await lookUpInDirectory(
      settings.directoryGatewayUrl,
      missing,
      settings.dlExpansionTimeoutMs,
    );
    let added = false;
    for (const [email, ders] of found) {
      for (const der of ders) {
        const result = await book
          .addCertificate(der, { origin: 'directory', emails: [email] })
          .catch(() => undefined);
        if (result) await recordChanges(result.changes, 'directory');
        added = true;
      }
    }
    if (added) explained = await book.explainRecipients(others, now);
  }
  const byAddress = new Map(explained.map((e) => [e.email, e]));
  // A correspondent who moved to another key or issuer is not encrypted to, with either certificate,
  // until the user says which (certificate-changes.ts), as soon as the address book would choose
  // another certificate than the one accepted before: never switched silently. A new certificate it
  // would not use anyway (untrusted, expired) changes nothing here; the read frame and the options
  // page still say the address has one.
  const changed = await pendingChangesFor(others);
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
    const change = changed.get(a);
    if (change && e.certificate?.sha256 !== change.previous.sha256) {
      const current = (await book.certificatesFor(a)).find((r) => r.sha256 === change.current.sha256);
      out.push({
        address,
        state: 'certificate-changed',
        reason: `the certificate of ${a} changed (${change.kind}) and is not confirmed yet`,
        certificate: current ? await summarizeCertificate(current.certificate, now) : null,
        change: changeView(change, now),
        der: null,
      });
      continue;
    }
    const der = e.certificate?.certificate ?? null;
    // A blocked recipient's view still describes the certificate passed over (its expiry date, its
    // issuer), so the frame can say why in the user's language; `der` stays null: it is not used.
    const passedOver = e.rejected[0]
      ? (await book.certificatesFor(a)).find((r) => r.sha256 === e.rejected[0]!.sha256)?.certificate
      : undefined;
    const shown = der ?? passedOver ?? null;
    out.push({
      address,
      state: e.status,
      reason: e.message,
      certificate: shown ? await summarizeCertificate(shown, now) : null,
      der,
    });
  }
  return out;
}

export async function recipientStatus(addresses: string[]): Promise<RecipientStatusView[]> {
  return (await chooseCertificates(addresses, new Date(), await currentSettings())).map(
    ({ der: _der, ...view }) => view,
  );
}

async function signingIdentityId(settings: Settings): Promise<string> {
  const views = (await listIdentities()).filter((v) => v.canSign && v.expiresInDays >= 0);
  const chosen = chooseSigningIdentity(settings, views); // listIdentities is newest first
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
  const effective = await effectiveSettings();
  const settings = effective.values;
  const { sign, encrypt } = protectionFor(effective, draft);
  const now = new Date();
  const env = defaultEnv();
  const recipients = [...draft.to, ...draft.cc, ...draft.bcc];
  if (recipients.length === 0) throw new SelloError('message.no-recipients', 'Add at least one recipient.');

  if (sign) assertSoftKeysAllowed(settings);
  const signerId = await signingIdentityId(settings);
  const signer = sign ? await getIdentity(signerId) : null;
  if (signer && settings.checkRevocationOnSend) {
    const anchors = (await trustAnchors(settings.trustAnchors)).map((a) => a.der);
    if (anchors.length === 0)
      throw new SelloError(
        'revocation.unreachable',
        'Your organisation requires a revocation check before sending, but no trusted CA is configured.',
      );
    assertSignerSendable(
      await chainValidator(
        anchors,
        sendValidationSettings(settings),
        env,
      )({
        certificate: signer.certificate,
        intermediates: signer.chain,
        signingTime: null,
        usage: 'sign',
      }),
    );
  }
  const signerView = (await listIdentities()).find((v) => v.id === signerId);
  const from = signerView?.emails[0];
  if (!from)
    throw new SelloError('cert.no-address', 'Your certificate carries no email address to send from.');

  const mime = buildMail({
    from,
    to: draft.to,
    cc: draft.cc,
    subject: draft.subject,
    date: now,
    html: draft.html,
    text: draft.text,
    attachments: await Promise.all(
      draft.attachments.map(async (a) => ({
        name: a.name,
        type: a.type,
        data: await decodeBase64(a.data),
        ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
      })),
    ),
  });

  const certificateOf = new Map<string, Uint8Array>();
  if (encrypt) {
    const blocked: string[] = [];
    // Encrypt to self too, or the sender cannot read their own Sent Items.
    for (const c of await chooseCertificates(
      [...new Set([...recipients.map((r) => r.toLowerCase()), from.toLowerCase()])],
      now,
      settings,
      true,
    )) {
      if (c.der) certificateOf.set(c.address.toLowerCase(), c.der);
      else blocked.push(`${c.address} (${c.reason})`);
    }
    if (blocked.length > 0) {
      throw new SelloError(
        'smime.recipient-without-certificate',
        `No usable certificate for: ${blocked.join(', ')}.`,
      );
    }
  }

  const ownEnc =
    sign && settings.includeEncryptionCertificate
      ? (await chooseCertificates([from], now, settings)).flatMap((c) => (c.der ? [c.der] : []))[0]
      : undefined;
  const signOptions = signOptionsFrom(settings, ownEnc);
  // encryptionAlgorithmNegotiation: each envelope's cipher follows what its recipients' clients
  // advertised in their last verified signed mail (SMIMECapabilities harvested into the address book).
  const book = addressBook();
  const capabilitiesOf = (addresses: string[]) => Promise.all(addresses.map((a) => book.capabilitiesFor(a)));
  const steps = wrapSteps(settings, { sign, encrypt });
  // The inner signature is made once; encryption (and a triple wrap's outer signature) per envelope.
  const inner = steps[0] === 'sign' ? await signMail(mime, signer!, signOptions, env) : mime;
  const rest = steps[0] === 'sign' ? steps.slice(1) : steps;
  let bytes = 0;
  for (const envelope of envelopesFor(settings, draft, from, encrypt)) {
    const encryptOptions = encryptOptionsFrom(
      settings,
      encrypt ? await capabilitiesOf(envelope.encryptTo) : [],
    );
    let out = inner;
    for (const step of rest) {
      out =
        step === 'sign'
          ? await signMail(out, signer!, signOptions, env)
          : await encryptMail(
              out,
              unique(envelope.encryptTo.map((a) => certificateOf.get(a)!)),
              encryptOptions,
              env,
            );
    }
    await (await currentTransport()).send(out, { from, recipients: envelope.recipients });
    bytes += out.length;
  }
  await deleteDraft(draftId);
  return { bytes, signed: sign, encrypted: encrypt };
}

function unique(certs: Uint8Array[]): Uint8Array[] {
  return certs.filter((c, i) => certs.indexOf(c) === i);
}
