/**
 * `sello deploy build`: from an admin's settings and trusted CAs to everything a fleet needs: a signed
 * CRX carrying update_url, the update manifest beside it, and force-install + settings policies for
 * Windows, Linux, macOS and Firefox. Settings are validated before anything is written.
 */
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SelloError } from '../errors';
import { parseSettings } from '../policy/validate-settings';
import { managedSchema } from '../policy/managed-schema';
import type { Settings } from '../policy/settings-definition';
import { buildExtension } from './build-extension';
import { packCrx } from './pack-crx';
import { updateManifestXml } from './update-manifest';
import { firefoxPoliciesJson, linuxPolicyJson, macMobileconfig, windowsRegFile } from './policy-artifacts';

export interface TrustImport {
  pem: string[];
  refused: string[];
}

export interface DeployBuildOptions {
  settingsFile: string;
  trustFiles: string[];
  keyFile: string;
  updateUrl: string;
  outDir: string;
  /** The built extension (extension/dist, or a prebuilt copy the admin names). */
  extensionDir: string;
  /**
   * Builds extensionDir from source with this vite config: always (--rebuild) or only when it holds
   * no built extension. Absent: extensionDir must already be built.
   */
  build?: { configFile: string; always: boolean };
  /** Overrides the manifest version, e.g. to roll out an update. */
  version?: string;
  importTrust: (bytes: Uint8Array, fileName: string) => Promise<TrustImport>;
  log: (line: string) => void;
}

export interface DeployBuildResult {
  extensionId: string;
  keyCreated: boolean;
  version: string;
  files: string[];
}

export const FIREFOX_ID = 'sello@sello-smime.org';

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new SelloError('io.read', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new SelloError('policy.invalid', `${path}: not JSON (${(e as Error).message})`);
  }
}

function utf16leWithBom(s: string): Uint8Array {
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 + i * 2] = c & 0xff;
    out[3 + i * 2] = c >> 8;
  }
  return out;
}

export async function buildDeployment(o: DeployBuildOptions): Promise<DeployBuildResult> {
  let update: URL;
  try {
    update = new URL(o.updateUrl);
  } catch {
    throw new SelloError('usage.update-url', `--update-url ${o.updateUrl}: not a URL`);
  }
  if (update.protocol !== 'https:' && update.protocol !== 'http:') {
    throw new SelloError('usage.update-url', `--update-url ${o.updateUrl}: must be http(s)`);
  }
  const settings: Partial<Settings> = parseSettings(await readJson(o.settingsFile), o.settingsFile);

  const anchors = new Set(settings.trustAnchors ?? []);
  for (const file of o.trustFiles) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch {
      throw new SelloError('io.read', `${file}: cannot read`);
    }
    const { pem, refused } = await o.importTrust(bytes, file);
    for (const r of refused) o.log(`warning: ${file}: refused ${r}`);
    for (const p of pem) anchors.add(p);
  }
  if (anchors.size > 0) settings.trustAnchors = [...anchors];
  parseSettings(settings, 'settings with trust anchors');

  if (o.build && (o.build.always || !existsSync(join(o.extensionDir, 'manifest.json')))) {
    o.log(`building the extension into ${o.extensionDir}`);
    await buildExtension({ configFile: o.build.configFile, outDir: o.extensionDir });
  }
  if (!existsSync(join(o.extensionDir, 'manifest.json'))) {
    throw new SelloError(
      'io.no-build',
      `${o.extensionDir}: no built extension here (add --rebuild to build it from this checkout)`,
    );
  }
  await mkdir(o.outDir, { recursive: true });
  const staging = join(o.outDir, '.staging');
  await rm(staging, { recursive: true, force: true });
  await cp(o.extensionDir, staging, { recursive: true });

  const manifestPath = join(staging, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as Record<string, unknown>;
  // Chrome only checks the policy URL for the first install; later updates come from update_url.
  manifest.update_url = o.updateUrl;
  if (o.version) manifest.version = o.version;
  delete manifest.key;
  const storage = (manifest.storage ?? {}) as { managed_schema?: string };
  storage.managed_schema ??= 'managed_schema.json';
  manifest.storage = storage;
  await writeFile(join(staging, storage.managed_schema), JSON.stringify(managedSchema(), null, 2));
  await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
  const version = String(manifest.version);

  const crxName = 'sello.crx';
  const crxPath = join(o.outDir, crxName);
  const { extensionId, keyCreated } = await packCrx(staging, o.keyFile, crxPath);
  await rm(staging, { recursive: true, force: true });
  if (keyCreated) {
    o.log(`warning: created a new signing key at ${o.keyFile}. Keep it safe and private: the extension id`);
    o.log('         derives from it, and losing it means redeploying under a new id.');
  }

  const files: string[] = [crxPath];
  const write = async (rel: string, content: string | Uint8Array) => {
    const p = join(o.outDir, rel);
    await mkdir(join(p, '..'), { recursive: true });
    await writeFile(p, content);
    files.push(p);
  };
  const codebase = new URL(crxName, update).href;
  await write(basename(update.pathname) || 'updates.xml', updateManifestXml(extensionId, codebase, version));

  const f = { extensionId, updateUrl: o.updateUrl, settings };
  const linux = linuxPolicyJson(f);
  await write('policies/linux/chrome/etc/opt/chrome/policies/managed/sello.json', linux);
  await write('policies/linux/chromium/etc/chromium/policies/managed/sello.json', linux);
  await write('policies/linux/edge/etc/opt/edge/policies/managed/sello.json', linux);
  await write('policies/windows/chrome.reg', utf16leWithBom(windowsRegFile(f, 'chrome')));
  await write('policies/windows/edge.reg', utf16leWithBom(windowsRegFile(f, 'edge')));
  await write(
    'policies/macos/sello.mobileconfig',
    macMobileconfig(f, () => randomUUID().toUpperCase()),
  );
  await write(
    'policies/firefox/policies.json',
    firefoxPoliciesJson(f, FIREFOX_ID, new URL('sello.xpi', update).href),
  );
  await write('settings.effective.json', JSON.stringify(settings, null, 2) + '\n');
  return { extensionId, keyCreated, version, files };
}
