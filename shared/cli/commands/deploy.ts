/**
 * `sello deploy`: the admin's one command. `build` turns settings + trusted CAs + a signing key into a
 * CRX, its update manifest and browser policies; `serve` serves them; `from-smimeconfig` migrates
 * Exchange's Set-SmimeConfig. docs/admin-guide.md walks through it.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { pemEncode } from '../../bytes';
import { defaultEnv } from '../../env';
import { SelloError } from '../../errors';
import { importTrustFile } from '../../pki/trust-import';
import { buildDeployment } from '../../deploy/build-deployment';
import { serveDirectory } from '../../deploy/static-server';
import { fromSmimeConfig } from '../../policy/from-smimeconfig';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function importTrust(bytes: Uint8Array, fileName: string) {
  const r = await importTrustFile(bytes, fileName, defaultEnv());
  return {
    pem: r.certificates.map((c) => pemEncode('CERTIFICATE', c.der)),
    refused: r.refused.map((x) => x.reason),
  };
}

interface BuildOpts {
  settings: string;
  trust: string[];
  key: string;
  updateUrl: string;
  out: string;
  extensionDir?: string;
  rebuild?: boolean;
  setVersion?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const deploy = program.command('deploy').description('build, serve and configure a self-hosted deployment');

  deploy
    .command('build')
    .description('pack a signed CRX with update_url, its update manifest and policies for every platform')
    .requiredOption('--settings <file>', 'Sello settings (JSON), validated against the policy schema')
    .option('--trust <file...>', 'trusted CAs: .sst, .p7b/.p7c, PEM bundle or DER', [])
    .requiredOption('--key <file>', "the admin's extension signing key (PEM); created when missing")
    .requiredOption('--update-url <url>', 'where browsers fetch updates, e.g. https://HOST/sello/updates.xml')
    .requiredOption('--out <dir>', 'output folder')
    .option(
      '--extension-dir <dir>',
      'a prebuilt extension to pack instead of building extension/dist from this checkout',
    )
    .option('--rebuild', 'build the extension from source even when it is already built')
    .option('--set-version <x.y.z>', 'override the extension version (to roll out an update)')
    .option('--json', 'print the result as JSON')
    .action(async (o: BuildOpts) => {
      const lines: string[] = [];
      const r = await buildDeployment({
        settingsFile: o.settings,
        trustFiles: o.trust,
        keyFile: o.key,
        updateUrl: o.updateUrl,
        outDir: o.out,
        // The checkout's own dist is built when missing; a folder the admin names is used as it is
        // unless --rebuild says otherwise (a mistyped path must not start a build somewhere odd).
        extensionDir: o.extensionDir ?? join(REPO, 'extension', 'dist'),
        build:
          o.extensionDir === undefined || o.rebuild
            ? { configFile: join(REPO, 'extension', 'vite.config.ts'), always: o.rebuild === true }
            : undefined,
        version: o.setVersion,
        importTrust,
        log: (l) => {
          lines.push(l);
          process.stderr.write(`${l}\n`);
        },
      });
      if (o.json) {
        process.stdout.write(JSON.stringify({ ...r, warnings: lines }, null, 2) + '\n');
        return;
      }
      process.stdout.write(
        [
          `extension id: ${r.extensionId}`,
          `version:      ${r.version}`,
          `forcelist:    ${r.extensionId};${o.updateUrl}`,
          'written:',
          ...r.files.map((f) => `  ${f}`),
          '',
        ].join('\n'),
      );
    });

  deploy
    .command('serve')
    .description('serve a deployment folder over HTTP (any static web server does)')
    .requiredOption('--dir <dir>', 'the --out folder of deploy build')
    .option('--port <n>', 'port (0: any free port, printed)', '8080')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .action(async (o: { dir: string; port: string; host: string }) => {
      const port = Number(o.port);
      if (!/^\d+$/.test(o.port) || port > 65535) {
        throw new SelloError('usage.bad-port', `--port ${o.port}: not a port number`);
      }
      if (!existsSync(o.dir)) throw new SelloError('io.read', `${o.dir}: no such folder`);
      const server = await serveDirectory(o.dir, port, o.host);
      const bound = (server.address() as AddressInfo).port;
      process.stdout.write(`serving ${o.dir} on http://${o.host}:${bound}/ (Ctrl-C stops)\n`);
    });

  deploy
    .command('from-smimeconfig')
    .description('turn `Get-SmimeConfig | ConvertTo-Json` output into Sello settings, with a report')
    .argument('<file>', 'the JSON file')
    .option('--out <file>', 'write the settings JSON here instead of stdout')
    .action(async (file: string, o: { out?: string }) => {
      let json: unknown;
      try {
        // PowerShell writes UTF-8 with a BOM or UTF-16; accept both.
        const raw = await readFile(file);
        const text =
          raw[0] === 0xff && raw[1] === 0xfe
            ? raw.subarray(2).toString('utf16le')
            : raw.toString('utf8').replace(/^\uFEFF/, '');
        json = JSON.parse(text);
      } catch (e) {
        throw new SelloError('policy.invalid', `${file}: not readable JSON (${(e as Error).message})`);
      }
      const { settings, report } = await fromSmimeConfig(json, {
        importSst: (bytes) => importTrust(bytes, `${file}: SMIMECertificateIssuingCA`),
      });
      for (const l of report) process.stderr.write(`${l.outcome.padEnd(10)} ${l.parameter}: ${l.detail}\n`);
      const text = JSON.stringify(settings, null, 2) + '\n';
      if (o.out) await writeFile(o.out, text);
      else process.stdout.write(text);
    });
}
