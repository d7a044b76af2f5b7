/**
 * Where things are in Outlook on the web, by ARIA roles and labels (stable, localised by OWA into the
 * user's language, so each lists the English and Spanish labels) rather than generated class names.
 * Kept in one small table so another provider or a changed OWA needs only this file.
 */
const label = (role: string | null, ...names: string[]) =>
  names.map((n) => `${role ? `[role="${role}"]` : ''}[aria-label="${n}" i]`).join(', ');

/**
 * A label that starts with one of the names: OWA appends keyboard help to the body's label ("Message
 * body, press Alt+F10 to exit"), and the suffix changes with the build and the language.
 */
const labelPrefix = (role: string, ...names: string[]) =>
  names.map((n) => `[role="${role}"][aria-label^="${n}" i]`).join(', ');

export const LANDMARKS = {
  composeBody: labelPrefix('textbox', 'Message body', 'Cuerpo del mensaje'),
  to: label(null, 'To', 'Para'),
  cc: label(null, 'Cc'),
  bcc: label(null, 'Bcc', 'CCO'),
  subject: ['Add a subject', 'Subject', 'Agregar un asunto', 'Asunto']
    .map((n) => `input[aria-label="${n}" i]`)
    .join(', '),
  readingPane: label('main', 'Reading Pane', 'Panel de lectura'),
  /** OWA without the S/MIME control shows an S/MIME item as an attachment chip named smime.p7m/.p7s. */
  smimeAttachment: '[aria-label^="smime.p7m" i], [aria-label^="smime.p7s" i], [title^="smime.p7m" i]',
} as const;

export interface ComposeLandmarks {
  root: HTMLElement;
  body: HTMLElement;
}

/** The compose form: the message-body textbox and its nearest form/region/dialog ancestor. */
export function findCompose(doc: Document): ComposeLandmarks | null {
  const body = doc.querySelector<HTMLElement>(LANDMARKS.composeBody);
  if (!body) return null;
  const root =
    body.closest<HTMLElement>('[role="form"], [role="dialog"], [role="region"], form') ?? body.parentElement;
  return root ? { root, body } : null;
}

export function findReadingPane(doc: Document): HTMLElement | null {
  return doc.querySelector<HTMLElement>(LANDMARKS.readingPane);
}

export function isSmimeMessage(pane: HTMLElement): boolean {
  return pane.querySelector(LANDMARKS.smimeAttachment) !== null;
}

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** Addresses shown in a recipient well: its input value plus the recipient pills' text and labels. */
export function addressesIn(root: ParentNode, selector: string): string[] {
  const found = new Set<string>();
  for (const el of root.querySelectorAll<HTMLElement>(selector)) {
    // Text node by text node: a pill's name and the next address must not run together.
    const walker = el.ownerDocument.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const nodes: string[] = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode()) nodes.push(n.textContent ?? '');
    const texts = [
      (el as HTMLInputElement).value ?? '',
      ...nodes,
      el.getAttribute('title') ?? '',
      ...[...el.querySelectorAll('[title]')].map((t) => t.getAttribute('title') ?? ''),
    ];
    for (const t of texts) for (const m of t.match(EMAIL) ?? []) found.add(m.toLowerCase());
  }
  return [...found];
}

/**
 * The item id of the message shown, from OWA's URL (…/id/<id>), or of the draft being composed
 * (…/drafts/id/<id>, …/compose/<id>). OWA puts EWS-style ids there, URL-encoded.
 */
export function itemIdFromUrl(url: string): string | null {
  const path = new URL(url).pathname + new URL(url).hash;
  const m = /\/(?:id|compose)\/([^/?#]+)/.exec(path);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    // A malformed escape is not an id we could use.
    return null;
  }
}

export function isDraftUrl(url: string): boolean {
  return /\/drafts\/id\/|\/compose\//.test(new URL(url).pathname);
}
