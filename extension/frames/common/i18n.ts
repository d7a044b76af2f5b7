/**
 * Localisation from _locales (English and Spanish). Elements carry a `data-i18n` key for text and
 * `data-i18n-attr="attr:key;attr:key"` for attributes; code uses `t()`.
 */
import browser from 'webextension-polyfill';

export function t(key: string, substitutions?: string | string[]): string {
  return browser.i18n.getMessage(key, substitutions) || key;
}

/** A SelloError code as localised text; falls back to the core's English message. */
export function errorText(code: string, fallback: string): string {
  const key = `error_${code.replace(/[.-]/g, '_')}`;
  return browser.i18n.getMessage(key) || fallback;
}

export function localize(root: ParentNode = document): void {
  // The language of the messages actually shown (the browser may fall back to the default locale).
  document.documentElement.lang = t('langCode');
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n ?? '');
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attr]')) {
    for (const pair of (el.dataset.i18nAttr ?? '').split(';')) {
      const [attr, key] = pair.split(':');
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}
