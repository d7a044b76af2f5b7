/**
 * `npm start`: Sello's main job on an embedded default, in one command. Builds the extension and the
 * add-in, packs a self-hosted deployment (CRX, update manifest, policies) for a demo organisation and
 * serves its update URL, serves the add-in over HTTPS, and brings up the demo mailbox: STAND-INS for
 * Outlook on the web, Microsoft Graph and Entra with a demo PKI (a CA, Alice, Bob) and seeded S/MIME
 * mail. Everything listens on 127.0.0.1 / localhost only.
 *
 *   npm start                  build and run until Ctrl-C
 *   npm start -- --no-build    reuse extension/dist and addin/dist
 *   npm start -- --check       start, check every endpoint answers, print the summary and exit
 *   npm start -- --addin-settings FILE
 *                              serve FILE as the add-in's sello-settings.json (the administrator's
 *                              settings, docs/addin.md) instead of the demo one written to
 *                              .tmp/demo/addin-settings.json
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pemEncode } from '../shared/bytes';
import { defaultEnv } from '../shared/env';
import { buildDeployment } from '../shared/deploy/build-deployment';
import { extensionIdFromPrivateKeyPem } from '../shared/deploy/extension-id';
import { serveDirectory } from '../shared/deploy/static-server';
import { importTrustFile } from '../shared/pki/trust-import';
import { describeDemoMailbox, startDemoMailbox } from '../test/stand-ins/demo-mailbox';
import { serveAddin } from '../addin/serve';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const args = new Set(argv);
const addinSettingsArg = argv.includes('--addin-settings')
  ? argv[argv.indexOf('--addin-settings') + 1]
  : undefined;
if (args.has('--addin-settings') && (!addinSettingsArg || addinSettingsArg.startsWith('--'))) {
  throw new Error('--addin-settings needs a file: npm start -- --addin-settings my-settings.json');
}
/** The text of a settings file that holds one JSON object (checked before anything starts). */
function settingsObjectText(file: string): string {
  const text = readFileSync(file, 'utf8');
  const parsed: unknown = JSON.parse(text);
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${file}: the add-in settings must be a JSON object`);
  return text;
}
if (addinSettingsArg) settingsObjectText(resolve(addinSettingsArg));
const check = args.has('--check');
const port = (name: string, fallback: number) => Number(process.env[`SELLO_${name}_PORT`] ?? fallback);
const DEMO = join(ROOT, '.tmp', 'demo');
const log = (s: string) => process.stdout.write(`${s}\n`);

if (!args.has('--no-build')) {
  log('building the extension and the add-in (npm run build)...');
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
for (const d of ['extension/dist/manifest.json', 'addin/dist/taskpane.html']) {
  if (!existsSync(join(ROOT, d))) throw new Error(`${d} is missing: run npm run build (or drop --no-build)`);
}
mkdirSync(DEMO, { recursive: true });

// The demo organisation's extension signing key: made once, so the extension id stays the same.
const keyFile = join(DEMO, 'extension-key.pem');
if (!existsSync(keyFile)) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
}
const packedId = extensionIdFromPrivateKeyPem(readFileSync(keyFile, 'utf8'));

const addinPort = port('ADDIN', 3000);
const mailbox = await startDemoMailbox({
  dir: join(DEMO, 'pki'),
  extensionDir: join(ROOT, 'extension', 'dist'),
  redirectUris: [
    `https://${packedId}.chromiumapp.org/`,
    // The add-in's sign-in dialog page (docs/addin.md, app registration), over HTTPS or the HTTP fallback.
    `https://localhost:${addinPort}/auth-dialog.html`,
    `http://localhost:${addinPort}/auth-dialog.html`,
  ],
  ports: { entra: port('ENTRA', 8431), graph: port('GRAPH', 8432), owa: port('OWA', 8433) },
});

// The demo organisation's policy: the demo mailbox's hosts and the demo CA as trust anchor.
const updatePort = port('UPDATE', 8480);
const updateUrl = `http://127.0.0.1:${updatePort}/sello/updates.xml`;
writeFileSync(
  join(DEMO, 'settings.json'),
  JSON.stringify({ ...mailbox.settings, revocationMode: 'soft-fail' }, null, 2),
);
const env = defaultEnv();
const deployment = await buildDeployment({
  settingsFile: join(DEMO, 'settings.json'),
  trustFiles: [mailbox.files.caPem],
  keyFile,
  updateUrl,
  outDir: join(DEMO, 'deploy', 'sello'),
  extensionDir: join(ROOT, 'extension', 'dist'),
  importTrust: async (bytes, name) => {
    const r = await importTrustFile(bytes, name, env);
    return {
      pem: r.certificates.map((c) => pemEncode('CERTIFICATE', c.der)),
      refused: r.refused.map((x) => x.reason),
    };
  },
  log,
});
const updateServer = await serveDirectory(join(DEMO, 'deploy'), updatePort);

// The add-in's administrator settings (sello-settings.json next to its pages): the file given with
// --addin-settings, or a demo one pointing at the demo mailbox's Graph and Entra and trusting its CA.
const addinSettingsFile = addinSettingsArg ? resolve(addinSettingsArg) : join(DEMO, 'addin-settings.json');
if (!addinSettingsArg) {
  writeFileSync(
    addinSettingsFile,
    JSON.stringify(
      {
        graphUrl: mailbox.settings.graphUrl,
        authorityUrl: mailbox.settings.authorityUrl,
        graphTenantId: mailbox.settings.graphTenantId,
        graphClientId: mailbox.settings.graphClientId,
        trustAnchors: [readFileSync(mailbox.files.caPem, 'utf8')],
      },
      null,
      2,
    ),
  );
}
/** Read on every request, so an edit to the file shows on the pane's next load. */
const addinSettings = () => settingsObjectText(addinSettingsFile);

const addinOptions = {
  port: addinPort,
  // Added to the Microsoft 365 defaults: sideloaded in real Outlook the pane still reaches Graph/Entra.
  connectSources: [mailbox.graph.baseUrl, mailbox.graph.uploadBaseUrl, mailbox.entra.authority],
  extraRoutes: (req: IncomingMessage, res: ServerResponse) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/sello-settings.json') return false;
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(addinSettings());
    return true;
  },
};
let addin: { url: string; close(): Promise<void> };
let addinNote = '';
const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];
try {
  addin = await serveAddin({ ...addinOptions, tls: check ? null : 'dev-certs' });
} catch (e) {
  // office-addin-dev-certs could not install or trust its CA here (e.g. no certutil on Linux): use
  // certificates it generates without installing anything, and say which CA to trust by hand.
  const certs = join(DEMO, 'addin-certs');
  try {
    addin = await serveAddin({ ...addinOptions, tls: { generateInto: certs } });
    addinNote = ` (HTTPS, but the development CA is not trusted on this machine: ${firstLine(e)}. Trust ${join(certs, 'ca.crt')} in your browser or system to sideload, or run npx office-addin-dev-certs install)`;
  } catch (e2) {
    addin = await serveAddin({ ...addinOptions, tls: null });
    addinNote = ` (plain HTTP, which Outlook refuses for sideloading: no development certificate could be made: ${firstLine(e2)})`;
  }
}

const linuxPolicy = join(
  DEMO,
  'deploy/sello/policies/linux/chromium/etc/chromium/policies/managed/sello.json',
);
log(
  [
    '',
    '== Sello is running ==',
    '',
    `Update URL:        ${updateUrl}   (extension id ${deployment.extensionId}, version ${deployment.version})`,
    `Force-install:     ExtensionInstallForcelist = ${deployment.extensionId};${updateUrl}`,
    `Linux policy:      sudo cp ${linuxPolicy} /etc/chromium/policies/managed/`,
    `All policies:      ${join(DEMO, 'deploy/sello/policies')}`,
    `Add-in:            ${addin.url}taskpane.html${addinNote}`,
    `Add-in manifest:   ${join(ROOT, 'manifest.xml')} (sideload it: docs/addin.md)`,
    `Add-in settings:   ${addinSettingsFile} (served as ${addin.url}sello-settings.json)`,
    '',
    describeDemoMailbox(mailbox),
    '',
    check ? 'checking that everything answers...' : 'Ctrl-C stops everything.',
  ].join('\n'),
);

async function stopAll(): Promise<void> {
  updateServer.close();
  await addin.close();
  await mailbox.stop();
}

if (check) {
  const urls = [
    updateUrl,
    `${addin.url}taskpane.html`,
    `${addin.url}sello-settings.json`,
    `${mailbox.owa.url}/mail/inbox`,
  ];
  let ok = true;
  for (const u of urls) {
    const res = await fetch(u).catch((e: unknown) => ({ ok: false, status: String(e) }));
    log(`  ${res.ok ? 'ok  ' : 'FAIL'} ${u} (${res.status})`);
    ok &&= res.ok;
  }
  const xml = await (await fetch(updateUrl)).text();
  ok &&= xml.includes(deployment.extensionId);
  // The add-in has a client id to sign in with, and its CSP lets it reach Microsoft 365 and the demo.
  const pane = await fetch(`${addin.url}taskpane.html`);
  const csp = pane.headers.get('content-security-policy') ?? '';
  const served = (await (await fetch(`${addin.url}sello-settings.json`)).json()) as {
    graphClientId?: string;
  };
  const addinOk =
    Boolean(served.graphClientId) &&
    csp.includes('https://graph.microsoft.com') &&
    csp.includes('https://login.microsoftonline.com') &&
    csp.includes(mailbox.graph.baseUrl);
  log(
    `  ${addinOk ? 'ok  ' : 'FAIL'} add-in settings (graphClientId) and connect-src (Microsoft 365 + demo)`,
  );
  ok &&= addinOk;
  await stopAll();
  process.exitCode = ok ? 0 : 1;
} else {
  process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));
}
