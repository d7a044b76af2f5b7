/**
 * The OWA content script on the additional hosts of the `owaHosts` setting (on-premises OWA, like
 * Microsoft's AllowedDomainsByPolicy): registered through chrome.scripting for each host the user has
 * granted (optional host permission), re-synced when the setting or the grants change. The Microsoft
 * 365 hosts are in the manifest.
 */
import browser from 'webextension-polyfill';
import { currentSettings, onSettingsChanged } from '../settings';
import { hostPattern } from './owa-hosts';

const SCRIPT_ID = 'sello-owa-additional-hosts';
/** The content script's built file(s), as the manifest names them after the build. */
function scriptFiles(): string[] {
  return (browser.runtime.getManifest().content_scripts ?? []).flatMap((c) => c.js ?? []);
}

export async function syncOwaContentScripts(): Promise<string[]> {
  const { owaHosts } = await currentSettings();
  const granted = new Set((await browser.permissions.getAll()).origins ?? []);
  const matches = [...new Set(owaHosts.map(hostPattern))].filter((p) => granted.has(p));
  const existing = await chrome.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
  if (existing.length > 0) await chrome.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
  if (matches.length > 0) {
    await chrome.scripting.registerContentScripts([
      { id: SCRIPT_ID, matches, js: scriptFiles(), runAt: 'document_idle', persistAcrossSessions: true },
    ]);
  }
  return matches;
}

export function installOwaContentScripts(): void {
  const sync = () =>
    void syncOwaContentScripts().catch((e: unknown) =>
      console.error(`sello: content script registration failed (${e instanceof Error ? e.name : typeof e})`),
    );
  onSettingsChanged(sync);
  browser.permissions.onAdded.addListener(sync);
  browser.permissions.onRemoved.addListener(sync);
  sync();
}
