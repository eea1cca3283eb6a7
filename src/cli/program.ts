import { Command, CommanderError } from 'commander';
import { isCronmonError } from '../errors.js';
import { RUNTIME } from '../runtime.js';
import { VERSION } from '../version.js';
import { makeCompletionCommand } from './completion.js';
import { makeCrontabCommand } from './crontab.js';
import { makeExecCommand } from './exec.js';
import { makeHeartbeatCommand } from './heartbeat.js';
import { makeListenCommand } from './listen.js';
import { makeMonitorsCommand } from './monitors.js';
import { makeUpsertCommand } from './upsert.js';

const SUBCOMMANDS: readonly [string, () => Command][] = [
  ['exec', makeExecCommand],
  ['heartbeat', makeHeartbeatCommand],
  ['upsert', makeUpsertCommand],
  ['monitors', makeMonitorsCommand],
  ['listen', makeListenCommand],
  ['crontab', makeCrontabCommand],
  ['completion', makeCompletionCommand],
];

/**
 * The whole CLI. Given the command line, only the subcommand it runs is built in full, the
 * others stay bare names (enough for commander to dispatch and suggest): building all their
 * options is measurable start-up time, and `exec` runs in front of every cron job.
 */
export function buildProgram(argv?: readonly string[]): Command {
  const program = new Command('cronmon')
    .description('Wrap cron jobs and report them to Sentry Crons.')
    .version(`cronmon ${VERSION} (${RUNTIME})`, '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError(false);
  const wanted = argv?.slice(2).find((arg) => !arg.startsWith('-'));
  const known = SUBCOMMANDS.some(([name]) => name === wanted);
  for (const [name, make] of SUBCOMMANDS) program.addCommand(!known || name === wanted ? make() : new Command(name));
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
    await buildProgram(argv).parseAsync([...argv]);
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
