import { Command, Option } from 'commander';
import { cliEnv } from '../cli-env';
import { signMessageParts, type SignOptions } from '../../smime/sign';
import { aboutFile, loadIdentity, readInput, writeOutput } from '../input-files';

export const HASHES: Record<string, SignOptions['hash']> = {
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

/** `sello sign`: the signed message on stdout (clear-signed multipart/signed unless --opaque). */
export function register(program: Command): void {
  program
    .command('sign')
    .description('sign a message (multipart/signed, or opaque signed-data with --opaque)')
    .requiredOption('--key <ID.p12>', 'PKCS#12 file with the signing key and certificate')
    .option('--pass-file <F>', 'file whose first line is the PKCS#12 passphrase (default: $SELLO_PASS)')
    .option('--opaque', 'opaque application/pkcs7-mime signed-data instead of multipart/signed')
    .addOption(new Option('--hash <alg>', 'digest algorithm').choices(Object.keys(HASHES)).default('sha256'))
    .option('--pss', 'RSASSA-PSS instead of RSASSA-PKCS1-v1_5 (RSA keys)')
    .addOption(
      new Option('--chain <mode>', 'certificates to include')
        .choices(['none', 'no-root', 'full'])
        .default('no-root'),
    )
    .argument('<IN.eml>', 'the message to sign (- for stdin)')
    .action(async (file: string, o: Record<string, string | boolean | undefined>) => {
      const env = cliEnv();
      const signer = await loadIdentity(String(o.key), o.passFile as string | undefined, env);
      const out = await aboutFile(file, () =>
        signMessageParts(
          readInput(file),
          signer,
          {
            form: o.opaque ? 'opaque' : 'detached',
            hash: HASHES[String(o.hash)]!,
            pss: o.pss === true,
            chain: o.chain as SignOptions['chain'],
          },
          env,
        ),
      );
      writeOutput(out);
    });
}
