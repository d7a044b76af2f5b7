/**
 * Opening a message for the secure read frame: decrypt and verify in the core, then turn the verdict
 * and the innermost content into display data. Sanitising happens in the frame (DOMPurify needs a DOM);
 * the frame also draws the status bar from the verdict, never from message content.
 */
import { fromBase64, fromUtf8, toBase64 } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import { harvestVerdict } from '../../../shared/directory/harvest';
import { SelloError } from '../../../shared/errors';
import type { Verdict } from '../../../shared/smime/verdict';
import { addressBook } from '../address-book';
import { changeView, pendingChangesFor, recordChanges } from '../certificate-changes';
import { fingerprintOf } from '../certificate-summary';
import { trustAnchors } from '../certificate-store';
import {
  chainValidator,
  entityDisposition,
  decodeEntityBody,
  decodeEntityText,
  headerText,
  openMail,
  parseMail,
  type MimeEntity,
} from '../core';
import { availableIdentities, keystoreStatus } from '../keystore';
import type { CertificateChangeView, DisplayMessage, DisplaySection, OpenResult } from '../replies';
import { assertSoftKeysAllowed, openPolicyFrom } from '../send-options';
import { currentSettings } from '../settings';
import { toVerdictView } from '../verdict-view';

/**
 * What a read frame may open by token: the bytes themselves (read.stage), or a loader that fetches
 * them when the frame asks (owa.open). The loader runs only on the frame's request, so whatever it
 * meets (a Graph error, a message that does not decrypt) is told to Sello's frame, never to the page.
 */
const staged = new Map<string, () => Promise<Uint8Array>>();

function newToken(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

function stage(load: () => Promise<Uint8Array>): string {
  const token = newToken();
  staged.set(token, load);
  // Staged messages are not kept around: the frame asks within seconds or not at all.
  setTimeout(() => staged.delete(token), 5 * 60_000);
  return token;
}

/** Holds a raw message for a read frame that will ask for it by token. */
export function stageMessage(b64: string): string {
  const raw = fromBase64(b64);
  return stage(() => Promise.resolve(raw));
}

/** A token whose message is fetched only when the read frame opens it (OWA: by Graph id). */
export function stageLoader(load: () => Promise<Uint8Array>): string {
  return stage(load);
}

/**
 * The staged message, and a function that ends the token. A token ends once the frame has been
 * answered, except when the keys were locked: the frame unlocks and asks again with the same token.
 */
async function peekStaged(token: string): Promise<{ raw: Uint8Array; done: () => void }> {
  const load = staged.get(token);
  if (!load) throw new SelloError('message.not-found', 'This message is no longer available. Open it again.');
  let raw: Uint8Array;
  try {
    raw = await load();
  } catch (e) {
    staged.delete(token);
    throw e;
  }
  // Fetched once: a retry after unlocking does not fetch again.
  staged.set(token, () => Promise.resolve(raw));
  return { raw, done: () => staged.delete(token) };
}

function looksEncrypted(raw: Uint8Array): boolean {
  const head = fromUtf8(raw.slice(0, Math.min(raw.length, 16384))).toLowerCase();
  const headers = head.split(/\r?\n\r?\n/)[0] ?? '';
  return /content-type:\s*application\/(x-)?pkcs7-mime[^]*smime-type\s*=\s*"?(enveloped-data|authenveloped-data)/.test(
    headers,
  );
}

function isUnder(path: string, roots: string[]): boolean {
  return roots.some((r) => r === '' || path === r || path.startsWith(`${r}.`));
}

function dispositionOf(e: MimeEntity): { attachment: boolean; filename: string | null; cid: string | null } {
  const cid = (headerText(e, 'content-id') ?? '').replace(/[<>\s]/g, '') || null;
  // A file name that carries a path would be saved outside the download folder by some tools.
  const { attachment, filename } = entityDisposition(e);
  return { attachment, filename: filename ? (filename.split(/[\\/]/).pop() ?? null) : null, cid };
}

export function displayFor(content: Uint8Array, verdict: Verdict): DisplayMessage {
  const root = parseMail(content);
  const signedPaths = verdict.coverage.kind === 'none' ? [] : verdict.coverage.signedPaths;
  const signed = (p: string) => isUnder(p, signedPaths);
  const sections: DisplaySection[] = [];
  const display: DisplayMessage = {
    subject: headerText(root, 'subject') ?? '',
    from: headerText(root, 'from') ?? '',
    to: headerText(root, 'to') ?? '',
    cc: headerText(root, 'cc') ?? '',
    date: headerText(root, 'date') ?? '',
    sections,
    attachments: [],
    inline: {},
  };
  const walk = (e: MimeEntity): void => {
    const type = `${e.contentType.type}/${e.contentType.subtype}`.toLowerCase();
    const d = dispositionOf(e);
    if (type === 'multipart/signed') {
      if (e.children[0]) walk(e.children[0]);
      return;
    }
    if (type === 'multipart/alternative') {
      const html = e.children.find(
        (c) => `${c.contentType.type}/${c.contentType.subtype}`.toLowerCase() === 'text/html',
      );
      const pickChild =
        html ?? e.children.find((c) => c.contentType.type.toLowerCase() === 'text') ?? e.children[0];
      if (pickChild) walk(pickChild);
      return;
    }
    if (e.contentType.type.toLowerCase() === 'multipart') {
      e.children.forEach(walk);
      return;
    }
    if (/^application\/(x-)?pkcs7-signature$/.test(type)) return;
    if (!d.attachment && (type === 'text/html' || type === 'text/plain')) {
      sections.push({
        path: e.path,
        kind: type === 'text/html' ? 'html' : 'text',
        content: decodeEntityText(e),
        signed: signed(e.path),
      });
      return;
    }
    const data = decodeEntityBody(e);
    if (d.cid && e.contentType.type.toLowerCase() === 'image' && !d.attachment) {
      display.inline[d.cid] = `data:${type};base64,${toBase64(data)}`;
    }
    display.attachments.push({
      name: d.filename ?? `part-${e.path || '1'}`,
      type,
      size: data.length,
      data: toBase64(data),
      signed: signed(e.path),
    });
  };
  walk(root);
  return display;
}

/**
 * The unconfirmed changes this message shows: for the addresses of a signer whose signature verified
 * (what harvesting files under), and only when the message carries the new certificate (a message
 * signed with the old key before the move says nothing about it).
 */
async function changesShownBy(verdict: Verdict, now: Date): Promise<CertificateChangeView[]> {
  if (!verdict.valid) return [];
  const emails: string[] = [];
  const carried = new Set<string>();
  for (const l of verdict.layers) {
    if (l.kind !== 'signed' || l.ignored) continue;
    for (const s of l.signers) {
      if (!s.intact || s.weak || !s.certificate) continue;
      emails.push(...s.emails);
      for (const der of [s.certificate, ...(l.certificates ?? [])]) carried.add(await fingerprintOf(der));
    }
  }
  return [...(await pendingChangesFor(emails)).values()]
    .filter((c) => carried.has(c.current.sha256))
    .map((c) => changeView(c, now));
}

export async function openForReading(
  source: { kind: 'bytes'; message: string } | { kind: 'token'; token: string },
): Promise<OpenResult> {
  const { raw, done } =
    source.kind === 'bytes'
      ? { raw: fromBase64(source.message), done: () => undefined }
      : await peekStaged(source.token);
  const settings = await currentSettings();
  const encrypted = looksEncrypted(raw);
  const mustUnlock = encrypted && settings.allowSoftCertificates && (await keystoreStatus()).locked;
  // The token is used up whatever the outcome, unless the frame will ask again after unlocking.
  if (!mustUnlock) done();
  if (encrypted) assertSoftKeysAllowed(settings);
  if (mustUnlock) {
    throw new SelloError('keystore.locked', 'Your keys are locked. Unlock them with your passphrase.');
  }
  const anchors = (await trustAnchors(settings.trustAnchors)).map((a) => a.der);
  const env = defaultEnv();
  const verdict = await openMail(
    raw,
    {
      keys: settings.allowSoftCertificates ? await availableIdentities() : [],
      // No AIA caIssuers fetch while opening: the URL comes from a certificate in the mail, so anyone
      // could learn when the message was read (EFAIL backchannel; attack backchannel-aia-ca-issuers).
      validateChain: chainValidator(anchors, settings, env, { fetchIssuers: false }),
      ...openPolicyFrom(settings),
    },
    env,
  );
  // Only certificates of a signature that verified (an unverified one could be anybody's), with the
  // encryption certificate the signer named in SMIMEEncryptionKeyPreference filed as preferred.
  // A move to another key or issuer is kept as an unconfirmed change (compose asks before using it).
  if (settings.harvestCertificates)
    await recordChanges(await harvestVerdict(addressBook(), verdict), 'harvested');
  const now = new Date();
  return {
    verdict: toVerdictView(verdict, settings.senderCertificateAttributesToDisplay),
    display: verdict.content ? displayFor(verdict.content, verdict) : null,
    certificateChanges: await changesShownBy(verdict, now),
  };
}
