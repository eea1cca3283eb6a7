import { createLog, type Log } from '../util/log.js';
import { pick } from '../config/sourced.js';
import type { DsnSetting } from '../sentry/dsn.js';
import { cronZone } from '../monitor/cron-zone.js';
import { normaliseEnvironment } from '../monitor/environment.js';
import { buildMonitorConfig, type MonitorConfig, type MonitorConfigInput } from '../monitor/monitor-config.js';
import { requireSlug } from '../monitor/slug.js';
import { parseDsn } from '../sentry/dsn.js';
import type { CronmonConfig, MonitorEntry } from '../config/config-file.js';
import { loadConfig } from '../config/load-config.js';
import { loadSentryCliRc, type SentryCliRc } from '../config/sentryclirc.js';
import { fromFlagOrEnv, isSet } from '../config/flag.js';
import { CONFIG, DSN, ENVIRONMENT, MONITOR_FLAG_LABELS, QUIET, SLUG, VERBOSE } from '../config/flags.js';
import type { HeartbeatFlags } from '../config/command-flags.js';

// Flags shared by every command that reports with the DSN (exec, heartbeat).
export type ReportingFlags = Pick<HeartbeatFlags, 'dsn' | 'environment' | 'slug' | 'config' | 'quiet' | 'verbose' | 'dryRun' | keyof MonitorConfigInput>;

// The DSN as given (for messages, masked), where it was set, and what parsing made of it.

export interface ReportingSettings {
  slug: string;
  environment: string;
  dsn?: DsnSetting | undefined;
  monitorConfig?: MonitorConfig | undefined;
  // The slug's entry in the config file, for settings beyond the monitor config (timeout…).
  monitorEntry?: MonitorEntry | undefined;
  config?: CronmonConfig | undefined;
  // sentry-cli's settings, read on first use.
  sentryCliRc: () => SentryCliRc;
  log: Log;
}

export function createCommandLog(flags: Pick<ReportingFlags, 'quiet' | 'verbose' | 'dryRun'>, env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Log {
  return createLog({
    quiet: isSet(QUIET, flags.quiet, env),
    verbose: isSet(VERBOSE, flags.verbose, env),
    dryRun: flags.dryRun === true,
    stderrIsTTY,
  });
}

export function configFile(flags: Pick<ReportingFlags, 'config'>, env: NodeJS.ProcessEnv, cwd: string, log: Log): Promise<CronmonConfig | undefined> {
  return loadConfig({ explicit: pick(...fromFlagOrEnv(CONFIG, flags.config, env))?.value, cwd, env, warn: log.warn });
}

// A flag for any schedule field replaces the file's schedule as a whole (a --schedule must not
// meet the file's interval); the other fields fall back one by one.
export function mergeMonitorInput(flags: MonitorConfigInput, entry: MonitorEntry | undefined): MonitorConfigInput {
  if (!entry) return flags;
  const flagSchedule = flags.schedule !== undefined || flags.interval !== undefined;
  return {
    schedule: flagSchedule ? flags.schedule : entry.schedule,
    interval: flagSchedule ? flags.interval : entry.interval,
    timezone: flags.timezone ?? entry.timezone,
    checkinMargin: flags.checkinMargin ?? entry.checkinMargin,
    maxRuntime: flags.maxRuntime ?? entry.maxRuntime,
    failureThreshold: flags.failureThreshold ?? entry.failureThreshold,
    recoveryThreshold: flags.recoveryThreshold ?? entry.recoveryThreshold,
    owner: flags.owner ?? entry.owner,
  };
}

// The DSN: --dsn > SENTRY_DSN > the config file > .sentryclirc [auth] dsn (read only when the
// others are unset).
export function findDsn(
  flags: Pick<ReportingFlags, 'dsn'>,
  env: NodeJS.ProcessEnv,
  config: CronmonConfig | undefined,
  sentryCliRc: () => Pick<SentryCliRc, 'dsn' | 'sources'>,
): DsnSetting | undefined {
  const fromRc = (): [string | undefined, string] => {
    const { dsn: value, sources } = sentryCliRc();
    return [value, `${sources.dsn ?? '.sentryclirc'} ([auth] dsn)`];
  };
  const dsn = pick(...fromFlagOrEnv(DSN, flags.dsn, env), [config?.dsn, `${config?.file ?? 'config file'} (dsn)`]) ?? pick(fromRc());
  return dsn && { raw: dsn.value, source: dsn.source, parsed: parseDsn(dsn.value) };
}

export async function resolveReporting(
  flags: ReportingFlags,
  env: NodeJS.ProcessEnv,
  stderrIsTTY: boolean,
  cwd: string = process.cwd(),
): Promise<ReportingSettings> {
  const log = createCommandLog(flags, env, stderrIsTTY);
  const rawSlug = pick(...fromFlagOrEnv(SLUG, flags.slug, env));
  const slug = requireSlug(rawSlug?.value, rawSlug?.source ?? SLUG.long);
  if (rawSlug && rawSlug.value !== slug) log.notice(`monitor slug "${rawSlug.value}" is sent as "${slug}", as Sentry stores it`);

  const config = await configFile(flags, env, cwd, log);
  const fromFile = (key: string) => `${config?.file ?? 'config file'} (${key})`;
  const environment = pick(...fromFlagOrEnv(ENVIRONMENT, flags.environment, env), [config?.environment, fromFile('environment')]);
  // .sentryclirc is read only when it is needed: most runs have their DSN in SENTRY_DSN.
  let rc: SentryCliRc | undefined;
  const sentryCliRc = () => (rc ??= loadSentryCliRc(cwd, env.HOME, log.warn));
  const monitorEntry = config?.monitors[slug];
  const monitorInput = { ...mergeMonitorInput(flags, monitorEntry) };
  if (monitorInput.schedule !== undefined && monitorInput.interval === undefined && !monitorInput.timezone) {
    const { zone, source } = cronZone(env);
    monitorInput.timezone = zone;
    log.notice(`schedule ${JSON.stringify(monitorInput.schedule)} is sent in time zone ${zone} (${source}), as cron runs it`);
  }
  return {
    slug,
    environment: normaliseEnvironment(environment?.value, environment?.source ?? ENVIRONMENT.long),
    dsn: findDsn(flags, env, config, sentryCliRc),
    monitorConfig: buildMonitorConfig(monitorInput, MONITOR_FLAG_LABELS),
    monitorEntry,
    config,
    sentryCliRc,
    log,
  };
}
