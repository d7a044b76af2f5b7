/**
 * `sello`: the command line for admins, scripts and our own tests. Each command lives in its own module
 * under commands/ and registers itself; this file only wires them and maps errors to one stderr line.
 */
import { Command, CommanderError } from 'commander';
import { runCli } from './run';
import * as sign from './commands/sign';
import * as encrypt from './commands/encrypt';
import * as decrypt from './commands/decrypt';
import * as verify from './commands/verify';
import * as inspect from './commands/inspect';
import * as trust from './commands/trust';
import * as lint from './commands/lint';
import * as directory from './commands/directory';
import * as deploy from './commands/deploy';
import * as demo from './commands/demo';

const program = new Command('sello')
  .description('S/MIME for Outlook on the web: sign, encrypt, decrypt, verify and administer')
  .version('0.1.0');

for (const cmd of [sign, encrypt, decrypt, verify, inspect, trust, lint, directory, deploy, demo]) {
  cmd.register(program);
}

await runCli(program, process.argv, (e) => e instanceof CommanderError);
