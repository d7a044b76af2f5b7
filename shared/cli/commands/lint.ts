/**
 * `sello lint CERT|ID.p12`: one line per finding with its severity; the exit code is the worst
 * (0 ok or info only, 1 warnings, 3 errors; 2 is a usage error, 10+ unreadable input). docs/lint.md.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { fromUtf8, looksLikePem, pemDecodeAll } from '../../bytes';
import { defaultEnv, type CoreEnv } from '../../env';
import { SelloError, isSelloError } from '../../errors';
import { importPkcs12 } from '../../keys/pkcs12';
import { importTrustFiles } from '../../pki/trust-import';
import { lintCertificate, lintExitCode, type LintReport, type LintSubject } from '../../pki/lint';

interface LintCliOptions {
  passFile?: string;
  trust: string[];
  json?: boolean;
  expiryDays: string;
}

export function register(program: Command): void {
  program
    .command('lint')
    .description(
      'check that a certificate or PKCS#12 identity is fit for S/MIME (exit 0 ok, 1 warnings, 3 errors)',
    )
    .argument('<file>', 'certificate (PEM/DER) or PKCS#12 (.p12/.pfx)')
    .option('--pass-file <file>', 'file holding the PKCS#12 password (first line)')
    .option('--trust <file...>', 'trust anchors (PEM bundle, DER, P7B) to chain to', [])
    .option('--expiry-days <n>', 'warn when the certificate expires within this many days', '30')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, opts: LintCliOptions) => {
      const env = defaultEnv();
      const expiryWarningDays = Number(opts.expiryDays);
      if (!Number.isInteger(expiryWarningDays) || expiryWarningDays < 0)
        throw new SelloError('usage.bad-number', '--expiry-days must be a whole number of days');
      const anchors = await readAnchors(opts.trust, env);
      const bytes = await readInput(file);
      const reports: LintReport[] = [];
      let subjects: LintSubject[];
      try {
        subjects = isPkcs12(file, bytes)
          ? await identitiesOf(bytes, opts.passFile, env)
          : [certificateSubject(bytes, file)];
      } catch (e) {
        if (!isSelloError(e, 'pkcs12.no-key')) throw e;
        subjects = [];
        reports.push({
          subject: file,
          worst: 'error',
          findings: [
            {
              severity: 'error',
              code: 'cert.no-private-key',
              message: 'the PKCS#12 file holds no private key: it cannot sign or decrypt',
            },
          ],
        });
      }
      for (const subject of subjects)
        reports.push(await lintCertificate(subject, { anchors, expiryWarningDays }, env));

      const worst = reports.some((r) => r.worst === 'error')
        ? 'error'
        : reports.some((r) => r.worst === 'warning')
          ? 'warning'
          : 'ok';
      const exitCode = lintExitCode(worst);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ file, reports, worst, exitCode }, null, 2)}\n`);
      } else {
        for (const report of reports) {
          process.stdout.write(`${file}: ${report.subject}\n`);
          for (const f of report.findings)
            process.stdout.write(`${f.severity.padEnd(7)} ${f.code}: ${f.message}\n`);
        }
      }
      process.exitCode = exitCode;
    });
}

async function readInput(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new SelloError('io.read-failed', `cannot read ${path}`, { cause: e });
  }
}

/** PKCS#12 by name, or by shape: PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, ... }. */
function isPkcs12(name: string, bytes: Uint8Array): boolean {
  if (/\.(p12|pfx)$/i.test(name)) return true;
  if (looksLikePem(bytes) || bytes[0] !== 0x30) return false;
  const lenBytes = (bytes[1] ?? 0) & 0x80 ? (bytes[1] ?? 0) & 0x7f : 0;
  const at = 2 + lenBytes;
  return bytes[at] === 0x02 && bytes[at + 1] === 0x01 && bytes[at + 2] === 0x03;
}

async function identitiesOf(
  bytes: Uint8Array,
  passFile: string | undefined,
  env: CoreEnv,
): Promise<LintSubject[]> {
  const password = passFile
    ? ((
        await readFile(passFile, 'utf8').catch((e: unknown) => {
          throw new SelloError('io.read-failed', `cannot read ${passFile}`, { cause: e });
        })
      ).split(/\r?\n/)[0] ?? '')
    : '';
  let contents;
  try {
    contents = await importPkcs12(bytes, password, env);
  } catch (e) {
    if (!passFile && isSelloError(e, 'pkcs12.wrong-password'))
      throw new SelloError(
        'usage.password-needed',
        'this PKCS#12 file is password protected: give --pass-file',
      );
    throw e;
  }
  // importPkcs12 pairs each key with the certificate whose public key it matches: an identity is proof.
  return contents.identities.map((id) => ({
    certificate: id.certificate,
    chain: [...id.chain, ...contents.certificates],
    privateKeyMatches: true,
    legacyProtection: contents.legacyProtection,
  }));
}

function certificateSubject(bytes: Uint8Array, file: string): LintSubject {
  const certs = looksLikePem(bytes)
    ? pemDecodeAll(fromUtf8(bytes))
        .filter((b) => b.label === 'CERTIFICATE')
        .map((b) => b.der)
    : [bytes];
  const [first, ...rest] = certs;
  if (!first) throw new SelloError('cert.not-found', `${file} holds no certificate`);
  return { certificate: first, chain: rest, privateKeyMatches: null };
}

/** Trust files as `sello trust import` reads them (SST, P7B, PEM bundle, DER); expired anchors are refused. */
async function readAnchors(paths: string[], env: CoreEnv): Promise<Uint8Array[]> {
  const files = await Promise.all(
    paths.map(async (path) => ({ bytes: await readInput(path), fileName: path })),
  );
  const { certificates, refused } = await importTrustFiles(files, env);
  for (const r of refused) process.stderr.write(`sello lint: trust anchor not used: ${r.reason}\n`);
  return certificates.map((c) => c.der);
}
