import { Command } from 'commander';
import { addConfigOption, addMonitorConfigOptions, addNetworkOptions, addOutputOptions, addReportingOptions, choice } from './options.js';

export function makeExecCommand(): Command {
  const command = new Command('exec')
    .description('run a job and report it to Sentry Crons: in_progress when it starts, ok/error with the duration when it ends')
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the job and its arguments')
    .passThroughOptions();
  addExecOptions(command);
  return command.action((job: string[], flags: Record<string, unknown>) => runExec(job, flags));
}

// `cronmon monitors run <slug> -- <command…>`: exec in sentry-cli's form, a drop-in for
// `sentry-cli monitors run`.
export function makeMonitorsRunCommand(): Command {
  const command = new Command('run')
    .description("exec in sentry-cli's form: run a job and report it under <slug>")
    .usage('[options] <slug> -- <command> [args...]')
    .argument('<slug>', 'monitor slug')
    .argument('<command...>', 'the job and its arguments')
    .passThroughOptions();
  addExecOptions(command, { slugArgument: true });
  // With passThroughOptions, the `--` after <slug> reaches the command's words.
  return command.action((slug: string, job: string[], flags: Record<string, unknown>) =>
    runExec(job[0] === '--' ? job.slice(1) : job, { ...flags, slug }),
  );
}

function addExecOptions(command: Command, { slugArgument = false } = {}): void {
  addReportingOptions(command, { slug: !slugArgument });
  addMonitorConfigOptions(command);
  command
    .option('--tail-bytes <n>', 'bytes of output kept for the failure report (max 102400)', '102400')
    .option('--no-log', 'never send output to Sentry')
    .option('--no-server-name', "leave this host's name out of failure events")
    .addOption(choice('--log-on <when>', 'when to send the output tail', ['error', 'always']).default('error'))
    .option('--send-timeout <duration>', 'bound on delivery, retries included: the open check-in has this long while the job runs, all that is left after the job shares one deadline this long (500ms, 5s…)', '5s')
    .option('--timeout <duration>', "SIGTERM the job's process group after this long (30s, 15m, 2h…); reported error, exit 124")
    .option('--kill-grace <duration>', 'after --timeout, SIGKILL what is left after this long (default 10s)')
    .option('--lock [file]', 'do not start while another run of this slug+environment holds the lock: print one line, exit 75')
    .option('--lock-wait <duration>', 'wait up to this long (30s, 15m…) for the lock instead; implies --lock')
    .option('--dry-run', 'run the job, print the envelopes that would be sent on stderr, send nothing');
  addNetworkOptions(command);
  addConfigOption(command);
  addOutputOptions(command);
}

// The work itself, loaded once the options are known to be right.
async function runExec(job: string[], flags: Record<string, unknown>): Promise<void> {
  const { runExec: run } = await import('../commands/exec.js');
  await run(job, flags);
}
