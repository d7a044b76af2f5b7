import type { Command } from 'commander';
import type { CoreEnv } from '../../env';
import { cliEnv } from '../cli-env';
import type { Identity } from '../../keys/identity';
import { createChainValidator, importTrustFile } from '../../pki';
import { createRevocationChecker } from '../../pki/revocation';
import { SelloError } from '../../errors';
import { openMessage } from '../../smime/open';
import { verdictToJSON, type Verdict } from '../../smime/verdict';
import { EXIT } from '../exit-codes';
import { aboutFile, loadIdentity, readInput } from '../input-files';
import { formatVerdict } from '../verdict-text';

const EXIT_HELP = `
Exit codes:
  ${EXIT.ok}   signature intact, chain reaches a --trust anchor, From matches the signer
  ${EXIT.notSignedOrBroken}   not signed, or the signature is not intact (altered, forged, several signers)
  ${EXIT.untrusted}   signature intact but its chain does not reach a trust anchor (or no --trust given)
  ${EXIT.fromMismatch}   signature intact and trusted, but From is not the signer's address
  ${EXIT.partial}   only part of the message is signed
  ${EXIT.revoked}   the signer certificate is revoked
  ${EXIT.weak}   the signature uses SHA-1 or MD5 (refused unless --allow-weak)
  ${EXIT.usage}   the command line is wrong (unknown option, bad --revocation mode)
  ${EXIT.io}  a file cannot be read
  ${EXIT.mime}  the message is not well-formed MIME
  ${EXIT.cms}  the S/MIME structure is malformed or unsupported
  ${EXIT.decrypt}  the message is encrypted and cannot be decrypted with the given --key
  ${EXIT.pkcs12}  the PKCS#12 file cannot be opened (wrong passphrase, malformed)
  ${EXIT.cert}  a certificate file is malformed
  ${EXIT.trust}  a --trust file cannot be read or holds no usable certificate
  ${EXIT.internal}  internal failure (a bug: please report it)`;

/** Errors that mean the CMS or S/MIME structure could not be read at all. */
const STRUCTURE_ERRORS: ReadonlySet<string> = new Set([
  'cms.malformed',
  'cms.unsupported-algorithm',
  'cms.not-signed-data',
  'cms.not-enveloped-data',
  'smime.malformed',
  'smime.unsupported',
]);

/** Whether any signerInfo was read far enough to be judged (intact or not). */
function hasSignerResult(v: Verdict): boolean {
  return v.layers.some((l) => l.kind === 'signed' && l.signers.length > 0);
}

/** Exit code of a verdict (the contract above; docs/cli.md repeats it). */
export function verdictExitCode(v: Verdict): number {
  const first = v.errors[0]?.code;
  const decryptFailed = v.errors.some((e) => e.code === 'cms.decrypt-failed' || e.code === 'smime.no-key');
  if (decryptFailed) return EXIT.decrypt;
  if (v.coverage.kind === 'partial') return EXIT.partial;
  if (!v.valid) {
    if (v.errors.some((e) => e.code === 'smime.weak-signature')) return EXIT.weak;
    if (first?.startsWith('mime.') && v.layers.length === 0) return EXIT.mime;
    // The S/MIME structure itself could not be read (truncated or garbled CMS, unknown algorithm):
    // a different problem from a signature that was read and found broken.
    if (first && STRUCTURE_ERRORS.has(first) && !hasSignerResult(v)) return EXIT.cms;
    return EXIT.notSignedOrBroken;
  }
  const signer = v.layers.flatMap((l) => (l.kind === 'signed' ? l.signers : [])).find((s) => s.intact);
  if (signer?.trust?.revocation === 'revoked') return EXIT.revoked;
  if (!v.trusted) return EXIT.untrusted;
  if (!v.fromMatchesSigner) return EXIT.fromMismatch;
  return EXIT.ok;
}

/** Anchors from --trust files (SST, P7B/P7C, PEM bundle or DER); refused entries are reported, not fatal. */
async function loadAnchors(files: string[], env: CoreEnv): Promise<Uint8Array[]> {
  const anchors: Uint8Array[] = [];
  for (const file of files) {
    const bytes = readInput(file);
    const imported = await aboutFile(file, () => importTrustFile(bytes, file, env));
    for (const r of imported.refused)
      process.stderr.write(`sello: ${file}: not trusted: ${r.subject}: ${r.reason}\n`);
    anchors.push(...imported.certificates.map((c) => c.der));
  }
  return anchors;
}

/** `sello verify`: decrypts when needed, verifies, prints the verdict; the exit code says the outcome. */
export function register(program: Command): void {
  program
    .command('verify')
    .description('verify a signed (or encrypted and signed) message')
    .option(
      '--trust <FILE>',
      'trust anchors: SST, P7B/P7C, PEM bundle or DER certificate (repeatable)',
      (v: string, p: string[] = []) => [...p, v],
    )
    .option('--key <ID.p12>', 'PKCS#12 identity to decrypt an encrypted message first')
    .option('--pass-file <F>', 'file whose first line is the PKCS#12 passphrase (default: $SELLO_PASS)')
    .option('--allow-weak', 'accept SHA-1/MD5 signatures (shown as weak)')
    .option(
      '--revocation <MODE>',
      'with --trust: off, soft-fail (unreachable CRL/OCSP is a warning) or hard-fail (it fails)',
      'soft-fail',
    )
    .option('--json', 'print the verdict as JSON')
    .argument('<IN.eml>', 'the message (- for stdin)')
    .addHelpText('after', EXIT_HELP)
    .action(
      async (
        file: string,
        o: {
          trust?: string[];
          key?: string;
          passFile?: string;
          allowWeak?: boolean;
          revocation: string;
          json?: boolean;
        },
      ) => {
        const env = cliEnv();
        if (o.revocation !== 'off' && o.revocation !== 'soft-fail' && o.revocation !== 'hard-fail') {
          throw new SelloError(
            'usage.revocation',
            `--revocation ${o.revocation}: use off, soft-fail or hard-fail`,
          );
        }
        // CRL distribution points and OCSP responders from the certificates, over HTTP (OWA's defaults).
        const checkRevocation =
          o.revocation === 'off' ? undefined : createRevocationChecker({ mode: o.revocation });
        const keys: Identity[] = o.key ? [await loadIdentity(o.key, o.passFile, env)] : [];
        const anchors = await loadAnchors(o.trust ?? [], env);
        const message = readInput(file);
        const verdict = await openMessage(
          message,
          {
            keys,
            allowWeak: o.allowWeak === true,
            verdictOnly: true,
            ...(anchors.length > 0
              ? {
                  validateChain: createChainValidator({
                    anchors,
                    env,
                    ...(checkRevocation ? { checkRevocation } : {}),
                  }),
                }
              : {}),
          },
          env,
        );
        if (o.json) process.stdout.write(`${JSON.stringify(verdictToJSON(verdict), null, 2)}\n`);
        else process.stdout.write(formatVerdict(verdict));
        const code = verdictExitCode(verdict);
        const err = verdict.errors[0];
        if (code !== EXIT.ok && err && !o.json)
          process.stderr.write(`sello: ${file}: ${err.message} [${err.code}]\n`);
        process.exitCode = code;
      },
    );
}
