/**
 * Compose mode: read the Outlook draft through Office.js, build the MIME message, sign and/or encrypt it
 * with the core, send it through Graph, and only then discard the Outlook draft. Small messages go as
 * MIME through sendMail; a message whose base64 would pass Graph's 4 MB request limit goes the large
 * way (an IPM.Note.SMIME draft carrying smime.p7m through an upload session, then send). Any failure
 * before Graph accepted the message leaves the Outlook draft untouched.
 */
import { toBase64 } from '../../shared/bytes';
import type { CoreEnv } from '../../shared/env';
import { SelloError } from '../../shared/errors';
import { SEND_MAIL_MAX_BASE64, type GraphClient, type Progress } from '../../shared/graph/graph-client';
import type { Settings } from '../../shared/policy/settings-definition';
import { assertSoftKeysAllowed, envelopesFor } from '../../shared/smime/send-options';
import { buildMail, largeMessagePayload, sealerFor, type SealSettings } from './core';
import { discardDraft, readDraft, userAddress } from './host';
import type { Keystore } from './keystore';

export interface ComposeChoice {
  sign: boolean;
  encrypt: boolean;
}

/** A recipient without a certificate: the pane names the address in the user's language. */
export class MissingCertificateError extends SelloError {
  constructor(readonly address: string) {
    super('message.missing-certificate', `No certificate for ${address}.`);
  }
}

/**
 * Bcc forking sends several messages in turn; Graph failed after at least one went out. Those who got
 * it must not be told "nothing was sent", and the draft stays for the others.
 */
export class PartlySentError extends SelloError {
  constructor(
    readonly missed: string[],
    cause: unknown,
  ) {
    super('message.partly-sent', `Sent, except to: ${missed.join(', ')}.`, { cause });
  }
}

export type ComposeResult = {
  sent: true;
  /** One entry per message sent: Bcc forking (bccForking) can make several of one draft. */
  via: ('sendMail' | 'large')[];
  draftDiscarded: boolean;
};

export async function sendSecurely(
  choice: ComposeChoice,
  deps: {
    graph: () => Promise<GraphClient>;
    keystore: Keystore;
    env: CoreEnv;
    settings: SealSettings & Pick<Settings, 'bccForking' | 'allowSoftCertificates'>;
    onProgress?: (p: Progress) => void;
  },
): Promise<ComposeResult> {
  if (!choice.sign && !choice.encrypt)
    throw new SelloError('message.nothing-chosen', 'Choose sign, encrypt or both.');
  const { settings } = deps;
  const draft = await readDraft();
  const from = userAddress();
  const recipients = [...draft.to, ...draft.cc, ...draft.bcc];
  if (recipients.length === 0) throw new SelloError('message.no-recipients', 'Add at least one recipient.');

  let signer = null;
  if (choice.sign) {
    // Every key the add-in holds is a software key; the policy forbids using any of them.
    assertSoftKeysAllowed(settings);
    const record = await deps.keystore.identityFor(from);
    if (!record)
      throw new SelloError('keystore.no-identity', 'Import your certificate and key before signing.');
    signer = await deps.keystore.unsealIdentity(record);
  }
  const certificateOf = new Map<string, Uint8Array>();
  if (choice.encrypt) {
    // Encrypt to ourselves too, so the Sent Items copy stays readable.
    for (const address of new Set([...recipients, from].map((a) => a.toLowerCase()))) {
      const found = await deps.keystore.certificatesFor(address);
      if (found.length === 0) {
        throw new MissingCertificateError(address);
      }
      certificateOf.set(address, found[0]!.der);
    }
  }
  const ownEncryptionCertificate =
    choice.sign && settings.includeEncryptionCertificate
      ? (await deps.keystore.certificatesFor(from))[0]?.der
      : undefined;

  const message = buildMail(
    {
      from,
      to: draft.to,
      cc: draft.cc,
      subject: draft.subject,
      date: deps.env.now(),
      html: draft.html,
      text: draft.text,
      attachments: draft.attachments,
    },
    deps.env,
  );
  const seal = await sealerFor(
    message,
    { ...choice, signer, settings, ...(ownEncryptionCertificate ? { ownEncryptionCertificate } : {}) },
    deps.env,
  );
  // Sealed before anything is sent: a failure here leaves every recipient (and the draft) untouched.
  const envelopes = envelopesFor(settings, draft, from, choice.encrypt);
  const sealed: Uint8Array[] = [];
  for (const envelope of envelopes) {
    sealed.push(await seal([...new Set(envelope.encryptTo.map((a) => certificateOf.get(a)!))]));
  }
  const graph = await deps.graph();
  const via: ComposeResult['via'] = [];
  for (const [i, envelope] of envelopes.entries()) {
    try {
      via.push(await sendEnvelope(graph, draft, envelope.recipients, sealed[i]!, deps.onProgress));
    } catch (e) {
      if (i === 0) throw e;
      throw new PartlySentError(
        envelopes.slice(i).flatMap((x) => x.recipients),
        e,
      );
    }
  }
  // Sent: from here on nothing may throw as if the send had failed.
  const draftDiscarded = await discardDraft();
  return { sent: true, via, draftDiscarded };
}

/** One envelope's message through Graph: MIME when it fits and has no Bcc, else the draft path. */
async function sendEnvelope(
  graph: GraphClient,
  draft: { subject: string; to: string[]; cc: string[]; bcc: string[] },
  recipients: string[],
  bytes: Uint8Array,
  onProgress?: (p: Progress) => void,
): Promise<'sendMail' | 'large'> {
  const mine = (list: string[]) => list.filter((a) => recipients.includes(a.toLowerCase()));
  const to = mine(draft.to);
  const cc = mine(draft.cc);
  const bcc = mine(draft.bcc).filter((a) => !to.includes(a) && !cc.includes(a));
  // Bcc cannot travel in the MIME (every recipient would see it): the draft path carries it as
  // bccRecipients, so a message with Bcc goes that way whatever its size.
  if (bcc.length === 0 && toBase64(bytes).length <= SEND_MAIL_MAX_BASE64) {
    await graph.sendMime(bytes);
    return 'sendMail';
  }
  const large = largeMessagePayload(bytes);
  await graph.sendLargeSmime(
    { subject: draft.subject, to, cc, bcc },
    large.messageClass,
    large.payload,
    onProgress,
  );
  return 'large';
}
