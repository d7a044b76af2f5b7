/**
 * STAND-IN for Microsoft Graph v1.0 (Outlook mail), follows
 * - https://learn.microsoft.com/graph/outlook-send-mime-message ("Send Outlook messages in MIME format":
 *   POST /me/sendMail, Content-Type text/plain, base64 MIME body, 202; ErrorMimeContentInvalidBase64String),
 * - https://learn.microsoft.com/graph/outlook-get-mime-message (GET /me/messages/{id}/$value),
 * - https://learn.microsoft.com/graph/api/user-post-messages (create a draft, 201, incl.
 *   singleValueExtendedProperties, https://learn.microsoft.com/graph/api/singlevaluelegacyextendedproperty-post-singlevalueextendedproperties),
 * - https://learn.microsoft.com/graph/outlook-large-attachments (attachment createUploadSession for 3 MB
 *   to 150 MB, ErrorAttachmentSizeShouldNotBeLessThanMinimumSize below; PUT chunks with Content-Range to
 *   the pre-authenticated uploadUrl, which is on another host (outlook.office.com in Microsoft 365; here
 *   a second port, so another origin) and must not get an Authorization header; 200 +
 *   nextExpectedRanges, 201 on the last chunk),
 * - https://learn.microsoft.com/graph/api/message-post-attachments with a
 *   https://learn.microsoft.com/graph/api/resources/fileattachment (attachments under 3 MB),
 * - https://learn.microsoft.com/graph/api/message-list-attachments (GET /me/messages/{id}/attachments,
 *   Mail.Read: {value: [...]} of fileAttachment with contentBytes, itemAttachment and
 *   referenceAttachment without content; https://learn.microsoft.com/graph/api/resources/attachment),
 * - https://learn.microsoft.com/graph/api/message-send and message-delete,
 * - https://learn.microsoft.com/graph/errors (error JSON shape, 401 InvalidAuthenticationToken, 429 +
 *   Retry-After) and the 4 MB request limit.
 *
 * It checks every request (Bearer token through the Entra stand-in, scopes, content type, base64, JSON
 * shape, ranges) and stores what it accepted for assertions. When a draft of class IPM.Note.SMIME(.*) is
 * sent it renders the MIME Exchange would emit for it: the draft's headers around the smime.p7m content
 * (the CMS for IPM.Note.SMIME, the whole multipart/signed entity for .MultipartSigned). That rendering is
 * this stand-in's model of Exchange, not a captured transcript: the large path is proven here only
 * against this stand-in.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenCheck } from '../entra/entra-stand-in';
import { answerPreflight, applyCors, headerValue, readBody, sendEmpty, sendJson } from './http-helpers';

/** Graph refuses request bodies over 4 MB. */
export const GRAPH_REQUEST_LIMIT = 4 * 1024 * 1024;
/** Exchange Online's maximum message size, the ceiling of an upload session. */
export const UPLOAD_SESSION_MAX = 150 * 1024 * 1024;
/**
 * Graph documents upload sessions for 3 MB and more and refuses smaller ones; the exact byte count is
 * not documented, so this stand-in takes 3 MB as 3,000,000 bytes.
 */
export const UPLOAD_SESSION_MIN = 3_000_000;

export interface TokenAuthority {
  checkAccessToken(token: string): TokenCheck;
}

export interface ExtendedProperty {
  id: string;
  value: string;
}

export interface StoredMessage {
  id: string;
  /** Raw MIME for messages stored or sent as MIME; rendered MIME for a sent S/MIME draft. */
  mime: Uint8Array | null;
  isDraft: boolean;
  subject: string;
  toRecipients: string[];
  ccRecipients: string[];
  bccRecipients: string[];
  extendedProperties: ExtendedProperty[];
  attachments: StoredAttachment[];
}

export interface StoredAttachment {
  id: string;
  name: string;
  contentType: string;
  size: number;
  content: Uint8Array;
  /** Graph's attachment type; fileAttachment when absent. Only a fileAttachment lists its bytes. */
  kind?: 'fileAttachment' | 'itemAttachment' | 'referenceAttachment';
  isInline?: boolean;
  contentId?: string;
}

export interface SentRecord {
  via: 'sendMail' | 'draft-send';
  mime: Uint8Array;
  messageClass: string | null;
  draft: StoredMessage | null;
}

export interface Fault {
  /**
   * Which requests: a method and a path pattern (the path after /v1.0; '/upload' for the PUTs to an
   * upload session's uploadUrl), or any when absent.
   */
  method?: string;
  path?: RegExp;
  kind: 'server-error' | 'throttle' | 'expired-token';
  /** Seconds for Retry-After (throttle). */
  retryAfter?: number;
  /** How many matching requests fail; then the fault is used up. */
  times: number;
}

export interface GraphRequestRecord {
  method: string;
  path: string;
  status: number;
  errorCode?: string;
}

interface UploadSession {
  messageId: string;
  name: string;
  contentType: string;
  size: number;
  received: Buffer[];
  next: number;
  expiresAt: number;
}

const BASE64_BODY = /^[A-Za-z0-9+/]*={0,2}$/;

export class GraphStandIn {
  readonly requests: GraphRequestRecord[] = [];
  readonly sent: SentRecord[] = [];
  readonly messages = new Map<string, StoredMessage>();
  readonly faults: Fault[] = [];
  private readonly sessions = new Map<string, UploadSession>();
  private server: Server | undefined;
  private uploadServer: Server | undefined;
  port = 0;
  /** The port of the upload host (outlook.office.com's role): another origin than Graph's. */
  uploadPort = 0;

  constructor(private readonly tokens: TokenAuthority) {}

  /** The base URL a Graph client is configured with (https://graph.microsoft.com in production). */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Where upload sessions' uploadUrls point (https://outlook.office.com/api/… in production). */
  get uploadBaseUrl(): string {
    return `http://127.0.0.1:${this.uploadPort}`;
  }

  async start(port = 0): Promise<void> {
    const listen = async (
      handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
      p: number,
    ) => {
      const server = createServer((req, res) => {
        handler(req, res).catch((e: unknown) => {
          graphError(res, 500, 'generalException', `stand-in failure: ${String(e)}`);
        });
      });
      await new Promise<void>((resolve) => server.listen(p, '127.0.0.1', resolve));
      return server;
    };
    this.server = await listen((req, res) => this.handle(req, res), port);
    this.port = (this.server.address() as AddressInfo).port;
    this.uploadServer = await listen((req, res) => this.handleUpload(req, res), 0);
    this.uploadPort = (this.uploadServer.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const s of [this.server, this.uploadServer]) {
      if (!s) continue;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  /** Puts a received message into the mailbox (as if delivered) and returns its Graph id. */
  addMessage(mime: Uint8Array, subject = ''): string {
    const id = graphId();
    this.messages.set(id, {
      id,
      mime,
      isDraft: false,
      subject,
      toRecipients: [],
      ccRecipients: [],
      bccRecipients: [],
      extendedProperties: [],
      attachments: [],
    });
    return id;
  }

  /** Attaches to a stored message as OWA does when the user attaches a file to its draft. */
  addAttachment(messageId: string, a: Omit<StoredAttachment, 'id' | 'size'>): string {
    const msg = this.messages.get(messageId);
    if (!msg) throw new Error(`no message ${messageId}`);
    const id = graphId();
    msg.attachments.push({ ...a, id, size: a.content.length });
    return id;
  }

  injectFault(fault: Fault): void {
    this.faults.push(fault);
  }

  private takeFault(method: string, path: string): Fault | null {
    const i = this.faults.findIndex(
      (f) => f.times > 0 && (!f.method || f.method === method) && (!f.path || f.path.test(path)),
    );
    if (i < 0) return null;
    const f = this.faults[i]!;
    f.times -= 1;
    if (f.times === 0) this.faults.splice(i, 1);
    return f;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (answerPreflight(req, res)) return;
    applyCors(req, res);
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (status: number, errorCode?: string) =>
      this.requests.push({ method, path: url.pathname, status, ...(errorCode ? { errorCode } : {}) });
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
      record(status, code);
      graphError(res, status, code, message, headers);
    };

    if (!url.pathname.startsWith('/v1.0/')) return fail(404, 'BadRequest', 'Invalid version.');
    const path = url.pathname.slice('/v1.0'.length);

    // Authentication comes first, as in Graph: no body is looked at without a valid token.
    const auth = headerValue(req, 'authorization');
    const bearer = auth && /^Bearer (\S+)$/.exec(auth);
    if (!bearer) return fail(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const check = this.tokens.checkAccessToken(bearer[1]!);
    if (!check.ok) {
      return fail(
        401,
        'InvalidAuthenticationToken',
        check.reason === 'expired'
          ? 'Lifetime validation failed, the token is expired.'
          : 'IDX14100: JWT is not well formed.',
        { 'www-authenticate': 'Bearer realm="", error="invalid_token"' },
      );
    }

    const fault = this.takeFault(method, path);
    if (fault?.kind === 'server-error') {
      return fail(500, 'generalException', 'An internal server error occurred.');
    }
    if (fault?.kind === 'throttle') {
      return fail(429, 'TooManyRequests', 'Application is over its MailboxConcurrency limit.', {
        'retry-after': String(fault.retryAfter ?? 1),
      });
    }
    if (fault?.kind === 'expired-token') {
      return fail(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    }

    const body = await readBody(req, GRAPH_REQUEST_LIMIT);
    if (body.overLimit) {
      return fail(413, 'RequestEntityTooLarge', 'The request body exceeds the maximum of 4 MB.');
    }
    // Graph permissions per API page: Mail.Read (or ReadWrite) to read, Mail.Send for sendMail and send,
    // Mail.ReadWrite to create, attach to and delete drafts (the large-message path needs it).
    const needs = (scope: string) =>
      check.scopes.includes(scope) || (scope === 'Mail.Read' && check.scopes.includes('Mail.ReadWrite'));
    const denied = () => fail(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

    let m: RegExpExecArray | null;
    if (path === '/me/sendMail') {
      if (method !== 'POST') return fail(405, 'Request_BadRequest', 'Method not allowed.');
      if (!needs('Mail.Send')) return denied();
      return this.sendMail(req, res, body.bytes, fail, record);
    }
    if (path === '/me/messages') {
      if (method !== 'POST') return fail(405, 'Request_BadRequest', 'Method not allowed.');
      if (!needs('Mail.ReadWrite')) return denied();
      return this.createDraft(req, res, body.bytes, fail, record);
    }
    if ((m = /^\/me\/messages\/([^/]+)\/\$value$/.exec(path))) {
      if (method !== 'GET') return fail(405, 'Request_BadRequest', 'Method not allowed.');
      if (!needs('Mail.Read')) return denied();
      const msg = this.messages.get(decodeURIComponent(m[1]!));
      if (!msg?.mime)
        return fail(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      record(200);
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(msg.mime.length) });
      res.end(Buffer.from(msg.mime));
      return;
    }
    if ((m = /^\/me\/messages\/([^/]+)\/attachments\/createUploadSession$/.exec(path))) {
      if (method !== 'POST') return fail(405, 'Request_BadRequest', 'Method not allowed.');
      if (!needs('Mail.ReadWrite')) return denied();
      return this.createUploadSession(req, res, decodeURIComponent(m[1]!), body.bytes, fail, record);
    }
    if ((m = /^\/me\/messages\/([^/]+)\/attachments$/.exec(path)) && method === 'GET') {
      if (!needs('Mail.Read')) return denied();
      return this.listAttachments(res, decodeURIComponent(m[1]!), fail, record);
    }
    if ((m = /^\/me\/messages\/([^/]+)\/attachments$/.exec(path))) {
      if (method !== 'POST') return fail(405, 'Request_BadRequest', 'Method not allowed.');
      if (!needs('Mail.ReadWrite')) return denied();
      return this.postAttachment(req, res, decodeURIComponent(m[1]!), body.bytes, fail, record);
    }
    if ((m = /^\/me\/messages\/([^/]+)\/send$/.exec(path))) {
      if (method !== 'POST') return fail(405, 'Request_BadRequest', 'Method not allowed.');
      if (!needs('Mail.Send')) return denied();
      return this.sendDraft(res, decodeURIComponent(m[1]!), fail, record);
    }
    if ((m = /^\/me\/messages\/([^/]+)$/.exec(path))) {
      if (method !== 'DELETE') return fail(405, 'Request_BadRequest', 'Method not allowed.');
      if (!needs('Mail.ReadWrite')) return denied();
      const id = decodeURIComponent(m[1]!);
      if (!this.messages.delete(id)) {
        return fail(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
      }
      record(204);
      return sendEmpty(res, 204);
    }
    return fail(400, 'BadRequest', `Resource not found for the segment '${path}'.`);
  }

  private sendMail(
    req: IncomingMessage,
    res: ServerResponse,
    body: Uint8Array,
    fail: (status: number, code: string, message: string) => void,
    record: (status: number) => void,
  ): void {
    const type = mediaType(req);
    if (type !== 'text/plain') {
      // This stand-in models only the MIME variant of sendMail (the JSON variant is not what Sello sends).
      return fail(
        400,
        'ErrorMimeContentInvalid',
        `Content-Type '${type}' is not the text/plain base64 MIME this stand-in accepts.`,
      );
    }
    const mime = decodeBase64Strict(body);
    if (!mime)
      return fail(400, 'ErrorMimeContentInvalidBase64String', 'Invalid base64 string for MIME content.');
    const headers = topHeaders(mime);
    if (!headers) return fail(400, 'ErrorMimeContentInvalid', 'The MIME content is not a valid message.');
    if (!headers.has('to') && !headers.has('cc') && !headers.has('bcc')) {
      return fail(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    }
    this.sent.push({ via: 'sendMail', mime, messageClass: null, draft: null });
    record(202);
    sendEmpty(res, 202);
  }

  private createDraft(
    req: IncomingMessage,
    res: ServerResponse,
    body: Uint8Array,
    fail: (status: number, code: string, message: string) => void,
    record: (status: number) => void,
  ): void {
    if (mediaType(req) !== 'application/json') {
      return fail(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
    }
    const json = parseJson(body);
    if (!json || typeof json !== 'object')
      return fail(400, 'BadRequest', 'Unable to read JSON request payload.');
    const j = json as Record<string, unknown>;
    const props = j.singleValueExtendedProperties ?? [];
    if (
      !Array.isArray(props) ||
      !props.every(
        (p: unknown) =>
          typeof p === 'object' &&
          p !== null &&
          typeof (p as ExtendedProperty).id === 'string' &&
          typeof (p as ExtendedProperty).value === 'string' &&
          /^(String|Integer|Boolean|Binary|SystemTime) (0x[0-9A-Fa-f]{4}|\{[0-9a-fA-F-]{36}\} Name \S+)$/.test(
            (p as ExtendedProperty).id,
          ),
      )
    ) {
      return fail(400, 'ErrorInvalidExtendedPropertyValue', 'The extended property is not valid.');
    }
    const messageClass = (props as ExtendedProperty[]).find((p) => p.id.toLowerCase() === 'string 0x001a');
    if (messageClass && !/^IPM\.Note(\.[A-Za-z0-9]+)*$/.test(messageClass.value)) {
      return fail(
        400,
        'ErrorInvalidExtendedPropertyValue',
        'PidTagMessageClass must name an IPM.Note class.',
      );
    }
    const recipients = (v: unknown): string[] | null => {
      if (v === undefined) return [];
      if (!Array.isArray(v)) return null;
      const out: string[] = [];
      for (const r of v) {
        const address = (r as { emailAddress?: { address?: unknown } })?.emailAddress?.address;
        if (typeof address !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(address)) return null;
        out.push(address);
      }
      return out;
    };
    const to = recipients(j.toRecipients);
    const cc = recipients(j.ccRecipients);
    const bcc = recipients(j.bccRecipients);
    if (!to || !cc || !bcc)
      return fail(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    const id = graphId();
    const draft: StoredMessage = {
      id,
      mime: null,
      isDraft: true,
      subject: typeof j.subject === 'string' ? j.subject : '',
      toRecipients: to,
      ccRecipients: cc,
      bccRecipients: bcc,
      extendedProperties: props as ExtendedProperty[],
      attachments: [],
    };
    this.messages.set(id, draft);
    record(201);
    sendJson(res, 201, {
      '@odata.context': `${this.baseUrl}/v1.0/$metadata#users('me')/messages/$entity`,
      id,
      isDraft: true,
      subject: draft.subject,
      toRecipients: to.map((address) => ({ emailAddress: { address } })),
      ccRecipients: cc.map((address) => ({ emailAddress: { address } })),
      bccRecipients: bcc.map((address) => ({ emailAddress: { address } })),
      hasAttachments: false,
    });
  }

  private createUploadSession(
    req: IncomingMessage,
    res: ServerResponse,
    messageId: string,
    body: Uint8Array,
    fail: (status: number, code: string, message: string) => void,
    record: (status: number) => void,
  ): void {
    const msg = this.messages.get(messageId);
    if (!msg) return fail(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    if (!msg.isDraft) return fail(400, 'ErrorInvalidOperation', 'Attachments can only be added to drafts.');
    if (mediaType(req) !== 'application/json') {
      return fail(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
    }
    const j = parseJson(body) as { AttachmentItem?: Record<string, unknown> } | null;
    const item = j?.AttachmentItem;
    if (!item || item.attachmentType !== 'file' || typeof item.name !== 'string' || !item.name) {
      return fail(
        400,
        'ErrorInvalidRequest',
        "AttachmentItem with attachmentType 'file' and a name is required.",
      );
    }
    if (typeof item.size !== 'number' || !Number.isInteger(item.size) || item.size <= 0) {
      return fail(400, 'ErrorInvalidRequest', 'AttachmentItem.size must be a positive integer.');
    }
    if (item.size > UPLOAD_SESSION_MAX) {
      return fail(413, 'ErrorAttachmentSizeLimitExceeded', 'The attachment is larger than 150 MB.');
    }
    if (item.size < UPLOAD_SESSION_MIN) {
      return fail(
        400,
        'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
        'Attachment size should not be less than the minimum size; attach files under 3 MB with a POST to attachments.',
      );
    }
    const sessionId = Buffer.from(randomBytes(18)).toString('base64url');
    const expiresAt = Date.now() + 15 * 60_000;
    this.sessions.set(sessionId, {
      messageId,
      name: item.name,
      contentType: typeof item.contentType === 'string' ? item.contentType : 'application/octet-stream',
      size: item.size,
      received: [],
      next: 0,
      expiresAt,
    });
    record(201);
    sendJson(res, 201, {
      '@odata.context': `${this.baseUrl}/v1.0/$metadata#microsoft.graph.uploadSession`,
      // Microsoft's is https://outlook.office.com/api/v2.0/Users(…)/Messages(…)/AttachmentSessions(…)?authtoken=…;
      // what matters here is the other origin and the token in the URL, not the path.
      uploadUrl: `${this.uploadBaseUrl}/upload/${sessionId}?authtoken=${randomUUID()}`,
      expirationDateTime: new Date(expiresAt).toISOString(),
      nextExpectedRanges: ['0-'],
    });
  }

  /**
   * message-list-attachments: every attachment with the base attachment properties; a fileAttachment
   * adds contentId, contentLocation and contentBytes (base64), an itemAttachment or referenceAttachment
   * has no content (contentType null).
   */
  private listAttachments(
    res: ServerResponse,
    messageId: string,
    fail: (status: number, code: string, message: string) => void,
    record: (status: number) => void,
  ): void {
    const msg = this.messages.get(messageId);
    if (!msg) return fail(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const value = msg.attachments.map((a) => {
      const kind = a.kind ?? 'fileAttachment';
      const base = {
        '@odata.type': `#microsoft.graph.${kind}`,
        id: a.id,
        lastModifiedDateTime: new Date().toISOString(),
        name: a.name,
        contentType: kind === 'fileAttachment' ? a.contentType : null,
        size: a.size,
        isInline: a.isInline === true,
      };
      if (kind !== 'fileAttachment') return base;
      return {
        '@odata.mediaContentType': a.contentType,
        ...base,
        contentId: a.contentId ?? null,
        contentLocation: null,
        contentBytes: Buffer.from(a.content).toString('base64'),
      };
    });
    record(200);
    sendJson(res, 200, {
      '@odata.context': `${this.baseUrl}/v1.0/$metadata#users('me')/messages('${msg.id}')/attachments`,
      value,
    });
  }

  /**
   * A fileAttachment under 3 MB, as message-post-attachments documents it: @odata.type, name and
   * contentBytes (base64) required, contentType and isInline optional; other properties are refused
   * as OData refuses properties a type does not have.
   */
  private postAttachment(
    req: IncomingMessage,
    res: ServerResponse,
    messageId: string,
    body: Uint8Array,
    fail: (status: number, code: string, message: string) => void,
    record: (status: number) => void,
  ): void {
    const msg = this.messages.get(messageId);
    if (!msg) return fail(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    if (!msg.isDraft) return fail(400, 'ErrorInvalidOperation', 'Attachments can only be added to drafts.');
    if (mediaType(req) !== 'application/json') {
      return fail(415, 'UnsupportedMediaType', 'Content-Type must be application/json.');
    }
    const j = parseJson(body);
    if (!j || typeof j !== 'object' || Array.isArray(j)) {
      return fail(400, 'BadRequest', 'Unable to read JSON request payload.');
    }
    const a = j as Record<string, unknown>;
    const known = new Set(['@odata.type', 'name', 'contentType', 'contentBytes', 'isInline', 'contentId']);
    const unknown = Object.keys(a).find((k) => !known.has(k));
    if (unknown) {
      return fail(
        400,
        'RequestBodyRead',
        `The property '${unknown}' does not exist on type 'microsoft.graph.fileAttachment'.`,
      );
    }
    if (a['@odata.type'] !== '#microsoft.graph.fileAttachment') {
      return fail(400, 'ErrorInvalidRequest', "@odata.type must be '#microsoft.graph.fileAttachment'.");
    }
    if (typeof a.name !== 'string' || !a.name) return fail(400, 'ErrorInvalidRequest', 'name is required.');
    if (a.contentType !== undefined && typeof a.contentType !== 'string') {
      return fail(400, 'RequestBodyRead', 'contentType must be a string.');
    }
    if (a.isInline !== undefined && typeof a.isInline !== 'boolean') {
      return fail(400, 'RequestBodyRead', 'isInline must be a boolean.');
    }
    if (a.contentId !== undefined && typeof a.contentId !== 'string') {
      return fail(400, 'RequestBodyRead', 'contentId must be a string.');
    }
    const content =
      typeof a.contentBytes === 'string'
        ? decodeBase64Strict(new TextEncoder().encode(a.contentBytes))
        : null;
    if (!content) return fail(400, 'ErrorInvalidRequest', 'contentBytes must be non-empty base64.');
    const attachment: StoredAttachment = {
      id: graphId(),
      name: a.name,
      contentType: typeof a.contentType === 'string' ? a.contentType : 'application/octet-stream',
      size: content.length,
      content,
    };
    msg.attachments.push(attachment);
    record(201);
    sendJson(res, 201, {
      '@odata.context': `${this.baseUrl}/v1.0/$metadata#users('me')/messages('${msg.id}')/attachments/$entity`,
      '@odata.type': '#microsoft.graph.fileAttachment',
      id: attachment.id,
      name: attachment.name,
      contentType: attachment.contentType,
      size: attachment.size,
      isInline: a.isInline === true,
      lastModifiedDateTime: new Date().toISOString(),
    });
  }

  /** The upload host: only upload-session PUTs (and their CORS preflights) are answered here. */
  private async handleUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (answerPreflight(req, res)) return;
    applyCors(req, res);
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const record = (status: number, errorCode?: string) =>
      this.requests.push({ method, path: url.pathname, status, ...(errorCode ? { errorCode } : {}) });
    const fail = (status: number, code: string, message: string, headers: Record<string, string> = {}) => {
      record(status, code);
      graphError(res, status, code, message, headers);
    };
    const m = /^\/upload\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (!m) return fail(404, 'ResourceNotFound', 'Not an attachment session.');
    return this.uploadChunk(req, res, m[1]!, url, fail, record);
  }

  private async uploadChunk(
    req: IncomingMessage,
    res: ServerResponse,
    sessionId: string,
    url: URL,
    fail: (status: number, code: string, message: string, headers?: Record<string, string>) => void,
    record: (status: number) => void,
  ): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session || !url.searchParams.get('authtoken')) {
      return fail(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
    }
    if (req.method !== 'PUT') return fail(405, 'Request_BadRequest', 'Method not allowed.');
    // Documented: the uploadUrl is pre-authenticated; an Authorization header makes the PUT fail.
    if (headerValue(req, 'authorization') !== undefined) {
      return fail(401, 'InvalidAuthenticationToken', 'Do not send an Authorization header to the uploadUrl.');
    }
    // Faults reach the upload host too, matched on the path '/upload'.
    const fault = this.takeFault('PUT', '/upload');
    if (fault?.kind === 'server-error') {
      return fail(500, 'generalException', 'An internal server error occurred.');
    }
    if (fault?.kind === 'throttle') {
      return fail(429, 'TooManyRequests', 'Application is over its MailboxConcurrency limit.', {
        'retry-after': String(fault.retryAfter ?? 1),
      });
    }
    if (fault?.kind === 'expired-token') {
      // Here it is the uploadUrl's own authtoken that has expired.
      return fail(401, 'InvalidAuthenticationToken', 'The upload session token has expired.');
    }
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(headerValue(req, 'content-range') ?? '');
    if (!range) return fail(400, 'InvalidContentRange', 'Content-Range must be "bytes start-end/total".');
    const start = Number(range[1]);
    const end = Number(range[2]);
    const total = Number(range[3]);
    const body = await readBody(req, GRAPH_REQUEST_LIMIT);
    if (body.overLimit) return fail(413, 'RequestEntityTooLarge', 'A chunk must be smaller than 4 MB.');
    if (total !== session.size) {
      return fail(
        400,
        'InvalidContentRange',
        `The total ${total} does not match the session size ${session.size}.`,
      );
    }
    if (start !== session.next || end < start || end >= total) {
      return fail(
        416,
        'InvalidRange',
        `The range ${start}-${end} is not the next expected range ${session.next}-.`,
      );
    }
    if (body.length !== end - start + 1) {
      return fail(400, 'InvalidContentRange', 'The body length does not match Content-Range.');
    }
    const declared = headerValue(req, 'content-length');
    if (declared !== undefined && Number(declared) !== body.length) {
      return fail(400, 'InvalidContentLength', 'Content-Length does not match the body.');
    }
    session.received.push(Buffer.from(body.bytes));
    session.next = end + 1;
    if (session.next < session.size) {
      record(200);
      return sendJson(res, 200, {
        expirationDateTime: new Date(session.expiresAt).toISOString(),
        nextExpectedRanges: [`${session.next}-`],
      });
    }
    this.sessions.delete(sessionId);
    const msg = this.messages.get(session.messageId);
    if (!msg) return fail(404, 'ErrorItemNotFound', 'The message was deleted during the upload.');
    const attachmentId = graphId();
    msg.attachments.push({
      id: attachmentId,
      name: session.name,
      contentType: session.contentType,
      size: session.size,
      content: new Uint8Array(Buffer.concat(session.received)),
    });
    record(201);
    sendEmpty(res, 201, {
      location: `${this.baseUrl}/v1.0/me/messages/${encodeURIComponent(msg.id)}/attachments/${encodeURIComponent(attachmentId)}`,
    });
  }

  private sendDraft(
    res: ServerResponse,
    id: string,
    fail: (status: number, code: string, message: string) => void,
    record: (status: number) => void,
  ): void {
    const msg = this.messages.get(id);
    if (!msg) return fail(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    if (!msg.isDraft) return fail(400, 'ErrorInvalidOperation', 'Only drafts can be sent.');
    if (msg.toRecipients.length + msg.ccRecipients.length + msg.bccRecipients.length === 0) {
      return fail(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid.');
    }
    const messageClass =
      msg.extendedProperties.find((p) => p.id.toLowerCase() === 'string 0x001a')?.value ?? 'IPM.Note';
    const p7m = msg.attachments.find((a) => a.name === 'smime.p7m');
    if (messageClass.startsWith('IPM.Note.SMIME') && (!p7m || msg.attachments.length !== 1)) {
      return fail(400, 'ErrorInvalidOperation', 'An IPM.Note.SMIME item must carry exactly one smime.p7m.');
    }
    const mime = renderSentMime(msg, messageClass, p7m ?? null);
    this.messages.delete(id);
    this.sent.push({ via: 'draft-send', mime, messageClass, draft: msg });
    record(202);
    sendEmpty(res, 202);
  }
}

/** Exchange's rendering of an S/MIME item as MIME (the stand-in's model; see the file header). */
export function renderSentMime(
  msg: StoredMessage,
  messageClass: string,
  p7m: StoredAttachment | null,
): Uint8Array {
  const lines = [
    `Message-ID: <${randomUUID()}@standin.graph>`,
    `Date: ${new Date().toUTCString()}`,
    `Subject: ${msg.subject}`,
    ...(msg.toRecipients.length ? [`To: ${msg.toRecipients.join(', ')}`] : []),
    ...(msg.ccRecipients.length ? [`Cc: ${msg.ccRecipients.join(', ')}`] : []),
    'MIME-Version: 1.0',
  ];
  if (messageClass === 'IPM.Note.SMIME.MultipartSigned' && p7m) {
    // smime.p7m holds the whole multipart/signed entity, headers included.
    return concat(Buffer.from(lines.join('\r\n') + '\r\n'), p7m.content);
  }
  if (messageClass === 'IPM.Note.SMIME' && p7m) {
    const b64 = Buffer.from(p7m.content).toString('base64').replace(/.{76}/g, '$&\r\n');
    lines.push(
      'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
      'Content-Disposition: attachment; filename="smime.p7m"',
      'Content-Transfer-Encoding: base64',
      '',
      b64,
    );
    return new Uint8Array(Buffer.from(lines.join('\r\n') + '\r\n'));
  }
  lines.push('Content-Type: text/plain; charset=utf-8', '', '');
  return new Uint8Array(Buffer.from(lines.join('\r\n')));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  return new Uint8Array(Buffer.concat([a, b]));
}

function graphError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const requestId = randomUUID();
  sendJson(
    res,
    status,
    {
      error: {
        code,
        message,
        innerError: {
          date: new Date().toISOString(),
          'request-id': requestId,
          'client-request-id': requestId,
        },
      },
    },
    { ...headers, 'request-id': requestId },
  );
}

function mediaType(req: IncomingMessage): string {
  return (headerValue(req, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJson(body: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    // Not JSON: the caller answers 400 with Graph's "Unable to read JSON request payload".
    return null;
  }
}

/** Base64 as Graph expects it for MIME: the alphabet with padding; line breaks tolerated. */
export function decodeBase64Strict(body: Uint8Array): Uint8Array | null {
  const text = Buffer.from(body).toString('latin1').replace(/\r?\n/g, '');
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64_BODY.test(text)) return null;
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** Header names of the top-level header block, or null when there is no header block. */
function topHeaders(mime: Uint8Array): Set<string> | null {
  const text = Buffer.from(mime).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  if (end <= 0) return null;
  const names = new Set<string>();
  for (const line of text.slice(0, end).split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) continue;
    const m = /^([!-9;-~]+):/.exec(line);
    if (!m) return null;
    names.add(m[1]!.toLowerCase());
  }
  return names;
}

function graphId(): string {
  // Graph (REST) message ids: base64 of the entry id beginning with AAMk, with '-' and '_' where EWS ids
  // have '/' and '+' (what convertToRestId changes), ending in '='; the shape matters for URL encoding.
  return `AAMkAG${Buffer.from(randomBytes(30)).toString('base64').replace(/\//g, '-').replace(/\+/g, '_')}=`;
}
