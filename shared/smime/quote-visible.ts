/**
 * The text of an HTML part as a reader saw it, for quoting in a reply ("Re: What's up Johnny?", 2019:
 * content hidden with CSS is quoted back to the attacker). No DOM here (service worker, Node): a small
 * tokenizer drops what is never rendered (script/style/head/template/title) and every element hidden
 * by `hidden`, `aria-hidden="true"` or an inline style (display:none, visibility:hidden, opacity:0,
 * zero font size, zero width/height with overflow, off-screen positioning). An element that is opened
 * and never closed hides everything after it: unclear markup errs on the side of quoting less.
 * Stylesheets are not evaluated as a browser would; instead every class, id and element name named in
 * the selector of a <style> rule that hides (the same declarations as inline) counts as hidden,
 * whatever the rest of the selector says: quoting less than was shown, never more. (The read frame
 * drops <style> from parts no intact signature covers, so there such text is shown and still not
 * quoted.)
 */

const NEVER_RENDERED = new Set([
  'script',
  'style',
  'head',
  'template',
  'title',
  'noscript',
  'object',
  'iframe',
]);
const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'source',
  'track',
  'wbr',
]);
const BLOCK = /^(p|div|br|li|tr|h[1-6]|blockquote|pre|table|ul|ol|section|article|header|footer)$/;

const HIDING_STYLE =
  /(display\s*:\s*none|visibility\s*:\s*(hidden|collapse)|opacity\s*:\s*0(\.0*)?\s*(;|$|!)|font-size\s*:\s*0+(\.0*)?(px|pt|em|rem|%)?\s*(;|$|!)|(max-)?(width|height)\s*:\s*0+(px)?\s*(;|$|!)|(left|top|text-indent)\s*:\s*-\d{3,}|clip(-path)?\s*:)/i;

function attribute(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*(=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+)))?`, 'i').exec(tag);
  if (!m) return null;
  return m[3] ?? m[4] ?? m[5] ?? '';
}

/** What the part's own <style> rules hide: class, id and element names from their selectors. */
interface HidingRules {
  classes: Set<string>;
  ids: Set<string>;
  elements: Set<string>;
}

function hidingRules(html: string): HidingRules {
  const rules: HidingRules = { classes: new Set(), ids: new Set(), elements: new Set() };
  for (const sheet of html.matchAll(/<style\b[^>]*>([^]*?)(<\/style\s*>|$)/gi)) {
    const css = sheet[1]!.replace(/\/\*[^]*?\*\//g, '');
    // Innermost blocks only, so rules inside @media or @supports count too.
    for (const rule of css.matchAll(/([^{}]*)\{([^{}]*)\}/g)) {
      if (!HIDING_STYLE.test(rule[2]!)) continue;
      for (const sel of rule[1]!.split(',')) {
        // The last compound selects what is hidden ("div .h" hides .h elements, not divs).
        const last =
          sel
            .trim()
            .split(/[\s>+~]+/)
            .pop() ?? '';
        for (const c of last.matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)) rules.classes.add(c[1]!.toLowerCase());
        for (const c of last.matchAll(/#(-?[_a-zA-Z][\w-]*)/g)) rules.ids.add(c[1]!.toLowerCase());
        const element = /^([a-zA-Z][\w-]*)$/.exec(last)?.[1];
        if (element) rules.elements.add(element.toLowerCase());
      }
    }
  }
  return rules;
}

function hides(tag: string, name: string, rules: HidingRules): boolean {
  if (attribute(tag, 'hidden') !== null) return true;
  if ((attribute(tag, 'aria-hidden') ?? '').toLowerCase() === 'true') return true;
  if (rules.elements.has(name)) return true;
  const id = attribute(tag, 'id');
  if (id && rules.ids.has(id.toLowerCase())) return true;
  const classes = (attribute(tag, 'class') ?? '').toLowerCase().split(/\s+/);
  if (classes.some((c) => c && rules.classes.has(c))) return true;
  const style = attribute(tag, 'style');
  return style !== null && HIDING_STYLE.test(style.replace(/\/\*[^]*?\*\//g, ''));
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|nbsp|lt|gt|quot|apos|#39|amp);/gi, (_, e: string) => {
    const k = e.toLowerCase();
    if (k.startsWith('#x')) return String.fromCodePoint(parseInt(k.slice(2), 16) || 0xfffd);
    if (k.startsWith('#')) return String.fromCodePoint(parseInt(k.slice(1), 10) || 0xfffd);
    return ({ nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[k]!;
  });
}

export function visibleText(html: string): string {
  const out: string[] = [];
  // Open elements and whether each hides its content.
  const stack: { name: string; hidden: boolean }[] = [];
  const rules = hidingRules(html);
  const hiddenNow = () => stack.some((e) => e.hidden);
  const token = /<!--[^]*?(-->|$)|<\/?([a-zA-Z][\w:-]*)\b((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</g;
  for (let m = token.exec(html); m; m = token.exec(html)) {
    const [whole, , rawName] = m;
    if (whole.startsWith('<!--')) continue;
    if (!rawName) {
      if (!hiddenNow()) out.push(decodeEntities(whole));
      continue;
    }
    const name = rawName.toLowerCase();
    const closing = whole.startsWith('</');
    if (BLOCK.test(name) && !hiddenNow()) out.push('\n');
    if (closing) {
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at >= 0) stack.length = at;
      continue;
    }
    if (VOID.has(name) || whole.endsWith('/>')) continue;
    stack.push({ name, hidden: NEVER_RENDERED.has(name) || hides(whole, name, rules) });
  }
  return out
    .join('')
    .replace(/[ \t\f\r]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
