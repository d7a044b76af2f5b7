/**
 * The few messages the OWA content script may send, and what they answer. They carry message ids,
 * the OWA draft's own fields (already in the page) and UI events only: no reply ever carries message
 * plaintext or key material, because the page around the content script must never receive either.
 * Plaintext goes from the service worker to the extension-origin frames through sealed drafts and
 * staged tokens, never through the content script.
 */
import * as v from 'valibot';

/** Graph REST ids (base64 with '-' and '_'), and EWS ids as OWA shows them ('/' and '+'). */
export const GRAPH_ID = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_\-+/=]{8,512}$/));
const ADDRESS = v.pipe(v.string(), v.trim(), v.maxLength(320), v.email());

const m = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), ...entries });

export const owaRequests = [
  m('owa.status', {}),
  m('owa.sign-in', {}),
  m('owa.sign-out', {}),
  m('owa.open', { messageId: GRAPH_ID }),
  m('owa.compose', {
    /** What the content script could read from the OWA compose form (the page has it anyway). */
    prefill: v.nullable(
      v.strictObject({
        to: v.pipe(v.array(ADDRESS), v.maxLength(500)),
        cc: v.pipe(v.array(ADDRESS), v.maxLength(500)),
        bcc: v.pipe(v.array(ADDRESS), v.maxLength(500)),
        subject: v.pipe(v.string(), v.maxLength(998)),
        text: v.pipe(v.string(), v.maxLength(1024 * 1024)),
      }),
    ),
    /** The OWA draft's id when OWA has already saved it to the server. */
    owaDraftId: v.nullable(GRAPH_ID),
  }),
  m('owa.delete-draft', { owaDraftId: GRAPH_ID }),
  m('owa.reply', { messageId: GRAPH_ID }),
] as const;

export type OwaRequestType =
  | 'owa.status'
  | 'owa.sign-in'
  | 'owa.sign-out'
  | 'owa.open'
  | 'owa.compose'
  | 'owa.delete-draft'
  | 'owa.reply';

/** Content scripts may send these and nothing else (docs/extension.md, "Which component may send what"). */
export const CONTENT_SCRIPT_TYPES: ReadonlySet<string> = new Set<OwaRequestType>([
  'owa.status',
  'owa.sign-in',
  'owa.sign-out',
  'owa.open',
  'owa.compose',
  'owa.delete-draft',
  'owa.reply',
]);

export interface AuthStatusView {
  /** A client id is set (settings or policy): Graph can be used at all. */
  configured: boolean;
  signedIn: boolean;
  /** The last refresh failed or a token was refused: the user must sign in again. */
  signInRequired: boolean;
}

export interface OwaReplyMap {
  'owa.status': AuthStatusView & { alwaysEncrypt: boolean };
  'owa.sign-in': AuthStatusView;
  'owa.sign-out': AuthStatusView;
  /** A single-use token for the read frame (`#token=`), never the message. */
  'owa.open': { token: string };
  /** The sealed Sello draft the compose frame opens (`#draft=`). */
  'owa.compose': { draftId: string; serverDraftUnencrypted: boolean };
  'owa.delete-draft': { deleted: boolean };
  'owa.reply': { draftId: string };
}

const DRAFT_ID = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
const COUNT = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(Number.MAX_SAFE_INTEGER));

/**
 * Events the service worker sends to the OWA tab (tabs.sendMessage): UI state only. The content script
 * checks the sender and then this schema, as the worker does for requests: an event of another shape
 * (a bug, or a future worker talking to an older content script) is dropped, never half-read.
 */
export const owaEventSchema = v.variant('type', [
  v.strictObject({
    type: v.literal('sello.progress'),
    draftId: DRAFT_ID,
    sent: COUNT,
    total: v.pipe(COUNT, v.minValue(1)),
  }),
  v.strictObject({ type: v.literal('sello.sent'), draftId: DRAFT_ID, owaDraftId: v.nullable(GRAPH_ID) }),
  v.strictObject({ type: v.literal('sello.auth-changed') }),
]);

export type OwaEvent = v.InferOutput<typeof owaEventSchema>;

/** No extension page sends these (MESSAGE_ACCESS); only the content script does. */
export const OWA_PAGE_ACCESS: Record<OwaRequestType, never[]> = {
  'owa.status': [],
  'owa.sign-in': [],
  'owa.sign-out': [],
  'owa.open': [],
  'owa.compose': [],
  'owa.delete-draft': [],
  'owa.reply': [],
};
