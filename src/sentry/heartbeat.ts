import type { Log } from '../util/log.js';
import { newId } from '../monitor/check-in-id.js';
import type { MonitorConfig } from '../monitor/monitor-config.js';
import { buildCheckIn, type CheckInStatus } from './check-in.js';
import { Deadline } from './deadline.js';
import type { Dsn } from './dsn.js';
import { checkInEnvelope } from './envelope.js';
import type { Network } from './network.js';
import { SENTRY_CHECK_INS_PER_MINUTE } from '../monitor/check-in-limits.js';
import { pingHistoryFile, recordPing } from './ping-history.js';
import { createDryRunReporter, createReporter, type Delivery } from './reporter.js';

export interface HeartbeatOptions {
  dsn: Dsn;
  slug: string;
  environment: string;
  status: CheckInStatus;
  durationMs?: number | undefined;
  // Closes the run opened with this id; a new id otherwise.
  checkInId?: string | undefined;
  monitorConfig?: MonitorConfig | undefined;
  // Retries included.
  sendTimeoutMs: number;
  network?: Network | undefined;
  cacheDir: string;
  dryRun: boolean;
  log: Log;
}

// One check-in. Resolves with the check-in id and how its delivery went; never throws.
export async function sendHeartbeat(options: HeartbeatOptions): Promise<{ checkInId: string; delivery: Delivery }> {
  const checkInId = options.checkInId ?? newId();
  const envelope = checkInEnvelope(
    buildCheckIn({
      checkInId,
      slug: options.slug,
      status: options.status,
      environment: options.environment,
      durationMs: options.durationMs,
      monitorConfig: options.monitorConfig,
    }),
    new Date(),
  );
  const reporter = options.dryRun
    ? createDryRunReporter(options.log, options.dsn, options.network)
    : createReporter({ dsn: options.dsn, cacheDir: options.cacheDir, log: options.log, network: options.network });
  if (!options.dryRun) warnWhenTooFast(options);
  const delivery = await reporter.send(`${options.status} check-in`, ['monitor'], envelope, new Deadline(options.sendTimeoutMs));
  reporter.finish();
  return { checkInId, delivery };
}

function warnWhenTooFast(options: HeartbeatOptions): void {
  const { dsn } = options;
  const scope = `${dsn.host}:${dsn.port}/${dsn.path}/${dsn.projectId}/${options.slug}/${options.environment}`;
  const count = recordPing(pingHistoryFile(options.cacheDir, scope), Date.now());
  if (count > SENTRY_CHECK_INS_PER_MINUTE) {
    options.log.warn(
      `${count} check-ins for ${options.slug} (${options.environment}) in the last minute; Sentry keeps ` +
        `${SENTRY_CHECK_INS_PER_MINUTE} per minute per monitor and environment and silently drops the rest`,
    );
  }
}
