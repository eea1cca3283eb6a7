import { CronmonError, usageError } from '../util/errors.js';
import { normaliseCheckInId } from '../monitor/check-in-id.js';
import { validateCheckInDuration } from '../monitor/monitor-config.js';
import type { CheckInStatus } from '../sentry/check-in.js';
import { maskDsn } from '../sentry/dsn.js';
import type { HeartbeatOptions } from '../sentry/heartbeat.js';
import { parseDuration } from '../util/duration.js';
import { resolveNetwork, type NetworkFlags } from './network-settings.js';
import { cacheDir } from '../util/paths.js';
import { resolveReporting, type ReportingFlags } from './reporting-settings.js';

export interface HeartbeatFlags extends ReportingFlags, NetworkFlags {
  status?: CheckInStatus | undefined;
  duration?: string | undefined;
  checkInId?: string | undefined;
  sendTimeout?: string | undefined;
}

// Without a job to protect, a missing or broken DSN is an error before anything is sent.
export async function resolveHeartbeatOptions(flags: HeartbeatFlags, env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Promise<HeartbeatOptions> {
  const reporting = await resolveReporting(flags, env, stderrIsTTY);
  const { dsn } = reporting;
  if (!dsn) throw new CronmonError('missing-setting', 'no DSN: set --dsn, SENTRY_DSN, dsn in the config file, or [auth] dsn in .sentryclirc');
  if (!dsn.parsed.ok) throw usageError(`invalid DSN ${maskDsn(dsn.raw)} from ${dsn.source}: ${dsn.parsed.reason}`);
  return {
    dsn: dsn.parsed.dsn,
    slug: reporting.slug,
    environment: reporting.environment,
    status: flags.status ?? 'ok',
    durationMs: flags.duration === undefined ? undefined : parseSeconds(flags.duration),
    checkInId: flags.checkInId === undefined ? undefined : normaliseCheckInId(flags.checkInId, '--check-in-id'),
    monitorConfig: reporting.monitorConfig,
    sendTimeoutMs: parseDuration(flags.sendTimeout ?? '5s', '--send-timeout'),
    network: await resolveNetwork(flags, env, reporting.config, reporting.sentryCliRc),
    cacheDir: cacheDir(env),
    dryRun: flags.dryRun === true,
    log: reporting.log,
  };
}

function parseSeconds(value: string): number {
  const seconds = /^\d+(\.\d+)?$/.test(value) ? Number(value) : Number.NaN;
  if (!validateCheckInDuration(seconds)) {
    throw usageError(`--duration must be a number of seconds from 0 to 2147483.647 (got ${value})`);
  }
  return seconds * 1000;
}
