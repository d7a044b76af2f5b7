import type { Command } from 'commander';
import { defaultEnv } from '../../env';
import { decryptMessageParts } from '../../smime/open';
import { aboutFile, loadIdentity, readInput, writeOutput } from '../input-files';

/** `sello decrypt`: removes one encryption layer; the inner message (possibly signed) on stdout. */
export function register(program: Command): void {
  program
    .command('decrypt')
    .description('decrypt a message; the inner message goes to stdout (verify it with `sello verify`)')
    .requiredOption('--key <ID.p12>', 'PKCS#12 file with the recipient key')
    .option('--pass-file <F>', 'file whose first line is the PKCS#12 passphrase (default: $SELLO_PASS)')
    .argument('<IN.eml>', 'the encrypted message (- for stdin)')
    .action(async (file: string, o: { key: string; passFile?: string }) => {
      const env = defaultEnv();
      const key = await loadIdentity(o.key, o.passFile, env);
      // The input is read inside: held by no variable here, the base64 text can be collected while
      // the content is decrypted.
      const out = await aboutFile(file, () => decryptMessageParts(readInput(file), [key], env));
      writeOutput(out.parts);
    });
}
