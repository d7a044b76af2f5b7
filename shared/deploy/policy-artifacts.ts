/**
 * Writes the browser policies that force-install Sello from the admin's update URL and hand it its
 * managed settings, for every platform an admin deploys to. One function per format; the values
 * come from the validated settings, so every artifact says the same thing.
 */
import type { Settings } from '../policy/settings-definition';

export interface ForceInstall {
  extensionId: string;
  updateUrl: string;
  settings: Partial<Settings>;
}

const forcelistEntry = (f: ForceInstall) => `${f.extensionId};${f.updateUrl}`;

/** /etc/opt/chrome/policies/managed, /etc/chromium/policies/managed, /etc/opt/edge/policies/managed. */
export function linuxPolicyJson(f: ForceInstall): string {
  return (
    JSON.stringify(
      {
        ExtensionInstallForcelist: [forcelistEntry(f)],
        '3rdparty': { extensions: { [f.extensionId]: f.settings } },
      },
      null,
      2,
    ) + '\n'
  );
}

function regString(s: string): string {
  // regedit's only escapes inside a quoted value are \\ and \".
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** REG_SZ spelled as hex(1): UTF-16LE bytes plus the terminating NUL, for text a quoted value cannot hold. */
function regHexSz(s: string): string {
  const bytes: string[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    bytes.push((c & 0xff).toString(16).padStart(2, '0'), (c >> 8).toString(16).padStart(2, '0'));
  }
  bytes.push('00', '00');
  return `hex(1):${bytes.join(',')}`;
}

const PEM_BLOCK = /^\s*(-----BEGIN [A-Z0-9 ]+-----)([A-Za-z0-9+/=\s]+)(-----END [A-Z0-9 ]+-----)\s*$/;

/**
 * A .reg quoted value ends at the line break: a multi-line PEM there cuts the value short and makes
 * regedit/GPO reject the rest of the file. A PEM becomes one line: the trustAnchors pattern and
 * pemDecodeAll (shared/bytes, which the extension reads trustAnchors with) both accept a PEM without
 * line breaks. Any other text with a control character is written as hex(1), kept byte for byte.
 */
function regStringValue(s: string): string {
  const pem = PEM_BLOCK.exec(s);
  if (pem) return regString(`${pem[1]}${pem[2]!.replace(/\s/g, '')}${pem[3]}`);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  if (/[\u0000-\u001f\u007f]/.test(s)) return regHexSz(s);
  return regString(s);
}

function regValue(name: string, value: unknown): string[] {
  if (typeof value === 'boolean') return [`${regString(name)}=dword:${value ? '00000001' : '00000000'}`];
  if (typeof value === 'number')
    return [`${regString(name)}=dword:${(value >>> 0).toString(16).padStart(8, '0')}`];
  return [`${regString(name)}=${regStringValue(String(value))}`];
}

/**
 * Windows registry file for Chrome (Software\Policies\Google\Chrome) or Edge
 * (Software\Policies\Microsoft\Edge). Lists become subkeys with values "1", "2", ... as Chrome reads
 * list policies; the extension's own policy sits under 3rdparty\extensions\<id>\policy.
 */
export function windowsRegFile(f: ForceInstall, browser: 'chrome' | 'edge'): string {
  const root =
    browser === 'chrome'
      ? 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome'
      : 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge';
  const lines = ['Windows Registry Editor Version 5.00', ''];
  lines.push(`[${root}\\ExtensionInstallForcelist]`, `"1"=${regString(forcelistEntry(f))}`, '');
  const policyKey = `${root}\\3rdparty\\extensions\\${f.extensionId}\\policy`;
  lines.push(`[${policyKey}]`);
  const lists: [string, string[]][] = [];
  for (const [k, v] of Object.entries(f.settings)) {
    if (Array.isArray(v)) lists.push([k, v as string[]]);
    else lines.push(...regValue(k, v));
  }
  lines.push('');
  for (const [k, items] of lists) {
    lines.push(`[${policyKey}\\${k}]`);
    items.forEach((item, i) => lines.push(...regValue(String(i + 1), item)));
    lines.push('');
  }
  // .reg files are UTF-16LE with a BOM when they say "Version 5.00"; the caller encodes.
  return lines.join('\r\n');
}

function plist(v: unknown, indent: string): string {
  if (typeof v === 'boolean') return `${indent}<${v}/>`;
  if (typeof v === 'number') return `${indent}<integer>${v}</integer>`;
  if (Array.isArray(v)) {
    return [`${indent}<array>`, ...v.map((x) => plist(x, indent + '  ')), `${indent}</array>`].join('\n');
  }
  if (typeof v === 'object' && v !== null) {
    const out = [`${indent}<dict>`];
    for (const [k, x] of Object.entries(v)) out.push(`${indent}  <key>${k}</key>`, plist(x, indent + '  '));
    return [...out, `${indent}</dict>`].join('\n');
  }
  return `${indent}<string>${String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string>`;
}

/**
 * macOS configuration profile (Jamf, Intune for macOS): a payload for the browser's ExtensionInstallForcelist and
 * one for the extension's policy domain (`com.google.Chrome.extensions.<id>` / `com.microsoft.Edge.extensions.<id>`).
 */
export function macMobileconfig(f: ForceInstall, uuid: () => string): string {
  const payloads: Record<string, unknown>[] = [];
  for (const domain of ['com.google.Chrome', 'com.microsoft.Edge']) {
    payloads.push({
      PayloadType: domain,
      PayloadIdentifier: `org.sello.policy.${domain}`,
      PayloadUUID: uuid(),
      PayloadVersion: 1,
      PayloadDisplayName: `Sello force-install (${domain})`,
      ExtensionInstallForcelist: [forcelistEntry(f)],
    });
    payloads.push({
      PayloadType: `${domain}.extensions.${f.extensionId}`,
      PayloadIdentifier: `org.sello.settings.${domain}`,
      PayloadUUID: uuid(),
      PayloadVersion: 1,
      PayloadDisplayName: `Sello settings (${domain})`,
      ...f.settings,
    });
  }
  const profile = {
    PayloadType: 'Configuration',
    PayloadIdentifier: 'org.sello.profile',
    PayloadUUID: uuid(),
    PayloadVersion: 1,
    PayloadDisplayName: 'Sello S/MIME',
    PayloadScope: 'System',
    PayloadContent: payloads,
  };
  const body = plist(profile, '');
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<plist version="1.0">',
    body,
    '</plist>',
    '',
  ].join('\n');
}

/**
 * Firefox enterprise policies.json. Firefox installs only signed XPI packages (not CRX), so the
 * install_url must point to an XPI signed through addons.mozilla.org; the 3rdparty block carries the
 * same settings for the extension's managed storage.
 */
export function firefoxPoliciesJson(f: ForceInstall, geckoId: string, xpiUrl: string): string {
  return (
    JSON.stringify(
      {
        policies: {
          ExtensionSettings: { [geckoId]: { installation_mode: 'force_installed', install_url: xpiUrl } },
          '3rdparty': { Extensions: { [geckoId]: f.settings } },
        },
      },
      null,
      2,
    ) + '\n'
  );
}
