import { requireSettings, resolveApiSettings } from './api-settings.js';
import { cacheDir } from '../util/paths.js';
import { pick } from '../config/sourced.js';
import { desiredMonitors } from './upsert-settings.js';
import { CronmonError, usageError } from '../util/errors.js';
import type { Log } from '../util/log.js';
import { printable, printableJson } from '../util/safe-text.js';
import { normaliseEnvironment } from '../monitor/environment.js';
import type { DesiredMonitor } from '../monitor/monitor-plan.js';
import { createApiClient } from '../sentry/api.js';
import { maskDsn, parseDsn } from '../sentry/dsn.js';
import type { Network } from '../sentry/network.js';
import { sendHeartbeat } from '../sentry/heartbeat.js';
import { ConnectionPool } from '../sentry/keep-alive.js';
import { regionUrl } from '../sentry/monitors-api.js';
import { upsertMonitors, type UpsertResult } from '../sentry/upsert-monitors.js';
import { fromFlagOrEnv, namesOf } from '../config/flag.js';
import { DSN, ENVIRONMENT, NAME } from '../config/flags.js';
import type { UpsertFlags } from '../config/command-flags.js';

const API_TIMEOUT_MS = 30_000;

// `cronmon upsert`: validates every monitor first, then applies them through the REST API (or
// check-ins with --via checkin) and prints what changed. Resolves with the exit code.
export async function runUpsert(flags: UpsertFlags, env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Promise<number> {
  const settings = await resolveApiSettings(flags, env, stderrIsTTY);
  const viaCheckIn = flags.via === 'checkin';
  const desired = desiredMonitors(flags, settings.config, !viaCheckIn);
  if (viaCheckIn) return upsertViaCheckIns(flags, env, desired, settings);

  const { token, org, project } = requireSettings(
    settings,
    ['token', 'org', 'project'],
    '. Without a token, `--via checkin` upserts with the DSN instead (Sentry records that as a run)',
  );
  const options = { url: settings.url, token, timeoutMs: API_TIMEOUT_MS, onRequest: settings.log.debug, network: settings.network, pool: new ConnectionPool() };
  const api = createApiClient(options, await regionUrl(createApiClient(options), org));
  const results = await upsertMonitors(api, org, project, desired, flags.dryRun === true);
  if (flags.json) {
    process.stdout.write(
      `${printableJson(
        results.flatMap((r) => (r.monitor ? [r.monitor] : [])),
        2,
      )}\n`,
    );
  } else {
    // Old values are the server's text.
    for (const result of results.filter((r) => !r.error)) process.stdout.write(`${printable(describeResult(result, flags.dryRun === true))}\n`);
  }
  const failed = results.filter((r) => r.error);
  for (const result of failed) settings.log.error(`${result.slug}: ${result.error}`);
  return failed.length > 0 ? 1 : 0;
}

export function describeResult(result: UpsertResult, dryRun: boolean): string {
  const verb = { create: 'created', update: 'updated', unchanged: 'unchanged', failed: 'failed' }[result.action];
  const head = dryRun && result.action !== 'unchanged' ? `would be ${verb}` : verb;
  if (result.changes.length === 0) return `${result.slug}: ${head}`;
  const changes = result.changes.map((c) => (result.action === 'create' ? `${c.field} ${c.to}` : `${c.field}: ${c.from} → ${c.to}`));
  return `${result.slug}: ${head} (${changes.join(', ')})`;
}

async function upsertViaCheckIns(
  flags: UpsertFlags,
  env: NodeJS.ProcessEnv,
  desired: DesiredMonitor[],
  settings: { config?: { dsn?: string | undefined; environment?: string | undefined; file: string } | undefined; network: Network; log: Log },
): Promise<number> {
  if (flags.name !== undefined || flags.muted !== undefined)
    throw usageError(`${NAME.long} and --muted need the REST API: drop --via checkin and give an auth token`);
  const dsn = pick(...fromFlagOrEnv(DSN, flags.dsn, env), [settings.config?.dsn, `${settings.config?.file} (dsn)`]);
  if (!dsn) throw new CronmonError('missing-setting', `--via checkin needs a DSN: set ${namesOf(DSN).join(', ')} or dsn in the config file`);
  const parsed = parseDsn(dsn.value);
  if (!parsed.ok) throw usageError(`invalid DSN ${maskDsn(dsn.value)} from ${dsn.source}: ${parsed.reason}`);
  const environment = pick(...fromFlagOrEnv(ENVIRONMENT, flags.environment, env), [settings.config?.environment, 'config file']);
  let failures = 0;
  for (const monitor of desired) {
    const { checkInId, delivery } = await sendHeartbeat({
      dsn: parsed.dsn,
      slug: monitor.slug,
      environment: normaliseEnvironment(environment?.value, environment?.source ?? ENVIRONMENT.long),
      status: 'ok',
      monitorConfig: monitor.config,
      sendTimeoutMs: API_TIMEOUT_MS,
      network: settings.network,
      cacheDir: cacheDir(env),
      dryRun: flags.dryRun === true,
      log: settings.log,
    });
    if (delivery.outcome === 'failed' || delivery.outcome === 'rate-limited') {
      failures++;
      settings.log.error(`${monitor.slug}: the check-in was not delivered: ${delivery.reason ?? 'unknown reason'}`);
    } else if (flags.json) {
      process.stdout.write(`${JSON.stringify({ slug: monitor.slug, check_in_id: checkInId, monitor_config: monitor.config })}\n`);
    } else {
      process.stdout.write(
        `${monitor.slug}: ${flags.dryRun ? 'would be sent' : 'sent'} with an ok check-in carrying its config (Sentry records this as a successful run)\n`,
      );
    }
  }
  return failures > 0 ? 1 : 0;
}
