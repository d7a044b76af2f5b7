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
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const args = new Set(process.argv.slice(2));
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

const mailbox = await startDemoMailbox({
  dir: join(DEMO, 'pki'),
  extensionDir: join(ROOT, 'extension', 'dist'),
  redirectUris: [`https://${packedId}.chromiumapp.org/`],
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

let addin: { url: string; close(): Promise<void> };
let addinNote = '';
try {
  addin = await serveAddin({
    port: port('ADDIN', 3000),
    connectSources: [mailbox.graph.baseUrl, mailbox.entra.authority],
    tls: check ? null : 'dev-certs',
  });
} catch (e) {
  // office-addin-dev-certs may be unable to create or trust its certificate on this machine.
  addinNote = ` (plain HTTP: the development certificate could not be set up: ${(e as Error).message.split('\n')[0]})`;
  addin = await serveAddin({ port: port('ADDIN', 3000), connectSources: [mailbox.graph.baseUrl, mailbox.entra.authority], tls: null }); // prettier-ignore
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
  const urls = [updateUrl, `${addin.url}taskpane.html`, `${mailbox.owa.url}/mail/inbox`];
  let ok = true;
  for (const u of urls) {
    const res = await fetch(u).catch((e: unknown) => ({ ok: false, status: String(e) }));
    log(`  ${res.ok ? 'ok  ' : 'FAIL'} ${u} (${res.status})`);
    ok &&= res.ok;
  }
  const xml = await (await fetch(updateUrl)).text();
  ok &&= xml.includes(deployment.extensionId);
  await stopAll();
  process.exitCode = ok ? 0 : 1;
} else {
  process.on('SIGINT', () => void stopAll().then(() => process.exit(0)));
}
