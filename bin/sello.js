#!/usr/bin/env node
// The `sello` command. The CLI is TypeScript (shared/cli/main.ts, the same core the extension and
// add-in bundle). Loading it through tsx costs about 0.7 s of CPU on every start, so the first run
// bundles it with esbuild into node_modules/.cache/sello/cli.mjs and later runs load that file while
// it is up to date (every bundled input keeps its size and mtime). No build step for admins: when the
// bundle cannot be made (no esbuild, read-only node_modules) or SELLO_NO_BUNDLE=1, tsx loads the source.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ENTRY = join(ROOT, 'shared', 'cli', 'main.ts');
// Three levels below the root, like shared/cli/commands/*.ts, whose `import.meta.url`-relative paths
// (the repository root) then still resolve from inside the bundle.
const CACHE = join(ROOT, 'node_modules', '.cache', 'sello');
const BUNDLE = join(CACHE, 'cli.mjs');
const MANIFEST = join(CACHE, 'cli.inputs.json');
const VERSION = 1;

function stamp(path) {
  const s = statSync(path);
  return `${s.size}:${Math.trunc(s.mtimeMs)}`;
}

function upToDate() {
  try {
    const m = JSON.parse(readFileSync(MANIFEST, 'utf8'));
    if (m.version !== VERSION || m.node !== process.version || m.bundle !== stamp(BUNDLE)) return false;
    for (const [path, s] of Object.entries(m.inputs)) if (stamp(join(ROOT, path)) !== s) return false;
    return true;
  } catch {
    return false;
  }
}

async function build() {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${process.versions.node.split('.')[0]}`,
    keepNames: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    // Bundled CommonJS packages call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __selloRequire } from 'node:module'; const require = __selloRequire(import.meta.url);",
    },
  });
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs)) inputs[path] = stamp(join(ROOT, path));
  mkdirSync(CACHE, { recursive: true });
  // Concurrent first runs each write their own temporary file; rename is atomic.
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  writeFileSync(tmp, result.outputFiles[0].contents);
  renameSync(tmp, BUNDLE);
  const manifest = { version: VERSION, node: process.version, bundle: stamp(BUNDLE), inputs };
  writeFileSync(`${MANIFEST}.${process.pid}.tmp`, JSON.stringify(manifest));
  renameSync(`${MANIFEST}.${process.pid}.tmp`, MANIFEST);
}

let bundled = false;
if (process.env.SELLO_NO_BUNDLE !== '1') {
  try {
    if (!upToDate()) await build();
    bundled = true;
  } catch {
    bundled = false;
  }
}
if (bundled) {
  await import(pathToFileURL(BUNDLE).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../shared/cli/main.ts');
}
