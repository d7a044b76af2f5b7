/**
 * The MV3 manifest, rendered by @crxjs/vite-plugin. Permissions are the minimum the features need:
 * `storage` (settings, managed policy, drafts index). No host permissions: the local-http demo transport
 * relies on CORS from the stand-in, and Graph (next issue) adds its own host. No externally_connectable:
 * no web page and no other extension may message the service worker.
 */
import { defineManifest } from '@crxjs/vite-plugin';

/**
 * Outlook on the web origins that get the content script: Microsoft 365 work and school accounts, and
 * outlook.live.com for personal Microsoft accounts (graphTenantId `consumers` or `common`, docs/owa.md).
 * Kept equal to MICROSOFT_OWA_ORIGINS in background/graph/owa-hosts.ts (a unit test checks it).
 */
export const OWA_MATCHES = [
  'https://outlook.office.com/*',
  'https://outlook.office365.com/*',
  'https://outlook.cloud.microsoft/*',
  'https://outlook.live.com/*',
];

/**
 * OWA integration (docs/owa.md): the content script for the Microsoft 365 hosts, and for the
 * additional hosts of the `owaHosts` setting through chrome.scripting once the user granted that host
 * (optional host permission). `identity` runs the Entra sign-in (launchWebAuthFlow); the Graph and
 * sign-in hosts are the public cloud's; sovereign clouds set other URLs and grant them as optional hosts.
 */
const OWA_CONTENT_SCRIPT = 'content/owa/owa.iife.ts';
const GRAPH_HOSTS = ['https://graph.microsoft.com/*', 'https://login.microsoftonline.com/*'];
/**
 * Graph's attachment upload sessions hand out an uploadUrl on Outlook's host
 * (outlook.office.com/api/…/AttachmentSessions…?authtoken=), which the service worker PUTs to. Whether
 * content-script matches alone exempt the worker's fetches from CORS is not something to rely on, so
 * the hosts are named here (no new install warning: the content script already covers them).
 */
const UPLOAD_HOSTS = ['https://outlook.office.com/*', 'https://outlook.office365.com/*'];
/**
 * Loopback is granted at install: the demo mailbox (`npm start`) and local OWA test servers run there,
 * and headless Chromium leaves a permission prompt pending forever, so an optional grant could not be
 * tested. On-premises OWA hosts (https) are optional and granted by the user per host.
 */
const LOOPBACK_HOSTS = ['http://127.0.0.1/*', 'http://localhost/*'];

export default defineManifest({
  manifest_version: 3,
  name: '__MSG_extName__',
  short_name: 'Sello',
  description: '__MSG_extDescription__',
  version: '0.1.0',
  default_locale: 'en',
  minimum_chrome_version: '116',
  permissions: ['storage', 'identity', 'scripting'],
  host_permissions: [...GRAPH_HOSTS, ...UPLOAD_HOSTS, ...LOOPBACK_HOSTS],
  optional_host_permissions: ['https://*/*'],
  content_scripts: [{ matches: OWA_MATCHES, js: [OWA_CONTENT_SCRIPT], run_at: 'document_idle' }],
  background: { service_worker: 'background/service-worker.ts', type: 'module' },
  options_ui: { page: 'frames/options/index.html', open_in_tab: true },
  storage: { managed_schema: 'managed_schema.json' },
  // Chrome 148+: messages are structured-cloned instead of JSON-serialised. A 25 MB attachment (34 MB
  // of base64) then leaves the compose frame without a JSON pass on its main thread (bench: longest
  // task while sending 230-565 ms -> ~110 ms, send 2.45x -> 1.6x the CLI). Older Chrome ignores the
  // key and keeps JSON; the router validates every message's shape either way.
  ...({ message_serialization: 'structured_clone' } as object),
  content_security_policy: {
    extension_pages:
      "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self' https: http://127.0.0.1:* http://localhost:*",
  },
  web_accessible_resources: [
    {
      // Only the two frames the OWA content script embeds. On-premises OWA hosts come from settings, so
      // the static list cannot name them: the frames are reachable from any page but only under the
      // per-session dynamic URL, which only our content script learns (runtime.getURL); other sites
      // cannot probe for the extension. Frames loaded that way still report the extension's own
      // origin to the sender check (tested in test/e2e/owa). frame-ancestors above follows: https
      // pages and loopback (on-premises hosts are not known at build time).
      resources: ['frames/compose/index.html', 'frames/read/index.html'],
      matches: ['<all_urls>'],
      use_dynamic_url: true,
    },
  ],
});
