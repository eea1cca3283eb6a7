import { usageError } from '../errors.js';
import type { LogOn, MonitoredJobOptions } from '../run/monitored-job.js';
import { parseDuration } from './duration.js';
import { cacheDir } from './paths.js';
import { resolveReporting, type ReportingFlags } from './reporting-settings.js';

export const MAX_TAIL_BYTES = 102_400;
const DEFAULT_SEND_TIMEOUT = '5s';

export interface ExecFlags extends ReportingFlags {
  tailBytes?: string | undefined;
  // false with --no-log
  log?: boolean | undefined;
  logOn?: 'error' | 'always' | undefined;
  sendTimeout?: string | undefined;
}

// Everything `cronmon exec` needs, validated before the job starts: a bad value is a usage
// error (exit 2) naming the flag and the rule.
export async function resolveExecOptions(
  command: readonly string[],
  flags: ExecFlags,
  env: NodeJS.ProcessEnv,
  stderrIsTTY: boolean,
): Promise<MonitoredJobOptions> {
  const reporting = await resolveReporting(flags, env, stderrIsTTY);
  const logOn: LogOn = flags.log === false ? 'never' : (flags.logOn ?? 'error');
  return {
    slug: reporting.slug,
    environment: reporting.environment,
    dsn: reporting.dsn,
    monitorConfig: reporting.monitorConfig,
    log: reporting.log,
    command,
    logOn,
    tailBytes: parseTailBytes(flags.tailBytes),
    sendTimeoutMs: parseDuration(flags.sendTimeout ?? DEFAULT_SEND_TIMEOUT, '--send-timeout'),
    dryRun: flags.dryRun === true,
    cacheDir: cacheDir(env),
  };
}

function parseTailBytes(value: string | undefined): number {
  if (value === undefined) return MAX_TAIL_BYTES;
  const bytes = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(bytes <= MAX_TAIL_BYTES)) {
    throw usageError(`--tail-bytes must be a whole number of bytes from 0 to ${MAX_TAIL_BYTES} (got ${value})`);
  }
  return bytes;
}
