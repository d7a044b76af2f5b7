/**
 * Effective settings: defaults < the user's choices (storage.local) < the administrator's policy
 * (storage.managed), merged by shared/policy. A managed value locks the setting: the options page shows
 * it as set by the organisation and `setUserSetting` refuses to change it.
 */
import browser from 'webextension-polyfill';
import { SelloError } from '../../shared/errors';
import {
  SETTINGS,
  defaultSettings,
  type SettingKey,
  type Settings,
} from '../../shared/policy/settings-definition';
import { checkSettings, mergeSettings, type EffectiveSettings } from '../../shared/policy/validate-settings';

const USER_KEY = 'settings';

async function readManaged(): Promise<Record<string, unknown>> {
  try {
    return (await browser.storage.managed.get(null)) as Record<string, unknown>;
  } catch (e) {
    // Firefox rejects when no policy exists for the extension: that simply means "no managed values".
    if (e instanceof Error && /managed/i.test(e.message)) return {};
    throw e;
  }
}

async function readUser(): Promise<Partial<Settings>> {
  const stored = await browser.storage.local.get(USER_KEY);
  const user = stored[USER_KEY];
  return typeof user === 'object' && user !== null ? (user as Partial<Settings>) : {};
}

export async function effectiveSettings(): Promise<EffectiveSettings> {
  const [user, managed] = await Promise.all([readUser(), readManaged()]);
  return mergeSettings(defaultSettings(), user, managed);
}

export async function currentSettings(): Promise<Settings> {
  return (await effectiveSettings()).values;
}

/** `value === null` removes the user's override (back to the default). */
export async function setUserSetting(key: string, value: unknown): Promise<EffectiveSettings> {
  if (!(key in SETTINGS)) throw new SelloError('policy.unknown-setting', `${key} is not a Sello setting.`);
  const k = key as SettingKey;
  const current = await effectiveSettings();
  if (current.locked.has(k)) {
    throw new SelloError('policy.locked', 'This setting is set by your organisation.');
  }
  const user = await readUser();
  if (value === null) {
    delete user[k];
  } else {
    const issues = checkSettings({ [k]: value });
    if (issues.length > 0) {
      throw new SelloError('policy.invalid', `${k}: ${issues.map((i) => i.reason).join('; ')}`);
    }
    (user as Record<string, unknown>)[k] = value;
  }
  await browser.storage.local.set({ [USER_KEY]: user });
  return effectiveSettings();
}

export function onSettingsChanged(listener: () => void): void {
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'managed' || (area === 'local' && USER_KEY in changes)) listener();
  });
}
