/**
 * Pure helpers of the OWA jobs: Graph ids from OWA's URL ids, and the quote of a reply, made from
 * exactly what the read frame showed, as text.
 */
import { visibleText } from '../../../shared/smime/quote-visible';
import type { DisplayMessage } from '../replies';

/** OWA URLs carry EWS-style ids ('/' and '+'); Graph REST ids use '-' and '_' (convertToRestId). */
export function toRestId(id: string): string {
  return id.replace(/\//g, '-').replace(/\+/g, '_');
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function textToHtml(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => escapeHtml(line))
    .join('<br>');
}

/**
 * HTML parts quoted as text: no markup, images or links of the original travel into the reply (a
 * remote image would otherwise load in the compose frame and tell the sender the mail was read), and
 * nothing the reader did not see: CSS-hidden content is dropped ("Re: What's up Johnny?", 2019).
 */
export function htmlToText(html: string): string {
  return visibleText(html);
}

/** The reply's quote: exactly the sections the read frame showed, as text, nothing else. */
export function quoteShown(display: DisplayMessage): { text: string; html: string } {
  const shown = display.sections
    .map((s) => (s.kind === 'html' ? htmlToText(s.content) : s.content.trim()))
    .filter(Boolean)
    .join('\n\n');
  const intro = `${display.from} wrote:`;
  const text = `\n\n${intro}\n${shown
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n')}`;
  const html = `<p><br></p><p>${escapeHtml(intro)}</p><blockquote>${textToHtml(shown)}</blockquote>`;
  return { text, html };
}
