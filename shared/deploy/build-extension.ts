/**
 * Builds the extension from source for `sello deploy build` (what `npm run build` does for the
 * extension half), so an admin with a checkout gets a deployment from one command. Node-only: it
 * runs vite's own build() with extension/vite.config.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SelloError } from '../errors';

export interface ExtensionBuild {
  /** extension/vite.config.ts of the checkout. */
  configFile: string;
  /** Where the built extension goes (extension/dist unless the admin names another folder). */
  outDir: string;
}

type ViteBuild = (config: Record<string, unknown>) => Promise<unknown>;

async function loadViteBuild(): Promise<ViteBuild> {
  // A variable specifier keeps the CLI bundler (bin/sello.js, esbuild) from inlining vite and its
  // native parts into the CLI bundle; Node resolves it from node_modules at run time.
  const specifier = 'vite';
  try {
    const vite = (await import(/* @vite-ignore */ specifier)) as { build: ViteBuild };
    return vite.build;
  } catch (e) {
    throw new SelloError(
      'io.no-build',
      'cannot build the extension: vite is not installed (run npm ci in the Sello checkout, or pass --extension-dir with a built extension)',
      { cause: e },
    );
  }
}

export async function buildExtension(b: ExtensionBuild): Promise<void> {
  if (!existsSync(b.configFile)) {
    throw new SelloError('io.no-build', `${b.configFile}: no extension build config (not a Sello checkout?)`);
  }
  // As `npm run build` does: vite 8 otherwise prints a warning about its future native config loader
  // (extensionless imports in the config) on every build, which is noise for admins.
  process.env.VITE_CONFIG_NATIVE_IGNORE_WARNING ??= 'true';
  const build = await loadViteBuild();
  // Build plugins (@crxjs) report progress with console.log; stdout is the command's result (--json),
  // so their lines go to stderr with the other progress.
  const { log, info } = console;
  console.log = console.info = (...args: unknown[]) => console.error(...args);
  try {
    await build({
      configFile: b.configFile,
      logLevel: 'warn',
      build: { outDir: b.outDir, emptyOutDir: true },
    });
  } catch (e) {
    throw new SelloError('io.build-failed', `building the extension failed: ${(e as Error).message}`, {
      cause: e,
    });
  } finally {
    console.log = log;
    console.info = info;
  }
  if (!existsSync(join(b.outDir, 'manifest.json'))) {
    throw new SelloError('io.build-failed', `${b.outDir}: the extension build wrote no manifest.json`);
  }
}
