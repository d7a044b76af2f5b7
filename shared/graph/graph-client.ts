/**
 * Microsoft Graph, only what S/MIME needs, as documented:
 * - send MIME: POST /me/sendMail, Content-Type text/plain, base64 MIME body
 *   (https://learn.microsoft.com/graph/outlook-send-mime-message);
 * - read MIME: GET /me/messages/{id}/$value (https://learn.microsoft.com/graph/outlook-get-mime-message);
 * - a draft's attachments: GET /me/messages/{id}/attachments
 *   (https://learn.microsoft.com/graph/api/message-list-attachments), fileAttachment with contentBytes;
 * - large messages: a draft of class IPM.Note.SMIME(.MultipartSigned) carrying smime.p7m, attached with
 *   one POST when under 3 MB (https://learn.microsoft.com/graph/api/message-post-attachments) or through
 *   an upload session from 3 MB (https://learn.microsoft.com/graph/outlook-large-attachments), then send.
 * Every failure becomes a typed `graph.*` error; callers keep the user's draft on any of them.
 */
import { SelloError } from '../errors';
import { toBase64 } from '../bytes';
import { DEFAULT_RETRY, fetchWithRetries, type RetryPolicy } from './retry';

/** Graph refuses request bodies over 4 MB; base64 grows MIME by 4/3, so stay under with a margin. */
export const SEND_MAIL_MAX_BASE64 = 4 * 1024 * 1024 - 64 * 1024;
/** Exchange Online's message size limit. */
export const LARGE_MESSAGE_MAX = 150 * 1024 * 1024;
/**
 * From this size smime.p7m goes through an upload session; below it, one POST of a fileAttachment.
 * Graph documents sessions for 3 MB to 150 MB and refuses smaller ones
 * (ErrorAttachmentSizeShouldNotBeLessThanMinimumSize); taken as 3,000,000 bytes because the POST below
 * it must also fit the 4 MB (4 MiB) request limit as base64 in JSON, which 3 MiB would not.
 */
export const UPLOAD_SESSION_MIN = 3_000_000;
/** Upload-session chunks must be multiples of 320 KiB (and under 60 MiB). */
export const UPLOAD_CHUNK = 320 * 1024 * 10;

export interface GraphDeps {
  baseUrl: string; // e.g. https://graph.microsoft.com
  fetch: typeof fetch;
  /** A valid access token; may refresh. Throws auth.sign-in-required when the user must sign in. */
  getToken: (opts: { forceRefresh: boolean }) => Promise<string>;
  retry?: Partial<RetryPolicy>;
}

export interface Envelope {
  subject: string;
  to: string[];
  cc: string[];
  bcc: string[];
}

export type SmimeMessageClass = 'IPM.Note.SMIME' | 'IPM.Note.SMIME.MultipartSigned';

export interface Progress {
  sent: number;
  total: number;
}

function graphError(status: number, detail: string): SelloError {
  if (status === 401)
    return new SelloError('graph.unauthorized', 'Microsoft 365 did not accept the sign-in; sign in again.');
  if (status === 403)
    return new SelloError('graph.forbidden', `Microsoft 365 refused the request (permission): ${detail}`);
  if (status === 404) return new SelloError('graph.not-found', 'The message was not found in the mailbox.');
  if (status === 413)
    return new SelloError('graph.too-large', 'The message is larger than Microsoft 365 accepts.');
  if (status === 429)
    return new SelloError('graph.throttled', 'Microsoft 365 is throttling requests; try again in a minute.');
  if (status >= 500)
    return new SelloError('graph.server-error', `Microsoft 365 had a server error (${status}); try again.`);
  return new SelloError('graph.bad-request', `Microsoft 365 refused the request (${status}): ${detail}`);
}

async function errorDetail(res: Response): Promise<string> {
  try {
    const j = (await res.json()) as { error?: { code?: string; message?: string } };
    return [j.error?.code, j.error?.message].filter(Boolean).join(': ').slice(0, 300);
  } catch {
    return `HTTP ${res.status}`;
  }
}

export class GraphClient {
  private readonly retry: RetryPolicy;

  constructor(private readonly deps: GraphDeps) {
    this.retry = { ...DEFAULT_RETRY, ...deps.retry };
  }

  private url(path: string): string {
    return `${this.deps.baseUrl.replace(/\/$/, '')}/v1.0${path}`;
  }

  /** Authorised request with retries; one forced token refresh on 401 (expired token). */
  private async request(path: string, init: RequestInit): Promise<Response> {
    let forceRefresh = false;
    for (let pass = 0; pass < 2; pass++) {
      const token = await this.deps.getToken({ forceRefresh });
      let res: Response;
      try {
        res = await fetchWithRetries(
          () =>
            this.deps.fetch(this.url(path), {
              ...init,
              headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` },
            }),
          this.retry,
        );
      } catch (e) {
        throw new SelloError('graph.network', 'Could not reach Microsoft 365; check the connection.', {
          cause: e,
        });
      }
      if (res.status === 401 && pass === 0) {
        await res.arrayBuffer().catch(() => undefined);
        forceRefresh = true;
        continue;
      }
      if (!res.ok) throw graphError(res.status, await errorDetail(res));
      return res;
    }
    throw new SelloError('graph.unauthorized', 'Microsoft 365 did not accept the sign-in; sign in again.');
  }

  /** Small messages: the whole S/MIME message as base64 MIME through sendMail. */
  async sendMime(mime: Uint8Array): Promise<void> {
    const body = toBase64(mime);
    if (body.length > SEND_MAIL_MAX_BASE64) {
      throw new SelloError(
        'graph.too-large',
        'The message is too large for sendMail; use the large-message path.',
      );
    }
    const res = await this.request('/me/sendMail', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    await res.arrayBuffer();
  }

  async getMime(messageId: string): Promise<Uint8Array> {
    const res = await this.request(`/me/messages/${encodeURIComponent(messageId)}/$value`, { method: 'GET' });
    return new Uint8Array(await res.arrayBuffer());
  }

  /**
   * The attachment objects of a message as Graph lists them (fileAttachment, itemAttachment,
   * referenceAttachment; only fileAttachment carries contentBytes). The caller checks each object's
   * shape. `@odata.nextLink` is followed only on this Graph's own /v1.0 URL, so a token never goes
   * elsewhere, and at most 10 pages.
   */
  async listAttachments(messageId: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let path: string | null = `/me/messages/${encodeURIComponent(messageId)}/attachments`;
    for (let page = 0; path !== null && page < 10; page++) {
      const res = await this.request(path, { method: 'GET', headers: { accept: 'application/json' } });
      const body: unknown = await res.json().catch(() => null);
      const value = body && typeof body === 'object' ? (body as Record<string, unknown>).value : undefined;
      if (!Array.isArray(value))
        throw new SelloError('graph.bad-request', 'Microsoft 365 sent an attachment list Sello cannot read.');
      items.push(...(value as unknown[]));
      const next = (body as Record<string, unknown>)['@odata.nextLink'];
      const own = this.url('');
      path = typeof next === 'string' && next.startsWith(own + '/') ? next.slice(own.length) : null;
    }
    return items;
  }

  async deleteMessage(messageId: string): Promise<void> {
    const res = await this.request(`/me/messages/${encodeURIComponent(messageId)}`, { method: 'DELETE' });
    await res.arrayBuffer();
  }

  /**
   * Large messages, the way Exchange stores S/MIME: a draft of class IPM.Note.SMIME (opaque or
   * encrypted; smime.p7m holds the CMS) or IPM.Note.SMIME.MultipartSigned (smime.p7m holds the
   * signed MIME entity), the attachment posted whole or uploaded in chunks by its size, then sent. The
   * draft is deleted again if anything fails after it was created, so no half-built message stays in
   * Drafts.
   */
  async sendLargeSmime(
    envelope: Envelope,
    messageClass: SmimeMessageClass,
    payload: Uint8Array,
    onProgress: (p: Progress) => void = () => undefined,
  ): Promise<void> {
    if (payload.length > LARGE_MESSAGE_MAX) {
      throw new SelloError('graph.too-large', 'The message is larger than the 150 MB Microsoft 365 accepts.');
    }
    const recipients = (list: string[]) => list.map((address) => ({ emailAddress: { address } }));
    const draft = await this.request('/me/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        subject: envelope.subject,
        body: { contentType: 'text', content: '' },
        toRecipients: recipients(envelope.to),
        ccRecipients: recipients(envelope.cc),
        bccRecipients: recipients(envelope.bcc),
        // PidTagMessageClass (0x001A): what makes Outlook treat the item as S/MIME.
        singleValueExtendedProperties: [{ id: 'String 0x001A', value: messageClass }],
      }),
    });
    const { id } = (await draft.json()) as { id: string };
    const contentType = messageClass === 'IPM.Note.SMIME' ? 'application/pkcs7-mime' : 'multipart/signed';
    try {
      if (payload.length < UPLOAD_SESSION_MIN) {
        await this.postAttachment(id, contentType, payload);
        onProgress({ sent: payload.length, total: payload.length });
      } else {
        const session = await this.request(
          `/me/messages/${encodeURIComponent(id)}/attachments/createUploadSession`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              AttachmentItem: {
                attachmentType: 'file',
                name: 'smime.p7m',
                size: payload.length,
                contentType,
              },
            }),
          },
        );
        const { uploadUrl } = (await session.json()) as { uploadUrl: string };
        await this.uploadChunks(uploadUrl, payload, onProgress);
      }
      const sent = await this.request(`/me/messages/${encodeURIComponent(id)}/send`, { method: 'POST' });
      await sent.arrayBuffer();
    } catch (e) {
      await this.deleteMessage(id).catch(() => undefined);
      throw e;
    }
  }

  /** smime.p7m under 3 MB: one fileAttachment with its bytes inline (the upload session refuses it). */
  private async postAttachment(messageId: string, contentType: string, payload: Uint8Array): Promise<void> {
    const res = await this.request(`/me/messages/${encodeURIComponent(messageId)}/attachments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: 'smime.p7m',
        contentType,
        contentBytes: toBase64(payload),
      }),
    });
    await res.arrayBuffer();
  }

  /**
   * The upload URL is pre-authenticated and on another host (outlook.office.com/api/…?authtoken=):
   * Graph documents that no Authorization header is sent, so the mailbox token never goes there.
   */
  private async uploadChunks(uploadUrl: string, payload: Uint8Array, onProgress: (p: Progress) => void) {
    const total = payload.length;
    for (let start = 0; start < total; start += UPLOAD_CHUNK) {
      const end = Math.min(start + UPLOAD_CHUNK, total);
      let res: Response;
      try {
        res = await fetchWithRetries(
          () =>
            this.deps.fetch(uploadUrl, {
              method: 'PUT',
              headers: {
                'content-type': 'application/octet-stream',
                'content-range': `bytes ${start}-${end - 1}/${total}`,
              },
              body: payload.slice(start, end),
            }),
          this.retry,
        );
      } catch (e) {
        throw new SelloError('graph.network', 'The upload to Microsoft 365 was interrupted.', { cause: e });
      }
      if (!res.ok) throw graphError(res.status, await errorDetail(res));
      await res.arrayBuffer();
      onProgress({ sent: end, total });
    }
  }
}
