/**
 * The add-in's settings: the shared definition (shared/policy), with administrator values from
 * `sello-settings.json` next to the add-in's pages (whoever hosts the add-in for an organisation
 * controls that file, the add-in's counterpart of the extension's managed storage) and the user's own
 * choices in Office roaming settings. Defaults < user < managed; managed values lock.
 */
import { defaultSettings, type Settings } from '../../shared/policy/settings-definition';
import { mergeSettings, type EffectiveSettings } from '../../shared/policy/validate-settings';

export const ROAMING_KEY = 'sello.settings';
export const MANAGED_FILE = 'sello-settings.json';

export interface SettingsSources {
  fetch: typeof fetch;
  /** Base URL the managed file is resolved against (the page or the event runtime's location). */
  base: string;
  roaming: () => Partial<Settings> | undefined;
}

export async function loadManaged(
  src: Pick<SettingsSources, 'fetch' | 'base'>,
): Promise<Record<string, unknown>> {
  const res = await src.fetch(new URL(MANAGED_FILE, src.base).href, { cache: 'no-store' });
  // No file means no administrator policy; any other failure must not silently drop a policy.
  if (res.status === 404) return {};
  if (!res.ok) throw new Error(`${MANAGED_FILE}: HTTP ${res.status}`);
  const json: unknown = await res.json();
  return json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
}

export async function loadSettings(src: SettingsSources): Promise<EffectiveSettings> {
  return mergeSettings(defaultSettings(), src.roaming() ?? {}, await loadManaged(src));
}
