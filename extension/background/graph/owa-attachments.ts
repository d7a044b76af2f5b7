/**
 * Pure mapping of an OWA server draft's attachments, as Graph lists them
 * (https://learn.microsoft.com/graph/api/message-list-attachments), into Sello draft attachments.
 * Only a fileAttachment carries its bytes (contentBytes, base64). An itemAttachment (an attached
 * mail, event or contact) and a referenceAttachment (a link to a OneDrive/SharePoint file) have none
 * Sello could seal and send, and a file over the draft's per-attachment cap would be refused by the
 * draft schema: each is named in `notTakenOver`, so the compose frame tells the user instead of the
 * attachment silently going missing.
 */
import type { Draft } from '../messages';

/** The same per-attachment ceiling the compose frame and Exchange put on a file: 25 MB. */
export const MAX_TAKEN_OVER_BYTES = 25 * 1024 * 1024;
/** draftSchema's attachments.maxLength. */
export const MAX_TAKEN_OVER_COUNT = 100;

/** 'unavailable': the attachment list itself could not be fetched (name is then empty). */
export type NotTakenOverReason = 'linked-or-item' | 'too-large' | 'too-many' | 'unreadable' | 'unavailable';
export interface NotTakenOver {
  name: string;
  reason: NotTakenOverReason;
}

export interface TakenOver {
  attachments: Draft['attachments'];
  notTakenOver: NotTakenOver[];
}

const MEDIA_TYPE = /^[\w.+-]+\/[\w.+-]+$/;
const BASE64 = /^[A-Za-z0-9+/=\r\n]*$/;
/** Content-ID as the MIME builder accepts it (printable ASCII without spaces or angle brackets). */
const CONTENT_ID = /^[\x21-\x3b\x3d\x3f-\x7e]{1,250}$/;

/** Graph's contentType may carry parameters ("text/plain; charset=utf-8") or be null. */
function mediaType(value: unknown): string {
  const bare = typeof value === 'string' ? (value.split(';')[0] ?? '').trim().toLowerCase() : '';
  return MEDIA_TYPE.test(bare) && bare.length <= 127 ? bare : 'application/octet-stream';
}

function nameOf(a: Record<string, unknown>): string {
  const name = typeof a.name === 'string' ? a.name.trim() : '';
  return (name || 'attachment').slice(0, 255);
}

function decodedSize(b64: string): number {
  const clean = b64.replace(/[\r\n]/g, '');
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  return Math.floor((clean.length * 3) / 4) - pad;
}

export function takeOverAttachments(listed: readonly unknown[]): TakenOver {
  const out: TakenOver = { attachments: [], notTakenOver: [] };
  for (const item of listed) {
    const a = item && typeof item === 'object' ? (item as Record<string, unknown>) : {};
    const name = nameOf(a);
    if (a['@odata.type'] !== '#microsoft.graph.fileAttachment') {
      out.notTakenOver.push({ name, reason: 'linked-or-item' });
      continue;
    }
    const bytes = a.contentBytes;
    if (typeof bytes !== 'string' || !BASE64.test(bytes)) {
      out.notTakenOver.push({ name, reason: 'unreadable' });
      continue;
    }
    const size = decodedSize(bytes);
    if (size > MAX_TAKEN_OVER_BYTES) {
      out.notTakenOver.push({ name, reason: 'too-large' });
      continue;
    }
    if (out.attachments.length >= MAX_TAKEN_OVER_COUNT) {
      out.notTakenOver.push({ name, reason: 'too-many' });
      continue;
    }
    const cid = typeof a.contentId === 'string' ? a.contentId.replace(/^<|>$/g, '') : '';
    out.attachments.push({
      name,
      type: mediaType(a.contentType),
      data: bytes.replace(/[\r\n]/g, ''),
      // An inline image keeps its Content-ID so a body that refers to it (cid:) still can.
      ...(a.isInline === true && CONTENT_ID.test(cid) ? { contentId: cid } : {}),
    });
  }
  return out;
}
