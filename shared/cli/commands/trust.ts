/**
 * `sello trust import FILE... [--out bundle.pem] [--json]`: reads trust anchors and intermediates
 * from SST stores, PKCS#7 bundles, PEM bundles and DER files, lists what was imported (subject,
 * SHA-256 fingerprint, validity, CA flag) and what was refused (expired, by name), and writes the
 * accepted certificates as one PEM bundle for `--trust` options and policy tooling.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { pemEncode } from '../../bytes';
import { defaultEnv } from '../../env';
import { SelloError } from '../../errors';
import { importTrustFile, type RefusedCertificate, type TrustEntry } from '../../pki/trust-import';
import { EXIT } from '../exit-codes';
import { aboutFile, readInput } from '../input-files';

interface ImportOptions {
  out?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const trust = program.command('trust').description('manage trust anchors (certificate authorities)');
  trust
    .command('import')
    .description('import CA certificates from .sst, .p7b/.p7c, PEM or DER files; refuse expired ones')
    .argument('<files...>', 'certificate files (SST, PKCS#7, PEM bundle, DER)')
    .option('--out <file>', 'write the imported certificates as one PEM bundle')
    .option('--json', 'print the result as JSON')
    .action(async (files: string[], opts: ImportOptions) => {
      const env = defaultEnv();
      const certificates: (TrustEntry & { file: string })[] = [];
      const refused: (RefusedCertificate & { file: string })[] = [];
      const seen = new Set<string>();
      for (const file of files) {
        const bytes = readInput(file);
        const result = await aboutFile(file, () => importTrustFile(bytes, file, env));
        for (const c of result.certificates) {
          if (seen.has(c.fingerprint)) continue;
          seen.add(c.fingerprint);
          certificates.push({ ...c, file });
        }
        refused.push(...result.refused.map((r) => ({ ...r, file })));
      }
      if (opts.out) {
        const pem = certificates.map((c) => `# ${c.subject}\n${pemEncode('CERTIFICATE', c.der)}`).join('');
        try {
          writeFileSync(opts.out, pem);
        } catch (e) {
          throw new SelloError('io.unwritable', `${opts.out}: cannot be written`, { cause: e });
        }
      }
      if (opts.json) {
        const entry = (c: TrustEntry & { file: string }): Record<string, unknown> => ({
          subject: c.subject,
          fingerprint: c.fingerprint,
          notBefore: c.notBefore.toISOString(),
          notAfter: c.notAfter.toISOString(),
          isCA: c.isCA,
          file: c.file,
          ...(c.friendlyName ? { friendlyName: c.friendlyName } : {}),
        });
        process.stdout.write(
          `${JSON.stringify({ certificates: certificates.map(entry), refused }, null, 2)}\n`,
        );
      } else {
        for (const c of certificates) {
          process.stdout.write(
            `${c.subject}\n  SHA-256 ${c.fingerprint}\n  valid   ${c.notBefore.toISOString()} .. ${c.notAfter.toISOString()}\n  CA      ${c.isCA ? 'yes' : 'no'}\n`,
          );
        }
        for (const r of refused) process.stderr.write(`refused (${r.file}): ${r.reason}\n`);
        process.stdout.write(
          `${certificates.length} certificate(s) imported, ${refused.length} refused${opts.out ? `, written to ${opts.out}` : ''}\n`,
        );
      }
      // Nothing usable came out of the files: say so in the exit code, scripts rely on it.
      if (certificates.length === 0) process.exitCode = EXIT.trust;
    });
}
