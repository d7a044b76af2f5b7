/**
 * Keys survive a browser restart (same profile); with a passphrase they stay locked after the restart
 * until the user unlocks them, and a wrong passphrase does not unlock.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedMessage, makeFixtures, write, type Fixtures } from './fixtures';
import { close, launch, openPage, send, textOf, type Session, uploadTo } from './harness';

let f: Fixtures;
let profile: string;
let s: Session | undefined;

interface Status {
  hasPassphrase: boolean;
  locked: boolean;
  identityCount: number;
}

async function restart(): Promise<Session> {
  if (s) await close(s, { keepProfile: true });
  s = await launch({ profile });
  return s;
}

async function status(session: Session): Promise<Status> {
  const page = await openPage(session, 'options');
  const r = await send<Status>(page, { type: 'keystore.status' });
  await page.close();
  return r.value!;
}

async function readEncrypted(
  session: Session,
): Promise<{ page: Awaited<ReturnType<typeof openPage>>; text: string }> {
  const page = await openPage(session, 'read');
  const path = write(
    f,
    'to-alice.eml',
    encryptedMessage(f, f.bob, f.alice, 'For Alice', 'Only Alice reads this.', true),
  );
  await uploadTo(page, '#message-file', path);
  await page.waitForFunction(
    () =>
      document.querySelector('#notice')?.textContent !== 'Opening…' &&
      document.querySelector('#notice')?.textContent !== '',
  );
  return { page, text: await textOf(page, '#notice') };
}

beforeAll(() => {
  f = makeFixtures();
  profile = mkdtempSync(join(tmpdir(), 'sello-profile-'));
});

afterAll(async () => {
  if (s) await close(s, { keepProfile: true });
  rmSync(profile, { recursive: true, force: true });
});

describe('keystore across browser restarts', () => {
  it('keeps an imported key usable after a restart when no passphrase is set', async () => {
    const first = await restart();
    const options = await openPage(first, 'options');
    const r = await send(options, {
      type: 'identities.import-pkcs12',
      file: readFileSync(f.alice.p12).toString('base64'),
      password: f.p12Password,
    });
    expect(r.ok).toBe(true);
    const again = await restart();
    expect(await status(again)).toEqual({ hasPassphrase: false, locked: false, identityCount: 1 });
    const { page } = await readEncrypted(again);
    await page.waitForSelector('body[data-opened="true"]');
    expect(await page.$$eval('iframe.content', (fs) => (fs[0] as HTMLIFrameElement).srcdoc)).toContain(
      'Only Alice reads this.',
    );
  });

  it('stays locked after a restart once a passphrase is set, and unlocks only with the right one', async () => {
    const session = s!;
    const options = await openPage(session, 'options');
    await options.type('#new-passphrase', 'correct horse battery');
    await options.click('#passphrase-form button[type=submit]');
    await options.waitForFunction(
      () => document.querySelector('#notice')?.textContent === 'The passphrase is set.',
    );
    const after = await restart();
    expect(await status(after)).toEqual({ hasPassphrase: true, locked: true, identityCount: 1 });

    const { page, text } = await readEncrypted(after);
    expect(text).toContain('your keys are locked');
    expect(await page.$eval('#unlock-form', (fm) => (fm as HTMLFormElement).hidden)).toBe(false);
    await page.type('#unlock-passphrase', 'wrong passphrase');
    await page.click('#unlock-form button[type=submit]');
    await page.waitForFunction(
      () => document.querySelector('#notice')?.textContent === 'The passphrase is not correct.',
    );
    await page.$eval('#unlock-passphrase', (i) => ((i as HTMLInputElement).value = ''));
    await page.type('#unlock-passphrase', 'correct horse battery');
    await page.click('#unlock-form button[type=submit]');
    await page.waitForSelector('body[data-opened="true"]', { timeout: 30_000 });
    expect(await page.$$eval('iframe.content', (fs) => (fs[0] as HTMLIFrameElement).srcdoc)).toContain(
      'Only Alice reads this.',
    );
    expect((await status(after)).locked).toBe(false);
  });

  it('locks again on request', async () => {
    const page = await openPage(s!, 'options');
    const r = await send<Status>(page, { type: 'keystore.lock' });
    expect(r.value?.locked).toBe(true);
    const exp = await send(page, {
      type: 'identities.export-pkcs12',
      id: 'x'.repeat(32),
      password: 'whatever1',
    });
    expect(exp.ok).toBe(false);
  });
});
