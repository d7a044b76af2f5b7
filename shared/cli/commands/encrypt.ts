import { Command, Option } from 'commander';
import { cliEnv } from '../cli-env';
import { encryptMessageChunks, signAndEncryptChunks, type EncryptOptions } from '../../smime/encrypt';
import { aboutFile, loadCertificate, loadIdentity, readInput, writeOutput } from '../input-files';

const CIPHERS: Record<string, EncryptOptions['cipher']> = {
  'aes256-cbc': 'aes-256-cbc',
  'aes128-cbc': 'aes-128-cbc',
  'aes256-gcm': 'aes-256-gcm',
  'aes128-gcm': 'aes-128-gcm',
};

/** `sello encrypt`: enveloped (CBC) or auth-enveloped (GCM) message on stdout; --sign-key signs first. */
export function register(program: Command): void {
  program
    .command('encrypt')
    .description('encrypt a message to one or more recipients (with --sign-key: sign, then encrypt)')
    .requiredOption(
      '--to <CERT>',
      'recipient certificate, PEM or DER (repeat for several recipients)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(
      new Option('--cipher <c>', 'content cipher').choices(Object.keys(CIPHERS)).default('aes256-cbc'),
    )
    .option('--oaep', 'RSAES-OAEP (SHA-256) key transport instead of RSAES-PKCS1-v1_5')
    .option('--ski', 'identify recipients by subjectKeyIdentifier instead of issuer and serial number')
    .option('--sign-key <ID.p12>', 'sign with this PKCS#12 identity before encrypting (to the signer too)')
    .option('--pass-file <F>', 'file whose first line is the PKCS#12 passphrase (default: $SELLO_PASS)')
    .argument('<IN.eml>', 'the message to encrypt (- for stdin)')
    .action(async (file: string, o: Record<string, unknown>) => {
      const env = cliEnv();
      const recipients = (o.to as string[]).map((f) => loadCertificate(f));
      const opts: EncryptOptions = {
        cipher: CIPHERS[String(o.cipher)]!,
        keyTransport: o.oaep ? 'rsaes-oaep-sha256' : 'rsaes-pkcs1-v1_5',
        recipientId: o.ski ? 'ski' : 'issuer-serial',
      };
      const signer = o.signKey
        ? await loadIdentity(String(o.signKey), o.passFile as string | undefined, env)
        : null;
      const message = readInput(file);
      const out = await aboutFile(file, () =>
        signer
          ? signAndEncryptChunks(
              message,
              signer,
              { form: 'detached', hash: 'SHA-256', pss: false, chain: 'no-root' },
              [...recipients, signer.certificate],
              opts,
              env,
            )
          : encryptMessageChunks(message, recipients, opts, env),
      );
      // Each chunk is written and dropped before the next is encoded.
      writeOutput(out.chunks);
    });
}
