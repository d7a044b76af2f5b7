/**
 * Builds the extension into extension/dist: `npm run build` (vite build -c extension/vite.config.ts).
 * The managed-storage schema is generated from the one settings definition (shared/policy) at build time,
 * so the admin policy schema cannot drift from what the extension reads.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crx } from '@crxjs/vite-plugin';
import { format } from 'prettier';
import { defineConfig, type Plugin } from 'vite';
import { managedSchema } from '../shared/policy/managed-schema';
import manifest from './manifest.config';

const root = dirname(fileURLToPath(import.meta.url));

function managedSchemaFile(): Plugin {
  return {
    name: 'sello-managed-schema',
    async buildStart() {
      mkdirSync(resolve(root, 'public'), { recursive: true });
      // Formatted as the repository formats JSON, so a build leaves the committed file unchanged.
      const json = await format(JSON.stringify(managedSchema()), { parser: 'json', printWidth: 110 });
      writeFileSync(resolve(root, 'public/managed_schema.json'), json);
    },
  };
}

export default defineConfig({
  root,
  publicDir: resolve(root, 'public'),
  logLevel: 'warn',
  plugins: [managedSchemaFile(), crx({ manifest })],
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    target: 'chrome116',
    sourcemap: false,
    // A 25 MB attachment path and PKI.js make big chunks; the size warning is noise here.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        compose: resolve(root, 'frames/compose/index.html'),
        read: resolve(root, 'frames/read/index.html'),
      },
    },
  },
});
