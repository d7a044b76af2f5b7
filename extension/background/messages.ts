/**
 * Every message a page or frame may send to the service worker: one valibot discriminated union,
 * validated at runtime in the router before any handler runs. Binary travels as base64 strings because
 * extension messaging carries JSON-like values only. `MESSAGE_ACCESS` says which of our own pages may
 * send each type; the router decides from the URL the browser reports, never from the message.
 */
import * as v from 'valibot';
import { OWA_PAGE_ACCESS, owaRequests } from './graph/owa-messages';

const B64 = v.pipe(v.string(), v.regex(/^[A-Za-z0-9+/=\r\n]*$/, 'must be base64'));
// 25 MB attachments become ~34 MB of base64; leave headroom for the rest of the message.
const BIG_B64 = v.pipe(B64, v.maxLength(48 * 1024 * 1024));
const SMALL_B64 = v.pipe(B64, v.maxLength(4 * 1024 * 1024));
const ID = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));
const FINGERPRINT = v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/));
const PASSWORD = v.pipe(v.string(), v.maxLength(1024));
const ADDRESS = v.pipe(v.string(), v.trim(), v.maxLength(320), v.email());
const FILE_NAME = v.pipe(v.string(), v.maxLength(255));

const attachment = v.strictObject({
  name: FILE_NAME,
  type: v.pipe(v.string(), v.regex(/^[\w.+-]+\/[\w.+-]+$/), v.maxLength(127)),
  data: BIG_B64,
  /**
   * An inline image's Content-ID, kept from an OWA draft's attachment (graph/owa-attachments.ts). It
   * goes into the MIME part as is; the part stays a normal attachment (see core.ts buildMail).
   */
  contentId: v.optional(v.pipe(v.string(), v.regex(/^[\x21-\x3b\x3d\x3f-\x7e]{1,250}$/))),
});

export const draftSchema = v.strictObject({
  to: v.pipe(v.array(ADDRESS), v.maxLength(500)),
  cc: v.pipe(v.array(ADDRESS), v.maxLength(500)),
  bcc: v.pipe(v.array(ADDRESS), v.maxLength(500)),
  subject: v.pipe(v.string(), v.maxLength(998)),
  /**
   * Sanitised by the compose frame (DOMPurify, formatting only) when it loads a draft and again when it
   * collects the editor for saving or sending; only that frame may send drafts.save and compose.send
   * (MESSAGE_ACCESS). The worker has no DOM to run DOMPurify in and does not sanitise again: it builds
   * this into MIME as is, so it is only as clean as the frame made it.
   */
  html: v.pipe(v.string(), v.maxLength(8 * 1024 * 1024)),
  /** The plain-text alternative, taken from the editor by the frame. */
  text: v.pipe(v.string(), v.maxLength(8 * 1024 * 1024)),
  sign: v.boolean(),
  encrypt: v.boolean(),
  attachments: v.pipe(v.array(attachment), v.maxLength(100)),
});
export type Draft = v.InferOutput<typeof draftSchema>;

const settingValue = v.union([
  v.boolean(),
  v.number(),
  v.pipe(v.string(), v.maxLength(4096)),
  v.pipe(v.array(v.pipe(v.string(), v.maxLength(8192))), v.maxLength(500)),
]);

const m = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.strictObject({ type: v.literal(type), ...entries });

export const requestSchema = v.variant('type', [
  m('keystore.status', {}),
  m('keystore.unlock', { passphrase: PASSWORD }),
  m('keystore.lock', {}),
  m('keystore.set-passphrase', { current: v.nullable(PASSWORD), next: v.nullable(PASSWORD) }),
  m('identities.list', {}),
  m('identities.import-pkcs12', { file: SMALL_B64, password: PASSWORD }),
  m('identities.export-pkcs12', { id: ID, password: v.pipe(PASSWORD, v.minLength(8)) }),
  m('identities.remove', { id: ID }),
  m('identities.set-default-signing', { id: ID }),
  m('identities.set-encryption-for', { address: ADDRESS, id: ID }),
  m('recipients.list', {}),
  m('recipients.import', { file: SMALL_B64, fileName: FILE_NAME }),
  m('recipients.remove', { fingerprint: FINGERPRINT }),
  m('recipients.changes', {}),
  // The user's answer to a correspondent's move to another key or issuer (certificate-changes.ts).
  m('recipients.resolve-change', {
    address: ADDRESS,
    decision: v.picklist(['use-new', 'keep-previous']),
  }),
  m('trust.list', {}),
  m('trust.import', { file: SMALL_B64, fileName: FILE_NAME }),
  m('trust.remove', { fingerprint: FINGERPRINT }),
  m('settings.get', {}),
  m('settings.set', { key: v.pipe(v.string(), v.maxLength(64)), value: v.nullable(settingValue) }),
  m('transport.get', {}),
  m('transport.set', { url: v.pipe(v.string(), v.maxLength(2048)) }),
  m('compose.recipient-status', { addresses: v.pipe(v.array(ADDRESS), v.maxLength(1500)) }),
  // A large attachment arrives first in slices (attachment-staging.ts); `staged` then says the draft's
  // attachments carry no data of their own.
  m('compose.stage-attachment', {
    draftId: ID,
    index: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(99)),
    slice: v.pipe(B64, v.maxLength(8 * 1024 * 1024)),
    first: v.boolean(),
  }),
  m('compose.send', { draftId: ID, draft: draftSchema, staged: v.optional(v.boolean()) }),
  m('drafts.save', { draftId: ID, draft: draftSchema, keepAttachments: v.boolean() }),
  m('drafts.load', { draftId: ID }),
  m('drafts.delete', { draftId: ID }),
  m('read.stage', { message: BIG_B64 }),
  m('read.open', {
    source: v.variant('kind', [
      v.strictObject({ kind: v.literal('bytes'), message: BIG_B64 }),
      v.strictObject({ kind: v.literal('token'), token: ID }),
    ]),
  }),
  // Sent by the OWA content script only (graph/owa-sender.ts checks that sender).
  ...owaRequests,
]);

export type Request = v.InferOutput<typeof requestSchema>;
export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

/** Extension pages, by path in the built extension. */
export type PageName = 'options' | 'compose' | 'read';
export const PAGE_PATHS: Record<PageName, string> = {
  options: '/frames/options/index.html',
  compose: '/frames/compose/index.html',
  read: '/frames/read/index.html',
};

const ALL: PageName[] = ['options', 'compose', 'read'];
/**
 * Which component may send what (Mailvelope keeps a table like this). Key management, trust and
 * settings changes only from the options page; sending only from compose; opening only from read.
 * Content scripts (OWA, next issue) get no entry yet, so every message from one is refused.
 */
export const MESSAGE_ACCESS: Record<RequestType, PageName[]> = {
  'keystore.status': ALL,
  'keystore.unlock': ALL,
  'keystore.lock': ALL,
  'keystore.set-passphrase': ['options'],
  'identities.list': ['options', 'compose'],
  'identities.import-pkcs12': ['options'],
  'identities.export-pkcs12': ['options'],
  'identities.remove': ['options'],
  'identities.set-default-signing': ['options'],
  'identities.set-encryption-for': ['options'],
  'recipients.list': ['options'],
  'recipients.import': ['options'],
  'recipients.remove': ['options'],
  'recipients.changes': ['options'],
  // Asked where the user meets the change: composing to that recipient, or the options page.
  'recipients.resolve-change': ['options', 'compose'],
  'trust.list': ['options'],
  'trust.import': ['options'],
  'trust.remove': ['options'],
  'settings.get': ALL,
  'settings.set': ['options'],
  'transport.get': ['options'],
  'transport.set': ['options'],
  'compose.recipient-status': ['compose'],
  'compose.stage-attachment': ['compose'],
  'compose.send': ['compose'],
  'drafts.save': ['compose'],
  'drafts.load': ['compose'],
  'drafts.delete': ['compose'],
  'read.stage': ['read'],
  'read.open': ['read'],
  ...OWA_PAGE_ACCESS,
};

/** What every reply looks like: JSON-only, errors as a stable code and a safe message. */
export type Reply<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
