/** With a Spanish browser the pages speak Spanish (from _locales/es), including the manifest name. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { close, launch, openPage, screenshot, textOf, type Session } from './harness';

let s: Session;
beforeAll(async () => {
  s = await launch({ lang: 'es' });
});
afterAll(async () => {
  await close(s);
});

it('shows the options and compose pages in Spanish', async () => {
  const options = await openPage(s, 'options');
  expect(await textOf(options, 'h1')).toBe('Opciones de Sello');
  expect(await options.$eval('html', (h) => h.lang)).toBe('es');
  expect(await textOf(options, '#h-ids')).toBe('Tus certificados');
  const compose = await openPage(s, 'compose');
  expect(await textOf(compose, '#send')).toBe('Enviar');
  await screenshot(compose, 'compose-es');
});
