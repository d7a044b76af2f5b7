/**
 * The OnMessageSend handler as one classic script (launch-event.js): classic Outlook on Windows runs it
 * in a JavaScript-only runtime that loads no HTML and no ES modules. Runs after vite.config.ts, into the
 * same addin/dist.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root,
  logLevel: 'warn',
  publicDir: false,
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: false,
    target: 'es2017',
    sourcemap: false,
    lib: {
      entry: resolve(root, 'commands/launch-event.ts'),
      formats: ['iife'],
      name: 'SelloLaunchEvent',
      fileName: () => 'launch-event.js',
    },
  },
});
