import { CronmonError, usageError } from '../util/errors.js';
import { normaliseCheckInId } from '../monitor/check-in-id.js';
import { validateCheckInDuration } from '../monitor/monitor-config.js';
import { maskDsn } from '../sentry/dsn.js';
import type { HeartbeatOptions } from '../sentry/heartbeat.js';
import { parseDuration } from '../util/duration.js';
import { resolveNetwork } from './network-settings.js';
import { cacheDir } from '../util/paths.js';
import { resolveReporting } from './reporting-settings.js';
import { namesOf } from '../config/flag.js';
import { CHECK_IN_ID, DSN, DURATION, SEND_TIMEOUT } from '../config/flags.js';
import type { HeartbeatFlags } from '../config/command-flags.js';

// Without a job to protect, a missing or broken DSN is an error before anything is sent.
export async function resolveHeartbeatOptions(flags: HeartbeatFlags, env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Promise<HeartbeatOptions> {
  const reporting = await resolveReporting(flags, env, stderrIsTTY);
  const { dsn } = reporting;
  if (!dsn) throw new CronmonError('missing-setting', `no DSN: set ${namesOf(DSN).join(', ')}, dsn in the config file, or [auth] dsn in .sentryclirc`);
  if (!dsn.parsed.ok) throw usageError(`invalid DSN ${maskDsn(dsn.raw)} from ${dsn.source}: ${dsn.parsed.reason}`);
  return {
    dsn: dsn.parsed.dsn,
    slug: reporting.slug,
    environment: reporting.environment,
    status: flags.status,
    durationMs: flags.duration === undefined ? undefined : parseSeconds(flags.duration),
    checkInId: flags.checkInId === undefined ? undefined : normaliseCheckInId(flags.checkInId, CHECK_IN_ID.long),
    monitorConfig: reporting.monitorConfig,
    sendTimeoutMs: parseDuration(flags.sendTimeout, SEND_TIMEOUT.long),
    network: await resolveNetwork(flags, env, reporting.config, reporting.sentryCliRc),
    cacheDir: cacheDir(env),
    dryRun: flags.dryRun === true,
    log: reporting.log,
  };
}

function parseSeconds(value: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!validateCheckInDuration(seconds)) {
    throw usageError(`${DURATION.long} must be a number of seconds from 0 to 2147483.647 (got ${value})`);
  }
  return seconds * 1000;
}
