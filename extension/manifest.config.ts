/**
 * The MV3 manifest, rendered by @crxjs/vite-plugin. Permissions are the minimum the features need:
 * `storage` (settings, managed policy, drafts index). No host permissions: the local-http demo transport
 * relies on CORS from the stand-in, and Graph (next issue) adds its own host. No externally_connectable:
 * no web page and no other extension may message the service worker.
 */
import { defineManifest } from '@crxjs/vite-plugin';

/** Outlook on the web origins that may embed the compose and read frames (content script, next issue). */
export const OWA_MATCHES = [
  'https://outlook.office.com/*',
  'https://outlook.office365.com/*',
  'https://outlook.cloud.microsoft/*',
];

export default defineManifest({
  manifest_version: 3,
  name: '__MSG_extName__',
  short_name: 'Sello',
  description: '__MSG_extDescription__',
  version: '0.1.0',
  default_locale: 'en',
  minimum_chrome_version: '116',
  permissions: ['storage'],
  background: { service_worker: 'background/service-worker.ts', type: 'module' },
  options_ui: { page: 'frames/options/index.html', open_in_tab: true },
  storage: { managed_schema: 'managed_schema.json' },
  content_security_policy: {
    extension_pages:
      "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self' https://outlook.office.com https://outlook.office365.com https://outlook.cloud.microsoft",
  },
  web_accessible_resources: [
    {
      // Only the two frames the OWA content script embeds, and only for OWA: other sites cannot probe
      // for the extension (fingerprinting). use_dynamic_url stays off until the sender check is proven
      // with dynamic frame origins (docs/extension.md).
      resources: ['frames/compose/index.html', 'frames/read/index.html'],
      matches: OWA_MATCHES,
      use_dynamic_url: false,
    },
  ],
});
