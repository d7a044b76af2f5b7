/**
 * Reply/forward oracles ("Re: What's up Johnny?", Müller et al. 2019): a reply quotes only what the
 * read frame showed. The extension's quote (graph/reply-quote quoteShown) takes the displayed sections only
 * (never attachments or undecrypted parts) and their visible text only (shared/smime/quote-visible).
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openMessage } from '../../shared/smime/open';
import resent, { EVE_FROM } from './cases/reply-oracle-resent-ciphertext';
import classHidden, { CLASS_HIDDEN, CLASS_HIDDEN_HTML, LURE } from './cases/reply-oracle-style-class-hidden';
import type { AttackKeys } from './lib/attack-case';
import { makeAttackKeys } from './lib/keys';
import { env } from './lib/message';
import { visibleText } from '../../shared/smime/quote-visible';
import type { DisplayMessage } from '../../extension/background/replies';
import { SECRET } from './lib/secret';

vi.mock('webextension-polyfill', () => ({ default: { runtime: { id: 'x' } } }));

function display(
  sections: DisplayMessage['sections'],
  attachments: DisplayMessage['attachments'] = [],
): DisplayMessage {
  return {
    subject: 'Lunch',
    from: 'Eve <eve@evil.example>',
    to: '',
    cc: '',
    date: '',
    sections,
    attachments,
    inline: {},
  };
}

const HIDDEN = [
  `<div style="display:none">${SECRET}</div>`,
  `<div style="DISPLAY: None !important">${SECRET}</div>`,
  `<p hidden>${SECRET}</p>`,
  `<span aria-hidden="true">${SECRET}</span>`,
  `<div style="visibility:hidden"><p>${SECRET}</p></div>`,
  `<div style="opacity:0">${SECRET}</div>`,
  `<div style="font-size:0px">${SECRET}</div>`,
  `<div style="height:0;overflow:hidden">${SECRET}</div>`,
  `<div style="position:absolute;left:-9999px">${SECRET}</div>`,
  `<div style="display:none"><div>nested</div><b>${SECRET}</b></div>`,
  `<style>p{color:red}</style><script>x="${SECRET}"</script>`,
  `<div style="display:none">${SECRET}`,
  `<!-- ${SECRET} -->`,
  `<style>.h{display:none}</style><div class="h">${SECRET}</div>`,
  `<style>p.a{color:red} div .h , #z{visibility:hidden}</style><span class="b h">${SECRET}</span>`,
  `<style>@media screen{#s{font-size:0}}</style><p id="s">${SECRET}</p>`,
  `<div class="h">${SECRET}</div><style>/* after */ .h{opacity:0}</style>`,
  `<style>blink{display:none}</style><blink>${SECRET}</blink>`,
];

describe('replies quote only what the user saw', () => {
  it.each(HIDDEN)('drops hidden content: %s', (html) => {
    const text = visibleText(`<p>Lunch on Friday?</p>${html}<p>Eve</p>`);
    expect(text).not.toContain(SECRET);
    expect(text).toContain('Lunch on Friday?');
  });

  it('keeps visible text, line breaks and entities', () => {
    expect(visibleText('<p>a &amp; b</p><div>c<br>d</div>')).toMatch(/^a & b\n+c\nd$/);
  });

  it('quotes the displayed sections as text, nothing hidden, no markup, no attachments', async () => {
    const { quoteShown } = await import('../../extension/background/graph/reply-quote');
    const q = quoteShown(
      display(
        [
          {
            path: '1',
            kind: 'html',
            content: `<p>Lunch on Friday?</p><div style="display:none">${SECRET}</div><img src="https://evil.example/p.png">`,
            signed: false,
          },
        ],
        [{ name: 'smime.p7m', type: 'application/pkcs7-mime', size: 10, data: btoa(SECRET), signed: false }],
      ),
    );
    for (const s of [q.text, q.html]) {
      expect(s).toContain('Lunch on Friday?');
      expect(s).not.toContain(SECRET);
      expect(s).not.toContain(btoa(SECRET));
      expect(s).not.toContain('evil.example/p.png');
    }
    expect(q.html).not.toMatch(/<(img|a|style|script)\b/i);
  });
});

describe('replies to regenerated reply-oracle messages (core open, display and quote as the worker builds them)', () => {
  let keys: AttackKeys & { dir: string };
  beforeAll(async () => {
    keys = await makeAttackKeys('http://127.0.0.1:9/exfil');
  }, 120_000);
  afterAll(() => rmSync(keys.dir, { recursive: true, force: true }));

  async function reply(bytes: Uint8Array) {
    const { displayFor } = await import('../../extension/background/jobs/read-jobs');
    const { quoteShown } = await import('../../extension/background/graph/reply-quote');
    const v = await openMessage(bytes, { keys: [keys.bob] }, env);
    const display = displayFor(v.content!, v);
    return { v, display, quote: quoteShown(display) };
  }

  it('a ciphertext re-sent under From: Eve is unsigned; a reply goes to Eve and names her', async () => {
    const { v, quote } = await reply(await resent.build(keys));
    // Nothing ties the content to Alice: no signer at all, and the only From is Eve's.
    expect(v.layers.filter((l) => l.kind === 'signed')).toEqual([]);
    expect(v.from).toEqual(['eve@evil.example']);
    expect(quote.text).toContain(`${EVE_FROM} wrote:`);
    expect(quote.text).not.toMatch(/alice/i);
    // The reply quotes what Bob was shown (the decrypted text): the defence is the status bar saying
    // "Not signed" and "Not integrity-protected" (read-frame.test.ts) and the reply's To: line.
    expect(quote.text).toContain(SECRET);
  });

  it('text hidden by a <style> class rule in unsigned encrypted content is not quoted', async () => {
    const { display, quote } = await reply(await classHidden.build(keys));
    expect(display.sections.map((x) => [x.kind, x.signed])).toEqual([['html', false]]);
    expect(display.sections[0]!.content).toContain(CLASS_HIDDEN_HTML);
    for (const q of [quote.text, quote.html]) {
      expect(q).toContain(LURE);
      expect(q).not.toContain(CLASS_HIDDEN);
    }
  });
});
