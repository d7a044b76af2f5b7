/**
 * Settings an administrator sets (Chromium's 3rdparty extension policy -> storage.managed) lock the
 * options page ("Set by your organisation") and the compose toggles. The policy file is mounted over
 * /etc/chromium in a private mount namespace (unshare -m) so no other Chromium on the machine sees it.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DIST,
  unpackedExtensionId,
  close,
  launch,
  openPage,
  screenshot,
  send,
  textOf,
  type Session,
} from './harness';

const canMount = process.getuid?.() === 0;
let s: Session;
let etc: string;

beforeAll(async () => {
  if (!canMount) return;
  etc = mkdtempSync(join(tmpdir(), 'sello-etc-chromium-'));
  for (const f of readdirSync('/etc/chromium')) {
    if (f.endsWith('preferences')) copyFileSync(join('/etc/chromium', f), join(etc, f));
  }
  mkdirSync(join(etc, 'policies/managed'), { recursive: true });
  const policy = {
    '3rdparty': {
      extensions: {
        [unpackedExtensionId(DIST)]: {
          alwaysSign: true,
          autoLockMinutes: 5,
          // Refused by Chromium itself (the schema's GUID pattern): the value never reaches Sello.
          graphClientId: 'not-a-guid',
          // Passes Chromium's schema (it has no maxItems) but not Sello's own validation (16 at most).
          senderCertificateAttributesToDisplay: Array.from({ length: 17 }, () => 'O'),
        },
      },
    },
  };
  writeFileSync(join(etc, 'policies/managed/sello.json'), JSON.stringify(policy));
  const wrapper = join(etc, 'chromium-with-policy.sh');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nexec unshare -m sh -c 'mount --bind "$0" /etc/chromium && exec /usr/bin/chromium "$@"' "${etc}" "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  s = await launch({ executablePath: wrapper });
});

afterAll(async () => {
  await close(s);
  if (etc) rmSync(etc, { recursive: true, force: true });
});

describe('administrator policy', () => {
  it('runs as root, so the policy can be mounted privately (CI and these machines do)', () => {
    expect(canMount).toBe(true);
  });

  it('locks managed settings, reports invalid ones and refuses changes to locked ones', async () => {
    const page = await openPage(s, 'options');
    // Managed storage arrives shortly after start.
    let view:
      { values: Record<string, unknown>; locked: string[]; managedIssues: { field: string }[] } | undefined;
    for (let i = 0; i < 50; i++) {
      view = (await send<typeof view>(page, { type: 'settings.get' })).value;
      if (view?.locked.length) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(view?.values.alwaysSign).toBe(true);
    expect(view?.locked.sort()).toEqual(['alwaysSign', 'autoLockMinutes']);
    // Chromium drops values its schema refuses (the GUID pattern): not applied, not locked. What the
    // schema cannot say (a list's length) Sello's own validation reports, and the value does not apply.
    expect(view?.values.graphClientId).toBe('');
    expect(view?.managedIssues.map((i) => i.field)).toEqual(['senderCertificateAttributesToDisplay']);
    expect(view?.values.senderCertificateAttributesToDisplay).toEqual([]);
    const refused = await send(page, { type: 'settings.set', key: 'alwaysSign', value: false });
    expect(refused).toMatchObject({ ok: false, error: { code: 'policy.locked' } });

    await page.reload();
    await page.waitForSelector('body[data-ready]');
    const row = await textOf(page, '[data-setting="alwaysSign"]');
    expect(row).toContain('Set by your organisation');
    expect(await page.$eval('#setting-alwaysSign', (i) => (i as HTMLInputElement).disabled)).toBe(true);
    expect(await textOf(page, '#settings')).toContain(
      "Some of your organisation's settings could not be applied: senderCertificateAttributesToDisplay",
    );
    await screenshot(page, 'options-managed');
  });

  it('turns signing on and locks it in the compose frame', async () => {
    const page = await openPage(s, 'compose');
    expect(
      await page.$eval('#sign', (i) => [(i as HTMLInputElement).checked, (i as HTMLInputElement).disabled]),
    ).toEqual([true, true]);
    expect(await textOf(page, '#sign-note')).toBe('required by your organisation');
  });
});
