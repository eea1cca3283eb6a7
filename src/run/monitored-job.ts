import type { Log } from '../util/log.js';
import { newId, randomHex } from '../monitor/check-in-id.js';
import type { MonitorConfig } from '../monitor/monitor-config.js';
import { buildCheckIn, type CheckInStatus } from '../sentry/check-in.js';
import { Deadline } from '../sentry/deadline.js';
import { maskDsn, type DsnResult } from '../sentry/dsn.js';
import { checkInEnvelope, eventEnvelope } from '../sentry/envelope.js';
import { buildFailureEvent } from '../sentry/failure-event.js';
import type { Network } from '../sentry/network.js';
import { createDryRunReporter, createReporter, type Delivery, type Reporter } from '../sentry/reporter.js';
import { summariseDeliveries } from '../sentry/summary.js';
import { describeOutcome } from './exit-status.js';
import { loadOutage, outageFile, outageStep, saveOutage } from './outage.js';
import { runJob, type JobResult } from './runner.js';

export type LogOn = 'error' | 'always' | 'never';

export interface MonitoredJobOptions {
  command: readonly string[];
  slug: string;
  environment: string;
  monitorConfig?: MonitorConfig | undefined;
  // Undefined when no DSN is set anywhere; `source` names where it came from, for messages.
  dsn?: { raw: string; source: string; parsed: DsnResult } | undefined;
  logOn: LogOn;
  tailBytes: number;
  // The host name failure events carry; undefined with --no-server-name.
  serverName?: string | undefined;
  sendTimeoutMs: number;
  // Proxy, trusted CAs and extra headers for every request.
  network?: Network | undefined;
  // --timeout / --kill-grace
  timeoutMs?: number | undefined;
  killGraceMs: number;
  ownProcessGroup: boolean;
  // --lock / --lock-wait: taken before the job and the opening check-in, held until cronmon exits.
  lock?: { file?: string | undefined; waitMs: number } | undefined;
  dryRun: boolean;
  cacheDir: string;
  log: Log;
}

// What a run takes from its surroundings, so that tests can stand in for each: where envelopes
// go, the environment the job inherits, and how cronmon ends on a signal after the job.
export interface RunHooks {
  // The sender for this run's envelopes; undefined sends nothing. Problems found while making
  // it (no DSN, an invalid one) go into `problems`, for the run's one line.
  reporter(options: MonitoredJobOptions, problems: string[]): Reporter | undefined;
  env: NodeJS.ProcessEnv;
  exit(code: number): void;
}

const PROCESS_HOOKS: RunHooks = { reporter: makeReporter, env: process.env, exit: (code) => process.exit(code) };

// One monitored run: the job starts first, the opening check-in goes out while it runs, the
// close (and the output log on failure) after it. Delivery never changes the exit code.
export async function runMonitoredJob(options: MonitoredJobOptions, hooks: RunHooks = PROCESS_HOOKS): Promise<number> {
  const { log } = options;
  if (options.lock) {
    // Busy: CronmonError 'lock-busy' (exit 75), before any check-in and without running the job.
    const { acquireLock } = await import('./lock.js');
    await acquireLock({ ...options.lock, slug: options.slug, environment: options.environment, cacheDir: options.cacheDir });
  }
  const checkInId = newId();
  const traceId = newId();
  const problems: string[] = [];
  const reporter = hooks.reporter(options, problems);
  // The open check-in's deadline while the job runs; restarted when the job ends (below).
  const deadline = new Deadline(options.sendTimeoutMs);

  const job = runJob(options.command, {
    env: { ...hooks.env, SENTRY_MONITOR_SLUG: options.slug, CRONMON_CHECK_IN_ID: checkInId, CRONMON_TRACE_ID: traceId },
    tailBytes: options.logOn === 'never' ? 0 : options.tailBytes,
    timeoutMs: options.timeoutMs,
    killGraceMs: options.killGraceMs,
    ownGroup: options.ownProcessGroup,
  });
  const checkIn = (status: CheckInStatus, durationMs?: number, monitorConfig?: MonitorConfig) =>
    checkInEnvelope(buildCheckIn({ checkInId, slug: options.slug, status, environment: options.environment, durationMs, monitorConfig, traceId }), new Date());
  // A fault of cronmon's own while the job runs must not take the job's exit code with it.
  const internalErrors: unknown[] = [];
  const onInternalError = (error: unknown) => {
    internalErrors.push(error);
    return undefined;
  };
  // Sent while the job starts, never before it: the job must not wait on the network.
  const opened = job.spawned
    .then(() => reporter?.send('open check-in', ['monitor'], checkIn('in_progress', undefined, options.monitorConfig), deadline))
    .catch(onInternalError);

  process.on('uncaughtException', onInternalError);
  const result = await job.result;
  // Everything still to deliver (the open if in flight, the close, the log) shares one deadline
  // from the job's end: a run adds at most 1 × --send-timeout.
  deadline.restart();
  // After the job, a further INT/TERM means "stop now": give up on reporting, keep the code.
  const stopOnSignal = () => hooks.exit(result.outcome.exitCode);
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);
  await report(options, reporter, problems, result, opened, checkIn, traceId, deadline).catch(onInternalError);
  process.off('uncaughtException', onInternalError).off('SIGINT', stopOnSignal).off('SIGTERM', stopOnSignal);
  if (internalErrors.length > 0) {
    const [first] = internalErrors;
    log.error(`internal error, the run may not be reported (the job was not affected): ${first instanceof Error ? first.message : String(first)}`);
  }
  return result.outcome.exitCode;
}

async function report(
  options: MonitoredJobOptions,
  reporter: Reporter | undefined,
  problems: string[],
  result: JobResult,
  opened: Promise<Delivery | undefined>,
  checkIn: (status: CheckInStatus, durationMs?: number) => Buffer,
  traceId: string,
  deadline: Deadline,
): Promise<void> {
  const { log } = options;
  if (result.outcome.kind === 'not-started') log.error(result.outcome.reason);
  if (result.outcome.kind === 'timed-out') log.error(`${options.slug} ${describeOutcome(result.outcome)}; exit ${result.outcome.exitCode}`);
  const deliveries: (Delivery | undefined)[] = [await opened];
  if (reporter) {
    const failed = result.outcome.exitCode !== 0;
    const closing = [reporter.send('close check-in', ['monitor'], checkIn(failed ? 'error' : 'ok', result.durationMs), deadline)];
    if (options.logOn === 'always' || (options.logOn === 'error' && failed)) {
      closing.push(reporter.send('output log', ['error'], outputLog(options, result, traceId, failed), deadline));
    }
    deliveries.push(...(await Promise.all(closing)));
    reporter.finish();
  }
  const summary = summariseDeliveries(deliveries.filter((d): d is Delivery => d !== undefined));
  const dsn = options.dsn?.parsed.ok ? options.dsn.parsed.dsn : undefined;
  if (dsn && !options.dryRun) {
    const file = outageFile(options.cacheDir, dsn.host);
    const step = outageStep(loadOutage(file), summary, Date.now());
    saveOutage(file, step.next);
    const line = log.verbose ? (summary ?? step.say) : step.say;
    if (line !== undefined && (log.verbose || !log.quiet)) problems.push(line);
  } else if (summary) {
    problems.push(summary);
  }
  if (problems.length > 0) log.error(problems.join('; '));
}

function makeReporter(options: MonitoredJobOptions, problems: string[]): Reporter | undefined {
  const { dsn } = options;
  if (dsn && !dsn.parsed.ok) {
    problems.push(`invalid DSN ${maskDsn(dsn.raw)} from ${dsn.source}: ${dsn.parsed.reason}; the job ran without monitoring`);
  }
  const parsed = dsn?.parsed.ok ? dsn.parsed.dsn : undefined;
  if (options.dryRun) return createDryRunReporter(options.log, parsed, options.network);
  if (!dsn) problems.push('no DSN set (--dsn, SENTRY_DSN, the config file or [auth] dsn in .sentryclirc): the job ran without monitoring');
  if (!parsed) return undefined;
  return createReporter({ dsn: parsed, cacheDir: options.cacheDir, log: options.log, network: options.network });
}

function outputLog(options: MonitoredJobOptions, result: JobResult, traceId: string, failed: boolean): Buffer {
  const { outcome } = result;
  const message = !failed
    ? `${options.slug} succeeded`
    : outcome.kind === 'exited'
      ? `${options.slug} failed with exit code ${outcome.exitCode}`
      : outcome.kind === 'timed-out'
        ? `${options.slug} ${describeOutcome(outcome)}`
        : `${options.slug} ${outcome.kind === 'signaled' ? 'was ' : 'could not start: '}${describeOutcome(outcome)}`;
  const event = buildFailureEvent({
    eventId: newId(),
    spanId: randomHex(16),
    traceId,
    endedAt: result.endedAt,
    slug: options.slug,
    environment: options.environment,
    failed,
    message,
    exitCode: outcome.exitCode,
    command: options.command,
    durationMs: result.durationMs,
    serverName: options.serverName,
  });
  const attachments = result.tail.byteLength > 0 ? [{ filename: 'output-tail.log', contentType: 'text/plain', data: result.tail }] : [];
  return eventEnvelope(event, attachments, new Date());
}
