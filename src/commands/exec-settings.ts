import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { usageError } from '../util/errors.js';
import type { LogOn, MonitoredJobOptions } from '../run/monitored-job.js';
import { parseDuration } from '../util/duration.js';
import { resolveNetwork } from './network-settings.js';
import { cacheDir } from '../util/paths.js';
import { resolveReporting } from './reporting-settings.js';
import { KILL_GRACE, LOCK, LOCK_WAIT, SEND_TIMEOUT, TAIL_BYTES, TIMEOUT } from '../config/flags.js';
import type { ExecFlags } from '../config/command-flags.js';

export const MAX_TAIL_BYTES = 102_400;
const DEFAULT_KILL_GRACE = '10s';

// Everything `cronmon exec` needs, validated before the job starts: a bad value is a usage
// error (exit 2) naming the flag and the rule.
export async function resolveExecOptions(
  command: readonly string[],
  flags: ExecFlags,
  env: NodeJS.ProcessEnv,
  stderrIsTTY: boolean,
  stdinIsTTY = false,
): Promise<MonitoredJobOptions> {
  // No program has an empty name; the job could not even be started.
  if (command[0] === '') throw usageError('the command to run is an empty string');
  const reporting = await resolveReporting(flags, env, stderrIsTTY);
  const logOn: LogOn = flags.log === false ? 'never' : flags.logOn;
  const entry = reporting.monitorEntry;
  const fromFile = (key: string) => `${reporting.config?.file ?? 'config file'} (monitors.${reporting.slug}.${key})`;
  const timeout = flags.timeout ?? entry?.timeout;
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout, flags.timeout === undefined ? fromFile('timeout') : TIMEOUT.long);
  const killGrace = flags.killGrace ?? entry?.killGrace ?? DEFAULT_KILL_GRACE;
  const killGraceMs = parseDuration(killGrace, flags.killGrace === undefined && entry?.killGrace !== undefined ? fromFile('killGrace') : KILL_GRACE.long);
  return {
    slug: reporting.slug,
    environment: reporting.environment,
    dsn: reporting.dsn,
    monitorConfig: reporting.monitorConfig,
    log: reporting.log,
    command,
    logOn,
    tailBytes: parseTailBytes(flags.tailBytes),
    serverName: flags.serverName === false || reporting.config?.serverName === false ? undefined : hostname(),
    sendTimeoutMs: parseDuration(flags.sendTimeout, SEND_TIMEOUT.long),
    network: await resolveNetwork(flags, env, reporting.config, reporting.sentryCliRc),
    timeoutMs,
    killGraceMs,
    // An interactive run keeps the terminal (it may read from it); every other run gets its own
    // process group, so that forwarded signals and --timeout reach all it started.
    ownProcessGroup: timeoutMs !== undefined || !stdinIsTTY,
    dryRun: flags.dryRun === true,
    cacheDir: cacheDir(env),
    lock: resolveLock(flags),
  };
}

function parseTailBytes(value: string): number {
  const bytes = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(bytes <= MAX_TAIL_BYTES)) {
    throw usageError(`${TAIL_BYTES.long} must be a whole number of bytes from 0 to ${MAX_TAIL_BYTES} (got ${value})`);
  }
  return bytes;
}

// --lock [file], and --lock-wait <duration>, which implies --lock.
function resolveLock(flags: ExecFlags): MonitoredJobOptions['lock'] {
  if (flags.lock === undefined && flags.lockWait === undefined) return undefined;
  if (flags.lock === '') throw usageError(`${LOCK.long} takes a file name, or no value for the default lock file`);
  return {
    file: typeof flags.lock === 'string' ? resolve(flags.lock) : undefined,
    waitMs: flags.lockWait === undefined ? 0 : parseDuration(flags.lockWait, LOCK_WAIT.long),
  };
}
