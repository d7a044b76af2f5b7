/**
 * The service worker's single entry point for messages: check the sender (from what the browser
 * reports), validate the message against its schema, run the handler, and answer with `Reply`. Errors
 * cross as `{code, message}` only; no stack, no key material, no plaintext is logged or returned.
 */
import * as v from 'valibot';
import browser, { type Runtime } from 'webextension-polyfill';
import { SelloError, isSelloError } from '../../shared/errors';
import { requestSchema, type Reply, type RequestOf, type RequestType } from './messages';
import type { ReplyOf } from './replies';
import { authorizeSender, originOf, type Self } from './sender-policy';
import { CONTENT_SCRIPT_TYPES } from './graph/owa-messages';
import { authorizeOwaContentScript } from './graph/owa-sender';

/** What the router learnt about the sender: the OWA tab of a content script. */
export interface HandlerContext {
  tabId: number | null;
}

export type Handlers = {
  [T in RequestType]: (req: RequestOf<T>, ctx: HandlerContext) => Promise<ReplyOf<T>>;
};

export async function dispatch(
  raw: unknown,
  sender: Runtime.MessageSender,
  self: Self,
  handlers: Handlers,
): Promise<Reply<unknown>> {
  try {
    const parsed = v.safeParse(requestSchema, raw);
    if (!parsed.success) {
      throw new SelloError('message.invalid', 'The request was not understood.');
    }
    const req = parsed.output;
    const ctx: HandlerContext = { tabId: null };
    if (CONTENT_SCRIPT_TYPES.has(req.type)) {
      ctx.tabId = await authorizeOwaContentScript(
        { ...sender, origin: (sender as { origin?: string }).origin },
        self,
      );
    } else {
      authorizeSender(
        { id: sender.id, url: sender.url, origin: (sender as { origin?: string }).origin },
        req.type,
        self,
      );
    }
    const handler = handlers[req.type] as (r: typeof req, c: HandlerContext) => Promise<unknown>;
    return { ok: true, value: await handler(req, ctx) };
  } catch (e) {
    if (isSelloError(e)) {
      if (e.code === 'message.sender-refused')
        console.warn(`sello: refused a message from ${sender.url ?? 'an unknown sender'}`);
      return { ok: false, error: e.toJSON() };
    }
    // Only the error's class name: messages of dependencies might quote data.
    console.error(`sello: internal error (${e instanceof Error ? e.name : typeof e})`);
    return { ok: false, error: { code: 'message.internal', message: 'Something went wrong inside Sello.' } };
  }
}

export function installRouter(handlers: Handlers): void {
  const self: Self = { id: browser.runtime.id, origin: originOf(browser.runtime.getURL('/')) ?? '' };
  browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) =>
    dispatch(raw, sender, self, handlers),
  );
}
