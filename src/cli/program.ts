import { Command, CommanderError } from 'commander';
import { isCronmonError, messageOf } from '../util/errors.js';
import { RUNTIME } from '../util/runtime.js';
import { printable } from '../util/safe-text.js';
import { VERSION } from '../util/version.js';
import { makeCompletionCommand } from './completion.js';
import { makeCrontabCommand } from './crontab.js';
import { makeDoctorCommand } from './doctor.js';
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
  ['doctor', makeDoctorCommand],
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
    // Help and --version exit 0 however they were asked for (`--help`, `help exec`); commander
    // gives 1 for help shown after a mistake (no command), which is a usage error.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    // Messages carry text from servers and files: one line, whatever it holds.
    if (isCronmonError(error)) {
      process.stderr.write(`cronmon: ${printable(error.message)}\n`);
      return error.exitCode;
    }
    // A bug: one line under cron; where it happened only when asked for.
    const { isOn } = await import('../config/sourced.js');
    const stack = isOn(process.env.CRONMON_DEBUG) && error instanceof Error ? error.stack : undefined;
    process.stderr.write(`cronmon: unexpected error: ${printable(messageOf(error))}${stack ? `\n${stack}` : ' (CRONMON_DEBUG=1 shows where)'}\n`);
    return 1;
  }
}
