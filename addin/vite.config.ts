/**
 * Builds the Outlook add-in into addin/dist (`npm run build:addin`): the task pane, the event runtime
 * page (commands.html) and the sign-in dialog page. Office.js comes from @microsoft/office-js and is
 * copied next to them (only the Outlook files and string tables), so nothing loads from a CDN. The
 * launch-event script for classic Outlook is a separate classic-script build (vite.launch-event.config.ts).
 */
import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));
const officeDist = resolve(root, '../node_modules/@microsoft/office-js/dist');

/** office.js loads the host-specific outlook-*.js and a locale's string tables at run time. */
export function copyOfficeJs(outDir: string): void {
  const target = join(outDir, 'office-js');
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(officeDist)) {
    const from = join(officeDist, name);
    if (
      /^(office|o15apptofilemappingtable|es6-promise)\.js$/.test(name) ||
      /^outlook.*(?<!debug)\.js$/.test(name)
    ) {
      cpSync(from, join(target, name));
    } else if (/^(telemetry|ariatelemetry|agaveerrorux)$/.test(name)) {
      cpSync(from, join(target, name), { recursive: true });
    } else if (/^[a-z]{2,3}(-[a-z0-9]{2,4}){1,2}$/.test(name)) {
      for (const strings of ['office_strings.js', 'outlook_strings.js']) {
        if (existsSync(join(from, strings))) {
          mkdirSync(join(target, name), { recursive: true });
          cpSync(join(from, strings), join(target, name, strings));
        }
      }
    }
  }
}

function officeJs(): Plugin {
  return {
    name: 'sello-office-js',
    apply: 'build',
    writeBundle(options) {
      copyOfficeJs(options.dir ?? resolve(root, 'dist'));
    },
  };
}

export default defineConfig({
  root,
  base: './',
  publicDir: resolve(root, 'public'),
  logLevel: 'warn',
  plugins: [officeJs()],
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        taskpane: resolve(root, 'taskpane.html'),
        commands: resolve(root, 'commands.html'),
        'auth-dialog': resolve(root, 'auth-dialog.html'),
      },
    },
  },
});
