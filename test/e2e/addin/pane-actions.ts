/**
 * What the add-in e2e suites do in the task pane and with OpenSSL: a test CA with S/MIME users, their
 * PKCS#12 files, importing keys and certificates through the pane's own forms, and the compose
 * scenario the Outlook host stand-in is given.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import type { IssuedCertificate, OpensslCa } from '../../stand-ins/openssl-ca';
import type { HostScenario } from './harness';

export const P12_PASSWORD = 'correct horse';

export function smimeExtensions(email: string): string[] {
  return [
    'basicConstraints = CA:false',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    'extendedKeyUsage = emailProtection',
    `subjectAltName = email:${email}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
  ];
}

/** Runs openssl in `cwd`; throws (with its stderr) when it exits non-zero. */
export function opensslIn(cwd: string, args: string[], input?: Uint8Array | string): Buffer {
  return execFileSync('openssl', args, { cwd, input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

/** A PKCS#12 of `cert` with the CA certificate, as users get them from a CA. */
export function p12Of(work: string, ca: OpensslCa, cert: IssuedCertificate, name: string): string {
  const path = join(work, `${name}.p12`);
  opensslIn(work, [
    'pkcs12',
    '-export',
    '-in',
    cert.certPath,
    '-inkey',
    cert.keyPath,
    '-certfile',
    ca.cert.certPath,
    '-passout',
    `pass:${P12_PASSWORD}`,
    '-out',
    path,
  ]);
  return path;
}

/** Imports a PKCS#12 and then certificates (as recipients, or as trusted issuers) through the pane. */
export async function importKeys(
  page: Page,
  p12: string,
  certificates: { path: string; trust: boolean }[],
): Promise<void> {
  await page.click('#keys summary');
  const file = (await page.$('#p12-file')) as ElementHandle<HTMLInputElement>;
  await file.uploadFile(p12);
  await page.type('#p12-password', P12_PASSWORD);
  await page.click('#p12-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Imported'), {
    timeout: 30_000,
  });
  for (const c of certificates) {
    const input = (await page.$('#cert-file')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(c.path);
    const checked = await page.$eval('#cert-trust', (el) => (el as HTMLInputElement).checked);
    if (checked !== c.trust) await page.click('#cert-trust');
    await page.evaluate(() => (document.getElementById('notice')!.textContent = ''));
    await page.click('#cert-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Imported'));
  }
}

export interface DraftScenario {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  html: string;
  text: string;
  attachments: { id: string; name: string; base64: string; isInline: boolean; contentId?: string }[];
}

export const composeScenario = (
  over: Record<string, unknown> = {},
): HostScenario & { compose: DraftScenario } => ({
  mode: 'compose' as const,
  mailbox: '1.14',
  displayLanguage: 'en-US',
  user: { emailAddress: 'alice@example.test', displayName: 'Alice' },
  compose: {
    to: ['bob@example.test'],
    cc: [],
    bcc: [],
    subject: 'Quarterly figures',
    html: '<p>The figures are <b>confidential</b>: 42.</p>',
    text: 'The figures are confidential: 42.',
    attachments: [
      {
        id: 'att1',
        name: 'figures.csv',
        base64: Buffer.from('q,v\n1,42\n').toString('base64'),
        isInline: false,
      },
    ],
  },
  ...over,
});

/** Waits until the pane says the message was sent. */
export async function waitForSent(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => document.getElementById('notice')?.textContent?.startsWith('Sent'), {
    timeout,
  });
}
