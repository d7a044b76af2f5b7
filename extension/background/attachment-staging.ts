/**
 * Large attachments reach the worker in slices before `compose.send`. One runtime message carrying a
 * 25 MB attachment (34 MB of base64) held the compose frame's main thread for 150-560 ms while the
 * browser serialised it; the same bytes as 4 MiB messages leave no task over 50 ms (measured in the
 * frame with a longtask observer). The slices are kept in this worker's memory only until the send
 * that follows takes them, and the sender check applies to every slice as to any message.
 */
import { SelloError } from '../../shared/errors';
import type { Draft } from './messages';

/** Per draft, per attachment index: the base64 slices received so far, in order. */
const staged = new Map<string, string[][]>();

/** Same ceiling as one attachment in a draft (messages.ts BIG_B64): a frame cannot grow this without end. */
const MAX_ATTACHMENT_CHARS = 48 * 1024 * 1024;

/** `first` starts the attachment afresh (a second attempt to send restages everything). */
export function stageAttachmentSlice(draftId: string, index: number, slice: string, first: boolean): void {
  let parts = staged.get(draftId);
  if (!parts || (first && index === 0)) staged.set(draftId, (parts = []));
  if (first) parts[index] = [];
  const current = parts[index];
  if (!current)
    throw new SelloError('message.invalid', 'An attachment slice arrived before its first slice.');
  const size = current.reduce((n, s) => n + s.length, 0) + slice.length;
  if (size > MAX_ATTACHMENT_CHARS)
    throw new SelloError('message.invalid', 'The attachment is larger than Sello accepts.');
  current.push(slice);
}

/**
 * The draft with each attachment's data taken from what was staged for it (and forgotten here). The
 * frame sends staged attachments with empty data; if the worker restarted between the slices and the
 * send, what was staged is gone and the send is refused rather than made with empty attachments.
 */
export function withStagedAttachments(draftId: string, draft: Draft): Draft {
  const parts = staged.get(draftId);
  staged.delete(draftId);
  if (!parts || parts.length !== draft.attachments.length || draft.attachments.some((_, i) => !parts[i]))
    throw new SelloError(
      'message.attachments-lost',
      'The attachments did not reach Sello completely. Press Send again.',
    );
  return { ...draft, attachments: draft.attachments.map((a, i) => ({ ...a, data: parts[i]!.join('') })) };
}
