/**
 * Shows opened content without letting it act: HTML goes through DOMPurify, every remote reference is
 * dropped (only data: images and cid: parts of this message, rewritten to data: URLs, stay: a remote
 * image would tell the sender the mail was read), and the result is placed in a sandboxed iframe
 * without scripts under a `default-src 'none'` CSP. Plain text is set as text.
 */
import DOMPurify from 'dompurify';

const CONTENT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:";
const URL_ATTRIBUTES = ['src', 'background', 'poster', 'lowsrc', 'dynsrc', 'action', 'formaction'];

export interface SanitisedContent {
  html: string;
  removedRemote: number;
}

export function sanitiseHtml(html: string, inline: Record<string, string>): SanitisedContent {
  let removedRemote = 0;
  const purify = DOMPurify(window);
  purify.addHook('afterSanitizeAttributes', (node) => {
    for (const attr of URL_ATTRIBUTES) {
      const value = node.getAttribute(attr)?.trim();
      if (value === undefined) continue;
      const cid = /^cid:(.+)$/i.exec(value)?.[1];
      const local = cid ? inline[cid.replace(/[<>]/g, '')] : /^data:image\//i.test(value) ? value : undefined;
      if (local) node.setAttribute(attr, local);
      else {
        node.removeAttribute(attr);
        removedRemote++;
      }
    }
    if (node.hasAttribute('srcset')) {
      node.removeAttribute('srcset');
      removedRemote++;
    }
    const style = node.getAttribute('style');
    if (style && /url\s*\(/i.test(style)) {
      node.setAttribute('style', style.replace(/url\s*\([^)]*\)/gi, 'none'));
      removedRemote++;
    }
    if (node.tagName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (/^(https?:|mailto:)/i.test(href)) {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      } else node.removeAttribute('href');
    }
  });
  const clean = purify.sanitize(html, {
    FORBID_TAGS: ['style', 'link', 'meta', 'base', 'form', 'input', 'button', 'iframe', 'object', 'embed'],
    FORBID_ATTR: ['ping'],
    WHOLE_DOCUMENT: false,
  });
  return { html: clean, removedRemote };
}

/** Puts sanitised HTML (or text) into a script-less sandboxed frame under a strict CSP. */
export function showContent(
  frame: HTMLIFrameElement,
  content: { html: string | null; text: string | null },
  inline: Record<string, string>,
): { removedRemote: number } {
  frame.setAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
  let body: string;
  let removedRemote = 0;
  if (content.html !== null) {
    const s = sanitiseHtml(content.html, inline);
    body = s.html;
    removedRemote = s.removedRemote;
  } else {
    const pre = document.createElement('pre');
    pre.textContent = content.text ?? '';
    body = pre.outerHTML;
  }
  frame.srcdoc =
    `<!doctype html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_CSP}">` +
    `<style>body{font:14px/1.45 system-ui,sans-serif;margin:8px;word-wrap:break-word}pre{white-space:pre-wrap}</style>` +
    `</head><body>${body}</body></html>`;
  return { removedRemote };
}
