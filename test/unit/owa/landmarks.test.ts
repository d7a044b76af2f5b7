// @vitest-environment jsdom
/**
 * The OWA landmarks the content script relies on: ARIA roles and labels (English and Spanish), the
 * S/MIME attachment chip, and item ids in OWA's URLs.
 */
import { describe, expect, it } from 'vitest';
import {
  addressesIn,
  findCompose,
  findReadingPane,
  isDraftUrl,
  isSmimeMessage,
  itemIdFromUrl,
  LANDMARKS,
} from '../../../extension/content/owa/landmarks';

function dom(html: string): Document {
  document.body.innerHTML = html;
  return document;
}

describe('OWA landmarks', () => {
  it('finds the compose form from its message-body textbox and reads the recipient pills', () => {
    const doc = dom(`
      <div role="form" aria-label="Compose">
        <div aria-label="To"><span title="bob@example.com">Bob Example</span><span>carol@example.com;</span></div>
        <input aria-label="Cc" value="dave@example.com, not-an-address">
        <input aria-label="Add a subject" value="Q3">
        <div role="textbox" aria-label="Message body" contenteditable="true">Hello</div>
      </div>`);
    const c = findCompose(doc)!;
    expect(c.root.getAttribute('aria-label')).toBe('Compose');
    expect(addressesIn(c.root, LANDMARKS.to).sort()).toEqual(['bob@example.com', 'carol@example.com']);
    expect(addressesIn(c.root, LANDMARKS.cc)).toEqual(['dave@example.com']);
    expect(c.root.querySelector<HTMLInputElement>(LANDMARKS.subject)!.value).toBe('Q3');
  });

  it('finds the message body by the start of its label, as OWA appends keyboard help to it', () => {
    for (const name of [
      'Message body, press Alt+F10 to exit',
      'message body',
      'Cuerpo del mensaje, presione Alt+F10 para salir',
    ]) {
      const doc = dom(
        `<div role="form"><div role="textbox" aria-label="${name}" contenteditable="true"></div></div>`,
      );
      expect(findCompose(doc)?.body.getAttribute('aria-label'), name).toBe(name);
    }
  });

  it('does not take another textbox or a non-textbox labelled like the body for it', () => {
    let doc = dom(`<div role="form"><div role="textbox" aria-label="Search message body"></div></div>`);
    expect(findCompose(doc)).toBeNull();
    doc = dom(
      `<div role="form"><div role="region" aria-label="Message body, press Alt+F10 to exit"></div></div>`,
    );
    expect(findCompose(doc)).toBeNull();
  });

  it('finds the Spanish labels too', () => {
    const doc = dom(`<div role="dialog"><div role="textbox" aria-label="Cuerpo del mensaje"></div></div>
      <div role="main" aria-label="Panel de lectura"></div>`);
    expect(findCompose(doc)).not.toBeNull();
    expect(findReadingPane(doc)).not.toBeNull();
  });

  it('tells S/MIME items by their smime.p7m or smime.p7s chip, not by anything in the body', () => {
    const doc = dom(`<div role="main" aria-label="Reading Pane"><p>mentions smime.p7m in text</p></div>`);
    expect(isSmimeMessage(findReadingPane(doc)!)).toBe(false);
    dom(
      `<div role="main" aria-label="Reading Pane"><div role="option" aria-label="smime.p7m 12 KB"></div></div>`,
    );
    expect(isSmimeMessage(findReadingPane(document)!)).toBe(true);
    dom(`<div role="main" aria-label="Reading Pane"><div aria-label="smime.p7s"></div></div>`);
    expect(isSmimeMessage(findReadingPane(document)!)).toBe(true);
  });

  it('takes the item id from OWA URLs and knows a draft from a received message', () => {
    const id = 'AAMkAGI2/abc+def=';
    const inbox = `https://outlook.office.com/mail/inbox/id/${encodeURIComponent(id)}`;
    expect(itemIdFromUrl(inbox)).toBe(id);
    expect(isDraftUrl(inbox)).toBe(false);
    const draft = `https://outlook.office.com/mail/drafts/id/${encodeURIComponent(id)}`;
    expect(itemIdFromUrl(draft)).toBe(id);
    expect(isDraftUrl(draft)).toBe(true);
    expect(itemIdFromUrl('https://outlook.office.com/mail/inbox')).toBeNull();
    expect(itemIdFromUrl('https://outlook.office.com/mail/inbox/id/%E0%A4%A')).toBeNull();
  });
});
