/**
 * Reply/forward oracles ("Re: What's up Johnny?", Müller et al. 2019): a reply quotes only what the
 * read frame showed. The extension's quote (graph/reply-quote quoteShown) takes the displayed sections only
 * (never attachments or undecrypted parts) and their visible text only (shared/smime/quote-visible).
 */
import { describe, expect, it } from 'vitest';
import { visibleText } from '../../shared/smime/quote-visible';
import type { DisplayMessage } from '../../extension/background/replies';
import { SECRET } from './lib/secret';

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
