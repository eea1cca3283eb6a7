import { Command } from 'commander';
import { EXEC_FLAGS, MONITORS_RUN_FLAGS, type ExecFlags } from '../config/command-flags.js';
import { addFlags, flagsOf } from './options.js';

export function makeExecCommand(): Command {
  const command = new Command('exec')
    .description('run a job and report it to Sentry Crons: in_progress when it starts, ok/error with the duration when it ends')
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the job and its arguments')
    .passThroughOptions();
  return addFlags(command, EXEC_FLAGS).action((job: string[], _flags: unknown, self: Command) => runExec(job, flagsOf<typeof EXEC_FLAGS>(self)));
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
  // With passThroughOptions, the `--` after <slug> reaches the command's words.
  return addFlags(command, MONITORS_RUN_FLAGS).action((slug: string, job: string[], _flags: unknown, self: Command) =>
    runExec(job[0] === '--' ? job.slice(1) : job, { ...flagsOf<typeof MONITORS_RUN_FLAGS>(self), slug }),
  );
}

// The work itself, loaded once the options are known to be right.
async function runExec(job: string[], flags: ExecFlags): Promise<void> {
  const { runExec: run } = await import('../commands/exec.js');
  await run(job, flags);
}
