/**
 * `sello directory serve`: the LDAP/AD certificate gateway the extension queries for recipients'
 * certificates (userSMIMECertificate, userCertificate;binary). Runs until SIGINT/SIGTERM.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { SelloError } from '../../errors';
import { createDirectoryGateway, createLdapCertificateSource } from '../../directory/gateway';

interface ServeOptions {
  ldap: string;
  base: string;
  bind?: string;
  bindPassFile?: string;
  port: string;
  host: string;
  origin: string[];
  cacheTtl: string;
  timeout: string;
  ldapCa?: string;
}

export function register(program: Command): void {
  const directory = program
    .command('directory')
    .description('publish certificates from LDAP/Active Directory to the extension');
  directory
    .command('serve')
    .description('answer GET /certificates?email=ADDR from the directory (JSON with PEM certificates)')
    .requiredOption('--ldap <url>', 'directory URL, ldap://host:389 or ldaps://host:636')
    .requiredOption('--base <dn>', 'search base, e.g. DC=example,DC=com')
    .option(
      '--ldap-ca <file>',
      'PEM file with the CA certificate(s) of the ldaps:// server (default: system store)',
    )
    .option('--bind <dn>', 'bind DN (anonymous when absent)')
    .option('--bind-pass-file <file>', 'file holding the bind password (first line)')
    .option('--port <n>', 'HTTP port', '8389')
    .option('--host <addr>', 'address to listen on', '127.0.0.1')
    .option('--origin <origin...>', 'extension origin(s) allowed by CORS, e.g. chrome-extension://ID', [])
    .option('--cache-ttl <seconds>', 'how long answers are reused', '300')
    .option('--timeout <ms>', 'deadline for one directory lookup (504 after it)', '10000')
    .action(async (opts: ServeOptions) => {
      const port = integer(opts.port, '--port', 0, 65535);
      const timeoutMs = integer(opts.timeout, '--timeout', 100, 600_000);
      const cacheTtlMs = integer(opts.cacheTtl, '--cache-ttl', 0, 86_400) * 1000;
      if (opts.bindPassFile && !opts.bind)
        throw new SelloError('usage.bind-pass-without-bind', '--bind-pass-file needs --bind');
      let bindPassword: string | undefined;
      if (opts.bindPassFile) {
        const text = await readFile(opts.bindPassFile, 'utf8').catch((e: unknown) => {
          throw new SelloError('io.read-failed', `cannot read ${opts.bindPassFile}`, { cause: e });
        });
        bindPassword = text.split(/\r?\n/)[0] ?? '';
      }
      if (!/^ldaps?:\/\//i.test(opts.ldap))
        throw new SelloError('usage.bad-ldap-url', '--ldap must be an ldap:// or ldaps:// URL');
      if (opts.origin.length === 0)
        process.stderr.write(
          'sello directory: no --origin given: browsers will not be allowed to read the answers\n',
        );
      const tlsCaPem = opts.ldapCa
        ? [
            await readFile(opts.ldapCa, 'utf8').catch((e: unknown) => {
              throw new SelloError('io.read-failed', `cannot read ${opts.ldapCa}`, { cause: e });
            }),
          ]
        : undefined;
      const lookup = createLdapCertificateSource({
        ...(tlsCaPem ? { tlsCaPem } : {}),
        url: opts.ldap,
        baseDn: opts.base,
        timeoutMs,
        ...(opts.bind ? { bindDn: opts.bind } : {}),
        ...(bindPassword !== undefined ? { bindPassword } : {}),
      });
      const gateway = createDirectoryGateway({ lookup, origins: opts.origin, cacheTtlMs, timeoutMs });
      const bound = await gateway.listen(port, opts.host).catch((e: unknown) => {
        throw new SelloError('net.listen-failed', `cannot listen on ${opts.host}:${port}`, { cause: e });
      });
      process.stdout.write(`sello directory: listening on http://${opts.host}:${bound}/certificates\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void gateway.close().then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

function integer(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new SelloError('usage.bad-number', `${flag} must be a whole number from ${min} to ${max}`);
  return n;
}
