import type { Command } from 'commander';
import { fromUtf8, utf8 } from '../../bytes';
import { defaultEnv } from '../../env';
import { createDemoPki } from '../../smime/demo-pki';
import { signAndEncrypt } from '../../smime/encrypt';
import { openMessage } from '../../smime/open';
import { formatVerdict } from '../verdict-text';
import { decodeText } from '../../mime/decode-text';
import { getHeader } from '../../mime/header-block';
import { parseMessage } from '../../mime/parse-entity';
import { createChainValidator } from '../../pki';

const sample = (): string =>
  [
    'From: Alice Demo <alice@example.org>',
    'To: Bob Demo <bob@example.org>',
    'Subject: Quarterly numbers',
    `Date: ${new Date().toUTCString()}`,
    'Message-ID: <demo-1@example.org>',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Hi Bob,',
    '',
    'the numbers are in. Signed and encrypted with Sello, so only you can read this',
    'and you can tell it really is from me. Grüße, Alice',
    '',
  ].join('\r\n');

/**
 * `sello demo` (and `npm start`): a demo CA with Alice and Bob made in memory, a message from Alice
 * signed and encrypted to Bob, opened as Bob, and the verdict printed.
 */
export function register(program: Command): void {
  program
    .command('demo')
    .description('demonstrate the core: demo CA, Alice signs and encrypts to Bob, Bob opens it')
    .option('--show-message', 'also print the encrypted message')
    .action(async (o: { showMessage?: boolean }) => {
      const env = defaultEnv();
      const out = (s: string) => process.stdout.write(`${s}\n`);
      out('Creating a demo CA with Alice <alice@example.org> and Bob <bob@example.org> (RSA 2048)...');
      const pki = await createDemoPki(env);
      out('Alice signs (SHA-256, multipart/signed) and encrypts (AES-256-GCM, AuthEnvelopedData) to Bob...');
      const sealed = await signAndEncrypt(
        utf8(sample()),
        pki.alice,
        { form: 'detached', hash: 'SHA-256', pss: false, chain: 'no-root' },
        [pki.bob.certificate, pki.alice.certificate],
        { cipher: 'aes-256-gcm', keyTransport: 'rsaes-pkcs1-v1_5', recipientId: 'issuer-serial' },
        env,
      );
      out(`Encrypted message: ${sealed.length} bytes.`);
      if (o.showMessage) out(fromUtf8(sealed));
      out('Bob opens it with his key, trusting the demo CA:\n');
      const verdict = await openMessage(
        sealed,
        {
          keys: [pki.bob],
          validateChain: createChainValidator({ anchors: [pki.ca.certificate], env }),
        },
        env,
      );
      process.stdout.write(formatVerdict(verdict));
      if (verdict.content) {
        const shown = parseMessage(verdict.content);
        out('\n--- what Bob reads ---');
        for (const h of ['From', 'To', 'Subject', 'Date']) out(`${h}: ${getHeader(shown, h) ?? ''}`);
        out(`\n${decodeText(shown).replace(/\r\n/g, '\n')}`);
      }
      process.exitCode = verdict.valid && verdict.trusted && verdict.fromMatchesSigner ? 0 : 1;
    });
}
