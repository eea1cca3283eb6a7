import { Command, CommanderError } from 'commander';
import { isCronmonError } from '../errors.js';
import { VERSION } from '../version.js';
import { makeCompletionCommand } from './completion.js';
import { makeCrontabCommand } from './crontab.js';
import { makeExecCommand } from './exec.js';
import { makeHeartbeatCommand } from './heartbeat.js';
import { makeListenCommand } from './listen.js';
import { makeMonitorsCommand } from './monitors.js';
import { makeUpsertCommand } from './upsert.js';

export function buildProgram(): Command {
  const program = new Command('cronmon')
    .description('Wrap cron jobs and report them to Sentry Crons.')
    .version(VERSION, '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError(false)
    .addCommand(makeExecCommand())
    .addCommand(makeHeartbeatCommand())
    .addCommand(makeUpsertCommand())
    .addCommand(makeMonitorsCommand())
    .addCommand(makeListenCommand())
    .addCommand(makeCrontabCommand())
    .addCommand(makeCompletionCommand());
  configure(program);
  return program;
}

// Usage errors exit 2 with `cronmon: <message>`, in every subcommand.
function configure(command: Command): void {
  command.exitOverride().configureOutput({
    outputError: (message, write) => write(`cronmon: ${message.replace(/^error: /, '')}`),
  });
  for (const sub of command.commands) configure(sub);
}

// Runs the CLI and resolves with the exit code (an action sets process.exitCode).
export async function runCli(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      return ok ? 0 : 2;
    }
    if (isCronmonError(error)) {
      process.stderr.write(`cronmon: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`cronmon: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
