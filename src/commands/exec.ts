import { isatty } from 'node:tty';
import { runMonitoredJob } from '../run/monitored-job.js';
import { resolveExecOptions } from './exec-settings.js';
import type { ExecFlags } from '../config/command-flags.js';

// `cronmon exec` and `cronmon monitors run`: the settings, then the monitored run. Whether stdin
// is a terminal is asked of the descriptor: process.stdin would build a stream cronmon never
// reads (1-1.5 ms of every run on Node and on Bun).
export async function runExec(job: readonly string[], flags: ExecFlags): Promise<void> {
  const options = await resolveExecOptions(job, flags, process.env, process.stderr.isTTY === true, isatty(0));
  process.exitCode = await runMonitoredJob(options);
}
