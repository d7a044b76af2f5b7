/// <reference types="office-js" />
/**
 * The only file that calls the Outlook host (Office.js Mailbox API). Each call is turned from the
 * documented callback + AsyncResult form into a promise; a failed AsyncResult becomes a HostError that
 * keeps Office's error name, code and message so the pane can explain it. Newer APIs are feature-detected
 * with isSetSupported and the presence of the method, never assumed from the manifest's minimum (1.8).
 */
import { fromBase64 } from '../../shared/bytes';
import { SelloError } from '../../shared/errors';
import { contentIdsFor, inlineMediaType } from './inline-images';

export class HostError extends SelloError {
  constructor(
    readonly hostName: string,
    readonly hostCode: number | null,
    message: string,
  ) {
    super('message.host-error', message);
  }
}

type Callback<T> = (result: Office.AsyncResult<T>) => void;

/** Runs one callback-style Office call; rejects with HostError on status 'failed'. */
export function hostCall<T>(start: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      start((result) => {
        if (result.status === Office.AsyncResultStatus.Succeeded) resolve(result.value);
        else {
          const e = result.error;
          reject(
            new HostError(e?.name ?? 'Error', e?.code ?? null, e?.message ?? 'Outlook reported an error.'),
          );
        }
      });
    } catch (e) {
      // Some hosts throw synchronously for unsupported calls instead of calling back.
      reject(new HostError('Exception', null, e instanceof Error ? e.message : String(e)));
    }
  });
}

export function mailbox(): Office.Mailbox {
  return Office.context.mailbox;
}

export function supports(version: string): boolean {
  return Office.context.requirements.isSetSupported('Mailbox', version);
}

export function displayLanguage(): string {
  return Office.context.displayLanguage;
}

// ---- Read mode -------------------------------------------------------------------------------------

export interface ReadItemInfo {
  itemId: string;
  itemClass: string;
  subject: string;
  from: string | null;
}

export function readItemInfo(): ReadItemInfo {
  const item = mailbox().item as Office.MessageRead;
  return {
    itemId: item.itemId,
    itemClass: item.itemClass,
    subject: item.subject,
    from: item.from?.emailAddress ?? null,
  };
}

/** Mailbox 1.14: the whole message as base64 EML. Null when the host does not have it. */
export async function getItemAsFile(): Promise<Uint8Array | null> {
  const item = mailbox().item as Office.MessageRead;
  if (!supports('1.14') || typeof item.getAsFileAsync !== 'function') return null;
  const b64 = await hostCall<string>((cb) => item.getAsFileAsync(cb));
  return fromBase64(b64);
}

/** The id Graph understands (REST v2.0 format) for the item open in read mode. */
export function graphMessageId(itemId: string): string {
  return mailbox().convertToRestId(itemId, Office.MailboxEnums.RestVersion.v2_0);
}

// ---- Compose mode ----------------------------------------------------------------------------------

export interface DraftContents {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string;
  text: string;
  attachments: { name: string; type: string; data: Uint8Array; inline: boolean; contentId?: string }[];
}

const addresses = (list: Office.EmailAddressDetails[]) => list.map((r) => r.emailAddress);

export async function readDraft(): Promise<DraftContents> {
  const item = mailbox().item as Office.MessageCompose;
  const to = await hostCall<Office.EmailAddressDetails[]>((cb) => item.to.getAsync(cb));
  const cc = await hostCall<Office.EmailAddressDetails[]>((cb) => item.cc.getAsync(cb));
  const bcc = await hostCall<Office.EmailAddressDetails[]>((cb) => item.bcc.getAsync(cb));
  const subject = await hostCall<string>((cb) => item.subject.getAsync(cb));
  const html = await hostCall<string>((cb) => item.body.getAsync(Office.CoercionType.Html, cb));
  const text = await hostCall<string>((cb) => item.body.getAsync(Office.CoercionType.Text, cb));
  const list = await hostCall<Office.AttachmentDetailsCompose[]>((cb) => item.getAttachmentsAsync(cb));
  const attachments: DraftContents['attachments'] = [];
  const contentIds = contentIdsFor(list, html);
  for (const [i, a] of list.entries()) {
    // Cloud attachments are links, not content; Sello cannot sign or encrypt what it cannot read.
    if (a.attachmentType === Office.MailboxEnums.AttachmentType.Cloud) {
      throw new SelloError(
        'message.cloud-attachment',
        `"${a.name}" is a cloud link; attach a copy of the file to sign or encrypt it.`,
      );
    }
    const content = await hostCall<Office.AttachmentContent>((cb) =>
      item.getAttachmentContentAsync(a.id, cb),
    );
    if (content.format !== Office.MailboxEnums.AttachmentContentFormat.Base64) {
      throw new SelloError('message.attachment-format', `"${a.name}" cannot be read as a file.`);
    }
    const contentId = contentIds[i];
    attachments.push({
      name: a.name,
      // AttachmentDetailsCompose carries no media type: an inline image's comes from its name.
      type: contentId ? inlineMediaType(a.name) : 'application/octet-stream',
      data: fromBase64(content.content),
      inline: a.isInline,
      ...(contentId ? { contentId } : {}),
    });
  }
  return { to: addresses(to), cc: addresses(cc), bcc: addresses(bcc), subject, html, text, attachments };
}

/**
 * Mailbox 1.14: closes the compose form and discards the draft (it was sent through Graph instead).
 * Returns false when the host cannot close it, so the pane tells the user to delete the draft.
 */
export async function discardDraft(): Promise<boolean> {
  const item = mailbox().item as Office.MessageCompose;
  if (!supports('1.14') || typeof item.closeAsync !== 'function') return false;
  try {
    await hostCall<void>((cb) => item.closeAsync({ discardItem: true }, cb));
    return true;
  } catch (e) {
    if (e instanceof HostError) return false;
    throw e;
  }
}

export function userAddress(): string {
  return mailbox().userProfile.emailAddress;
}

export function userDisplayName(): string {
  return mailbox().userProfile.displayName;
}

// ---- Settings that follow the user (roaming settings) -----------------------------------------------

export function roamingGet<T>(name: string): T | undefined {
  return Office.context.roamingSettings.get(name) as T | undefined;
}

export async function roamingSet(name: string, value: unknown): Promise<void> {
  Office.context.roamingSettings.set(name, value);
  await hostCall<void>((cb) => Office.context.roamingSettings.saveAsync(cb));
}
