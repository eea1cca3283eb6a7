import { runMonitoredJob } from '../run/monitored-job.js';
import { resolveExecOptions } from './exec-settings.js';
import type { ExecFlags } from '../config/command-flags.js';

// `cronmon exec` and `cronmon monitors run`: the settings, then the monitored run.
export async function runExec(job: readonly string[], flags: ExecFlags): Promise<void> {
  const options = await resolveExecOptions(job, flags, process.env, process.stderr.isTTY === true, process.stdin.isTTY === true);
  process.exitCode = await runMonitoredJob(options);
}
