/**
 * Runs a commander program and turns every failure into one clear stderr line and an exit code, never a
 * stack trace (the CLI contract). Commands set `process.exitCode` for verdict outcomes themselves.
 */
import type { Command } from 'commander';
import { SelloError } from '../errors';
import { EXIT, exitCodeFor } from './exit-codes';

export async function runCli(
  program: Command,
  argv: string[],
  isCommanderError: (e: unknown) => boolean,
): Promise<void> {
  // Subcommands copy exitOverride only when it is set before they are added: set it on every one.
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (isCommanderError(e)) {
      const ce = e as { exitCode: number; code: string };
      // help and version are "errors" to commander; they already printed what they had to.
      process.exitCode = ce.code === 'commander.helpDisplayed' || ce.code === 'commander.version' ? 0 : 2;
      return;
    }
    if (e instanceof SelloError) {
      process.stderr.write(`sello: ${e.message} [${e.code}]\n`);
      process.exitCode = exitCodeFor(e.code);
      return;
    }
    const msg = e instanceof Error ? e.message : String(e);
    // Still one line naming the input: the operands of the command that was running.
    const operands = program.commands.flatMap((c) => c.args);
    const about = operands.length > 0 ? `${operands.join(' ')}: ` : '';
    process.stderr.write(`sello: ${about}unexpected failure: ${msg.split('\n')[0]}\n`);
    process.exitCode = EXIT.internal;
  }
}
