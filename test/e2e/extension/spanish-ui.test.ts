/** With a Spanish browser the pages speak Spanish (from _locales/es), including the manifest name. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { makeFixtures, openssl, write } from './fixtures';
import { close, launch, openPage, screenshot, send, textOf, uploadTo, type Session } from './harness';

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

it('shows a signed message with an attachment in Spanish in the read frame', async () => {
  const f = makeFixtures();
  const options = await openPage(s, 'options');
  const trusted = await send(options, {
    type: 'trust.import',
    file: readFileSync(f.caPem).toString('base64'),
    fileName: 'ca.pem',
  });
  expect(trusted.ok).toBe(true);
  await options.close();
  const entity = [
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'El informe va adjunto.',
    '--mix',
    'Content-Type: application/pdf; name="informe.pdf"',
    'Content-Disposition: attachment; filename="informe.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('%PDF-1.4 informe\n').toString('base64'),
    '--mix--',
    '',
  ].join('\r\n');
  const signed = openssl(
    ['cms', '-sign', '-binary', '-signer', f.carol.cert, '-inkey', f.carol.key, '-certfile', f.caPem],
    entity,
  );
  const read = await openPage(s, 'read');
  expect(await read.$eval('html', (h) => h.lang)).toBe('es');
  expect(await textOf(read, 'label[for=message-file]')).toBe('Abrir un archivo de mensaje (.eml)');
  await uploadTo(read, '#message-file', write(f, 'firmado.eml', signed));
  await read.waitForSelector('body[data-opened]', { timeout: 30_000 });
  const status = await textOf(read, '#status-lines');
  expect(status).toContain('Firmado por Carol Example');
  expect(status).toContain('El certificado del firmante es de confianza');
  expect(await textOf(read, 'h3[data-i18n=attachmentsHeading]')).toBe('Adjuntos');
  expect(await textOf(read, '#attachments')).toContain('informe.pdf');
  expect(
    await read.$eval('#attachments button', (b) => [b.textContent, b.getAttribute('aria-label')]),
  ).toEqual(['Guardar', 'Guardar informe.pdf']);
});
