/**
 * Keys survive a browser restart (same profile); with a passphrase they stay locked after the restart
 * until the user unlocks them, and a wrong passphrase does not unlock. The read frame asks for the
 * passphrase when an encrypted message arrives while locked.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptedMessage, makeFixtures, openssl, write, type Fixtures } from './fixtures';
import { chromiumWithPolicy, close, launch, openPage, send, textOf, uploadTo, type Session } from './harness';

let f: Fixtures;
let profile: string;
let s: Session | undefined;
let aliceId: string;

interface Status {
  hasPassphrase: boolean;
  requirePassphrase: boolean;
  locked: boolean;
  identityCount: number;
}

async function restart(executablePath?: string): Promise<Session> {
  if (s) await close(s, { keepProfile: true });
  s = await launch({ profile, ...(executablePath ? { executablePath } : {}) });
  return s;
}

async function unlockWith(session: Session, passphrase: string): Promise<string | null> {
  const page = await openPage(session, 'options');
  const r = await send(page, { type: 'keystore.unlock', passphrase });
  await page.close();
  return r.ok ? null : (r.error?.code ?? 'unknown');
}

async function status(session: Session): Promise<Status> {
  const page = await openPage(session, 'options');
  const r = await send<Status>(page, { type: 'keystore.status' });
  await page.close();
  return r.value!;
}

/** Exports a backup of Alice's key: only possible while the key can be opened. */
async function exportBackup(session: Session): Promise<{ ok: boolean; code?: string; file?: string }> {
  const page = await openPage(session, 'options');
  const r = await send<{ file: string }>(page, {
    type: 'identities.export-pkcs12',
    id: aliceId,
    password: 'backup pass',
  });
  await page.close();
  return { ok: r.ok, code: r.error?.code, file: r.value?.file };
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
    const r = await send<{ imported: { id: string }[] }>(options, {
      type: 'identities.import-pkcs12',
      file: readFileSync(f.alice.p12).toString('base64'),
      password: f.p12Password,
    });
    expect(r.ok).toBe(true);
    aliceId = r.value!.imported[0]!.id;
    const again = await restart();
    expect(await status(again)).toMatchObject({ hasPassphrase: false, locked: false, identityCount: 1 });
    const backup = await exportBackup(again);
    expect(backup.ok).toBe(true);
    const p12 = write(f, 'after-restart.p12', Buffer.from(backup.file!, 'base64'));
    const key = openssl([
      'pkcs12',
      '-in',
      p12,
      '-passin',
      'pass:backup pass',
      '-nocerts',
      '-nodes',
    ]).toString();
    expect(key).toContain('BEGIN PRIVATE KEY');
    // The same key as the one imported.
    const mod = (k: string) => openssl(['pkey', '-pubout'], k).toString();
    expect(mod(key)).toBe(mod(readFileSync(f.alice.key, 'utf8')));
  });

  it('stays locked after a restart once a passphrase is set, and unlocks only with the right one', async () => {
    const options = await openPage(s!, 'options');
    await options.type('#new-passphrase', 'correct horse battery');
    await options.click('#passphrase-form button[type=submit]');
    await options.waitForFunction(
      () => document.querySelector('#notice')?.textContent === 'The passphrase is set.',
    );
    const after = await restart();
    expect(await status(after)).toMatchObject({ hasPassphrase: true, locked: true, identityCount: 1 });
    expect(await exportBackup(after)).toMatchObject({ ok: false, code: 'keystore.locked' });

    const page = await openPage(after, 'options');
    expect(await textOf(page, '#lock-state')).toBe('Your private keys are locked.');
    await page.type('#unlock-passphrase', 'wrong passphrase');
    await page.click('#unlock-form button[type=submit]');
    await page.waitForFunction(
      () => document.querySelector('#notice')?.textContent === 'The passphrase is not correct.',
    );
    expect(await exportBackup(after)).toMatchObject({ ok: false, code: 'keystore.locked' });
    await page.$eval('#unlock-passphrase', (i) => ((i as HTMLInputElement).value = ''));
    await page.type('#unlock-passphrase', 'correct horse battery');
    await page.click('#unlock-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#notice')?.textContent === 'Unlocked.');
    expect(await exportBackup(after)).toMatchObject({ ok: true });
    expect((await status(after)).locked).toBe(false);
  });

  it('asks for the passphrase in the read frame when an encrypted message arrives while locked', async () => {
    const page = await openPage(s!, 'options');
    expect((await send<Status>(page, { type: 'keystore.lock' })).value?.locked).toBe(true);
    const read = await openPage(s!, 'read');
    const path = write(
      f,
      'to-alice.eml',
      encryptedMessage(f, f.bob, f.alice, 'For Alice', 'Only Alice reads this.', true),
    );
    await uploadTo(read, '#message-file', path);
    await read.waitForFunction(() => !(document.querySelector('#unlock-form') as HTMLFormElement).hidden);
    expect(await textOf(read, '#notice')).toContain('your keys are locked');
    await read.type('#unlock-passphrase', 'correct horse battery');
    await read.click('#unlock-form button[type=submit]');
    await read.waitForSelector('body[data-opened="true"]', { timeout: 30_000 });
    expect(await read.$$eval('iframe.content', (fs) => (fs[0] as HTMLIFrameElement).srcdoc)).toContain(
      'Only Alice reads this.',
    );
  });

  it('changes the passphrase: after a restart the old one fails and the new one unlocks', async () => {
    const options = await openPage(s!, 'options');
    await options.type('#current-passphrase', 'correct horse battery');
    await options.type('#new-passphrase', 'staple battery horse');
    await options.click('#passphrase-form button[type=submit]');
    await options.waitForFunction(
      () => document.querySelector('#notice')?.textContent === 'The passphrase is set.',
    );
    const after = await restart();
    expect(await status(after)).toMatchObject({ hasPassphrase: true, locked: true });
    expect(await unlockWith(after, 'correct horse battery')).toBe('keystore.wrong-passphrase');
    expect(await exportBackup(after)).toMatchObject({ ok: false, code: 'keystore.locked' });
    expect(await unlockWith(after, 'staple battery horse')).toBeNull();
    expect(await exportBackup(after)).toMatchObject({ ok: true });
  });

  it('refuses to remove the passphrase while the organisation requires one (managed requirePassphrase)', async () => {
    const policy = chromiumWithPolicy({ requirePassphrase: true });
    try {
      const managed = await restart(policy.executablePath);
      // storage.managed arrives shortly after start-up: wait until the worker sees the policy.
      for (let i = 0; !(await status(managed)).requirePassphrase; i++) {
        if (i > 50) throw new Error('the managed policy never arrived');
        await new Promise((r) => setTimeout(r, 200));
      }
      const page = await openPage(managed, 'options');
      expect(await page.$eval('#remove-passphrase', (b) => (b as HTMLElement).hidden)).toBe(true);
      const refused = await send(page, {
        type: 'keystore.set-passphrase',
        current: 'staple battery horse',
        next: null,
      });
      await page.close();
      expect(refused).toMatchObject({ ok: false, error: { code: 'keystore.passphrase-required' } });
      expect(await status(managed)).toMatchObject({ hasPassphrase: true });
    } finally {
      await close(s, { keepProfile: true });
      s = undefined;
      policy.dispose();
    }
  });

  it('removes the passphrase: after a restart the keys are usable without unlocking', async () => {
    const before = await restart();
    const options = await openPage(before, 'options');
    expect(await options.$eval('#remove-passphrase', (b) => (b as HTMLElement).hidden)).toBe(false);
    await options.type('#current-passphrase', 'staple battery horse');
    await options.click('#remove-passphrase');
    await options.waitForFunction(
      () => document.querySelector('#notice')?.textContent === 'The passphrase was removed.',
    );
    const after = await restart();
    expect(await status(after)).toMatchObject({ hasPassphrase: false, locked: false, identityCount: 1 });
    expect(await exportBackup(after)).toMatchObject({ ok: true });
  });
});
