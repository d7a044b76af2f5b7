/**
 * STAND-IN for the Outlook host's Office.js (the `Office` global that office.js provides to a mail
 * add-in), follows the Office JavaScript API reference for Outlook
 * (https://learn.microsoft.com/javascript/api/outlook) and its asynchronous programming model
 * (https://learn.microsoft.com/office/dev/add-ins/develop/asynchronous-programming-in-office-add-ins):
 * every `...Async` method takes an optional options object then a callback, and calls the callback
 * later (never synchronously) with an AsyncResult `{ status: 'succeeded' | 'failed', value, error:
 * { name, message, code }, asyncContext }`.
 *
 * It implements exactly the subset Sello's task pane, sign-in dialog and event runtime call, nothing
 * more: Office.onReady; context.mailbox.item (read: itemId, itemClass, subject, from, getAsFileAsync
 * when Mailbox 1.14 is on; compose: to/cc/bcc/subject/body getAsync, getAttachmentsAsync,
 * getAttachmentContentAsync, closeAsync when 1.14 is on); mailbox.userProfile; mailbox.convertToRestId;
 * context.requirements.isSetSupported; displayLanguage; roamingSettings; ui.displayDialogAsync and
 * ui.messageParent (the dialog is a real popup window; messages cross with postMessage); actions.associate.
 * Reading anything outside this subset yields undefined (as a host without that API would) and is
 * recorded as `UNSUPPORTED <path>` (and logged to the console with that text), so a test sees every
 * probe and every call beyond the subset.
 *
 * The test page serves this file (transpiled, as a classic script) in place of office-js/office.js,
 * preceded by `window.__officeHostScenario = {...}`. Every call is recorded in `window.__officeHostCalls`.
 */

interface HostError {
  name: string;
  message: string;
  code: number;
}

interface Scenario {
  mode: 'read' | 'compose';
  /** Highest Mailbox requirement set the host claims, e.g. '1.8' or '1.14'. */
  mailbox: string;
  displayLanguage: string;
  user: { emailAddress: string; displayName: string };
  read?: {
    itemId: string;
    itemClass: string;
    subject: string;
    from: string;
    /** base64 EML returned by getAsFileAsync. */
    eml?: string;
  };
  compose?: {
    to: string[];
    cc: string[];
    bcc: string[];
    subject: string;
    html: string;
    text: string;
    /** contentId: what AttachmentDetailsCompose.contentId reports (absent on hosts without it). */
    attachments: { id: string; name: string; base64: string; isInline: boolean; contentId?: string }[];
  };
  /** Method name -> the error its AsyncResult reports instead of succeeding. */
  failures?: Record<string, HostError>;
  roaming?: Record<string, unknown>;
}

interface AsyncResultLike<T> {
  status: 'succeeded' | 'failed';
  value: T | undefined;
  error: HostError | undefined;
  asyncContext: unknown;
  diagnostics?: unknown;
}

type Cb<T> = (r: AsyncResultLike<T>) => void;

(function installOfficeHostStandIn() {
  const w = window as unknown as Record<string, unknown>;
  const scenario = w.__officeHostScenario as Scenario;
  const calls: { method: string; args: unknown[] }[] = [];
  w.__officeHostCalls = calls;

  const compare = (a: string, b: string) => {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  };
  const supportsMailbox = (v: string) => compare(v, scenario.mailbox) <= 0;

  /** (options?, callback) as every Outlook ...Async method accepts them. */
  function split<T>(args: unknown[]): { options: { asyncContext?: unknown }; cb: Cb<T> | undefined } {
    const last = args[args.length - 1];
    const cb = typeof last === 'function' ? (last as Cb<T>) : undefined;
    const first = args[0];
    const options = first && typeof first === 'object' ? (first as { asyncContext?: unknown }) : {};
    return { options, cb };
  }

  /** Calls back on a later task, as the host does, with success or the scenario's failure. */
  function answer<T>(method: string, args: unknown[], value: () => T): void {
    calls.push({ method, args: args.filter((a) => typeof a !== 'function') });
    const { options, cb } = split<T>(args);
    const failure = scenario.failures?.[method];
    setTimeout(() => {
      if (!cb) return;
      if (failure)
        cb({ status: 'failed', value: undefined, error: failure, asyncContext: options.asyncContext });
      else cb({ status: 'succeeded', value: value(), error: undefined, asyncContext: options.asyncContext });
    }, 5);
  }

  const recipients = (list: string[]) =>
    list.map((emailAddress) => ({ emailAddress, displayName: emailAddress }));

  function readItem() {
    const r = scenario.read!;
    const item: Record<string, unknown> = {
      itemType: 'message',
      itemId: r.itemId,
      itemClass: r.itemClass,
      subject: r.subject,
      from: { emailAddress: r.from, displayName: r.from },
    };
    if (supportsMailbox('1.14')) {
      item.getAsFileAsync = (...args: unknown[]) =>
        answer('getAsFileAsync', args, () => {
          if (r.eml === undefined) throw new Error('stand-in scenario has no eml');
          return r.eml;
        });
    }
    return item;
  }

  function composeItem() {
    const c = scenario.compose!;
    const field = (name: string, value: () => unknown) => ({
      getAsync: (...args: unknown[]) => answer(`${name}.getAsync`, args, value),
    });
    const item: Record<string, unknown> = {
      itemType: 'message',
      to: field('to', () => recipients(c.to)),
      cc: field('cc', () => recipients(c.cc)),
      bcc: field('bcc', () => recipients(c.bcc)),
      subject: field('subject', () => c.subject),
      body: {
        getAsync: (coercion: string, ...rest: unknown[]) => {
          if (coercion !== 'html' && coercion !== 'text')
            throw new Error(`unknown coercion type ${coercion}`);
          answer(`body.getAsync`, [coercion, ...rest], () => (coercion === 'html' ? c.html : c.text));
        },
      },
      getAttachmentsAsync: (...args: unknown[]) =>
        answer('getAttachmentsAsync', args, () =>
          c.attachments.map((a) => ({
            id: a.id,
            name: a.name,
            attachmentType: 'file',
            isInline: a.isInline,
            ...(a.contentId !== undefined ? { contentId: a.contentId } : {}),
            size: Math.floor((a.base64.length * 3) / 4),
          })),
        ),
      getAttachmentContentAsync: (id: string, ...rest: unknown[]) => {
        const a = c.attachments.find((x) => x.id === id);
        answer('getAttachmentContentAsync', [id, ...rest], () => {
          if (!a) throw new Error(`no attachment ${id}`);
          return { content: a.base64, format: 'base64' };
        });
      },
    };
    if (supportsMailbox('1.14')) {
      item.closeAsync = (...args: unknown[]) => answer('closeAsync', args, () => undefined);
    }
    return item;
  }

  const roaming = new Map<string, unknown>(Object.entries(scenario.roaming ?? {}));

  // The dialog: a real window; the page inside it loads this stand-in too and posts to its opener.
  const DIALOG_MESSAGE = 'office-host-stand-in:dialog-message';
  function displayDialogAsync(url: string, ...rest: unknown[]): void {
    calls.push({ method: 'ui.displayDialogAsync', args: [url] });
    const { cb } = split<unknown>(rest);
    const handlers = new Map<string, (arg: unknown) => void>();
    const popup = window.open(url, '_blank', 'popup,width=480,height=640');
    const onMessage = (ev: MessageEvent) => {
      if (ev.source !== popup || (ev.data as { type?: string })?.type !== DIALOG_MESSAGE) return;
      handlers.get('dialogMessageReceived')?.({
        message: (ev.data as { message: string }).message,
        origin: ev.origin,
      });
    };
    window.addEventListener('message', onMessage);
    const dialog = {
      addEventHandler: (type: string, handler: (arg: unknown) => void) => handlers.set(type, handler),
      close: () => {
        window.removeEventListener('message', onMessage);
        popup?.close();
      },
    };
    setTimeout(() => {
      if (!cb) return;
      if (!popup) {
        cb({
          status: 'failed',
          value: undefined,
          error: {
            name: 'Display Dialog Error',
            message: 'The dialog box was blocked by the popup blocker.',
            code: 12009,
          },
          asyncContext: undefined,
        });
      } else cb({ status: 'succeeded', value: dialog, error: undefined, asyncContext: undefined });
    }, 5);
  }

  // In an Office dialog the page talks to its opener; it has no mail item.
  const isDialog = location.pathname.endsWith('/auth-dialog.html');

  const context: Record<string, unknown> = {
    displayLanguage: scenario.displayLanguage,
    requirements: {
      isSetSupported: (name: string, version?: string) => {
        if (name === 'Mailbox') return supportsMailbox(version ?? '1.1');
        if (name === 'DialogApi') return compare(version ?? '1.1', '1.2') <= 0;
        // IdentityAPI (SSO) and NestedAppAuth are not offered by this stand-in host.
        return false;
      },
    },
    roamingSettings: {
      get: (name: string) => roaming.get(name),
      set: (name: string, value: unknown) => roaming.set(name, value),
      remove: (name: string) => roaming.delete(name),
      saveAsync: (...args: unknown[]) => answer('roamingSettings.saveAsync', args, () => undefined),
    },
    ui: {
      displayDialogAsync,
      messageParent: (message: string) => {
        calls.push({ method: 'ui.messageParent', args: [message] });
        (window.opener as Window).postMessage({ type: DIALOG_MESSAGE, message }, '*');
      },
    },
    mailbox: isDialog
      ? undefined
      : {
          item: scenario.mode === 'read' ? readItem() : composeItem(),
          userProfile: { ...scenario.user, accountType: 'enterprise', timeZone: 'UTC' },
          convertToRestId: (itemId: string, version: string) => {
            calls.push({ method: 'convertToRestId', args: [itemId, version] });
            if (version !== 'v2.0') throw new Error(`unexpected REST version ${version}`);
            // EWS ids use '/' and '+'; REST ids are URL-safe (the documented difference).
            return itemId.replace(/\//g, '-').replace(/\+/g, '_');
          },
        },
  };

  const Office = {
    context,
    AsyncResultStatus: { Succeeded: 'succeeded', Failed: 'failed' },
    CoercionType: { Html: 'html', Text: 'text' },
    EventType: { DialogMessageReceived: 'dialogMessageReceived', DialogEventReceived: 'dialogEventReceived' },
    MailboxEnums: {
      RestVersion: { v1_0: 'v1.0', v2_0: 'v2.0', Beta: 'beta' },
      AttachmentType: { File: 'file', Item: 'item', Cloud: 'cloud' },
      AttachmentContentFormat: { Base64: 'base64', Url: 'url', Eml: 'eml', ICalendar: 'iCalendar' },
      ItemType: { Message: 'message', Appointment: 'appointment' },
    },
    HostType: { Outlook: 'Outlook' },
    PlatformType: { OfficeOnline: 'OfficeOnline' },
    actions: {
      associate: (name: string, fn: unknown) => {
        calls.push({ method: 'actions.associate', args: [name] });
        const actions = (w.__officeHostActions ??= {}) as Record<string, unknown>;
        actions[name] = fn;
      },
    },
    onReady: (cb?: (info: { host: string; platform: string }) => void) =>
      new Promise((resolve) => {
        const info = { host: 'Outlook', platform: 'OfficeOnline' };
        const fire = () => {
          cb?.(info);
          resolve(info);
        };
        if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', fire);
        else setTimeout(fire, 0);
      }),
  };

  // Anything outside the implemented subset fails loudly instead of returning undefined.
  const strict = <T extends object>(target: T, path: string): T =>
    new Proxy(target, {
      get(t, prop, receiver) {
        if (typeof prop === 'symbol' || prop in t || prop === 'then' || prop === 'toJSON') {
          const v = Reflect.get(t, prop, receiver) as unknown;
          return v && typeof v === 'object' && !Array.isArray(v)
            ? strict(v as object, `${path}.${String(prop)}`)
            : v;
        }
        calls.push({ method: `UNSUPPORTED ${path}.${prop}`, args: [] });
        // Also on the console, so a suite sees probes from every page, the dialog popup included.
        console.warn(`office-host-stand-in: UNSUPPORTED ${path}.${prop}`);
        return undefined;
      },
    });

  w.Office = strict(Office, 'Office');
})();
