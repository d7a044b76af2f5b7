/**
 * Packs a directory into a CRX3 signed with the admin's key, using the crx3 package (the CRX3
 * protobuf header and signature are fiddly; a maintained implementation beats our own). The key is
 * created when missing, written with owner-only permissions, and the caller warns the admin.
 */
import { existsSync, readdirSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { SelloError } from '../errors';

const require = createRequire(import.meta.url);

interface Crx3Result {
  appId: string;
  newKey?: string;
}
type Crx3 = (files: string[], options: Record<string, unknown>) => Promise<Crx3Result>;

export interface PackResult {
  extensionId: string;
  keyCreated: boolean;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

export async function packCrx(dir: string, keyPath: string, crxPath: string): Promise<PackResult> {
  if (!existsSync(join(dir, 'manifest.json'))) {
    throw new SelloError('io.no-manifest', `${dir}: no manifest.json to pack`);
  }
  const keyExisted = existsSync(keyPath);
  const crx3 = require('crx3') as Crx3;
  let result: Crx3Result;
  try {
    result = await crx3(listFiles(dir), { keyPath, crxPath });
  } catch (e) {
    throw new SelloError(
      'io.pack-failed',
      `${keyPath}: could not pack the extension (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  if (!keyExisted) await chmod(keyPath, 0o600);
  return { extensionId: result.appId, keyCreated: !keyExisted };
}
