import { isCronmonError } from '../util/errors.js';
import { UUID } from '../monitor/check-in-id.js';
import { parseCrontab, INTERVAL_UNITS } from '../monitor/schedule.js';
import { normaliseSlug } from '../monitor/slug.js';
import { isValidTimezone } from '../monitor/timezone.js';
import { validateCheckInDuration, MAX_CHECKIN_MARGIN, MAX_MAX_RUNTIME, MAX_THRESHOLD } from '../monitor/monitor-config.js';
import { isRecord as isObject } from '../util/is-record.js';

// What relay and Sentry's consumer do with one check-in payload (protocol §4–§6). "relay"
// rejections make the item fail to parse; "sentry" ones are processing errors after a 2xx.

export interface ReceivedCheckIn {
  checkInId: string;
  slug: string;
  sentSlug: string;
  status: 'in_progress' | 'ok' | 'error';
  environment: string;
  duration?: number;
  monitorConfig?: Record<string, unknown>;
  traceId?: string;
  // Keys Sentry silently drops (e.g. `release`).
  ignoredKeys: string[];
}

export type CheckInVerdict = { ok: true; checkIn: ReceivedCheckIn; configError?: string } | { ok: false; layer: 'relay' | 'sentry'; reason: string };

const KNOWN_KEYS = new Set(['check_in_id', 'monitor_slug', 'status', 'duration', 'environment', 'monitor_config', 'contexts']);
const U64_FIELDS = ['checkin_margin', 'max_runtime', 'failure_issue_threshold', 'recovery_threshold'] as const;
const STATUSES = new Set(['in_progress', 'ok', 'error']);

class Rejected extends Error {
  constructor(
    readonly layer: 'relay' | 'sentry',
    reason: string,
  ) {
    super(reason);
  }
}
const relay = (reason: string) => new Rejected('relay', reason);
const isU64 = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

export function judgeCheckIn(payload: unknown): CheckInVerdict {
  try {
    return judge(payload);
  } catch (error) {
    if (error instanceof Rejected) return { ok: false, layer: error.layer, reason: error.message };
    throw error;
  }
}

function judge(payload: unknown): CheckInVerdict {
  if (!isObject(payload)) throw relay('the check-in is not a JSON object');
  const { check_in_id: id, monitor_slug: slug, status, duration, environment, monitor_config: config, contexts } = payload;

  if (id !== undefined && (typeof id !== 'string' || !UUID.test(id))) throw relay(`check_in_id ${JSON.stringify(id)} is not a UUID`);
  if (typeof slug !== 'string') throw relay('monitor_slug is missing or not a string');
  const truncated = Array.from(slug).slice(0, 50).join('');
  if (truncated.trim() === '') throw relay('monitor_slug is empty (EmptySlug)');
  if (typeof status !== 'string') throw relay('status is missing or not a string');
  if (duration !== undefined && duration !== null && typeof duration !== 'number') throw relay('duration must be a number of seconds');
  if (environment !== undefined && environment !== null && typeof environment !== 'string') throw relay('environment must be a string');
  if (typeof environment === 'string' && Array.from(environment).length > 64) throw relay('environment is longer than 64 characters (InvalidEnvironment)');
  if (contexts !== undefined && !isObject(contexts)) throw relay('contexts must be an object');
  const trace = isObject(contexts) ? contexts.trace : undefined;
  if (trace !== undefined && (!isObject(trace) || (trace.trace_id !== undefined && (typeof trace.trace_id !== 'string' || !UUID.test(trace.trace_id))))) {
    throw relay('contexts.trace.trace_id must be a 32-hex trace id');
  }
  if (config !== undefined && config !== null) checkConfigTypes(config);

  if (!STATUSES.has(status)) throw new Rejected('sentry', `status ${JSON.stringify(status)} is not in_progress, ok or error (invalid_check_in)`);
  if (typeof duration === 'number' && !validateCheckInDuration(duration)) {
    throw new Rejected('sentry', `duration ${duration}s is outside 0…2147483.647 s (invalid_check_in)`);
  }
  const env = typeof environment === 'string' && environment !== '' ? environment : 'production';
  if (/[/\n\r\f]/.test(env)) throw new Rejected('sentry', `environment ${JSON.stringify(env)} contains "/" or a line break (MONITOR_INVALID_ENVIRONMENT)`);
  const effectiveSlug = normaliseSlug(truncated);
  if (effectiveSlug === '') throw new Rejected('sentry', `monitor_slug ${JSON.stringify(slug)} slugifies to nothing`);

  const checkIn: ReceivedCheckIn = {
    checkInId: typeof id === 'string' ? id.replaceAll('-', '').toLowerCase() : '0'.repeat(32),
    slug: effectiveSlug,
    sentSlug: slug,
    status: status as ReceivedCheckIn['status'],
    environment: env,
    ignoredKeys: Object.keys(payload).filter((key) => !KNOWN_KEYS.has(key)),
  };
  if (typeof duration === 'number') checkIn.duration = duration;
  if (isObject(config)) checkIn.monitorConfig = config;
  if (isObject(trace) && typeof trace.trace_id === 'string') checkIn.traceId = trace.trace_id;
  const configError = isObject(config) ? sentryConfigError(config) : undefined;
  return configError === undefined ? { ok: true, checkIn } : { ok: true, checkIn, configError };
}

// Relay's serde types: a wrong JSON type anywhere in monitor_config drops the whole check-in.
function checkConfigTypes(config: unknown): void {
  if (!isObject(config)) throw relay('monitor_config must be an object');
  const { schedule } = config;
  if (!isObject(schedule)) throw relay('monitor_config.schedule must be an object {"type":…,"value":…}');
  if (schedule.type === 'crontab') {
    if (typeof schedule.value !== 'string') throw relay('monitor_config.schedule.value must be a string for a crontab');
  } else if (schedule.type === 'interval') {
    if (!isU64(schedule.value)) throw relay('monitor_config.schedule.value must be a whole number for an interval');
    if (!(INTERVAL_UNITS as readonly unknown[]).includes(schedule.unit)) {
      throw relay(`monitor_config.schedule.unit ${JSON.stringify(schedule.unit)} is not one of ${INTERVAL_UNITS.join(', ')}`);
    }
  } else {
    throw relay(`monitor_config.schedule.type ${JSON.stringify(schedule.type)} is not crontab or interval`);
  }
  for (const field of U64_FIELDS) {
    const value = config[field];
    if (value !== undefined && value !== null && !isU64(value)) throw relay(`monitor_config.${field} must be a whole number ≥ 0`);
  }
  for (const field of ['timezone', 'owner'] as const) {
    const value = config[field];
    if (value !== undefined && value !== null && typeof value !== 'string') throw relay(`monitor_config.${field} must be a string`);
  }
}

// Sentry's ConfigValidator: a monitor that exists keeps its config, a new one is not created.
function sentryConfigError(config: Record<string, unknown>): string | undefined {
  const schedule = config.schedule as { type: string; value: unknown };
  if (schedule.type === 'crontab') {
    try {
      parseCrontab(String(schedule.value), 'monitor_config.schedule');
    } catch (error) {
      if (isCronmonError(error)) return error.message;
      throw error;
    }
  } else if (schedule.value === 0) {
    return 'monitor_config.schedule.value must be at least 1';
  }
  const ranges: [string, number, number][] = [
    ['checkin_margin', 0, MAX_CHECKIN_MARGIN],
    ['max_runtime', 1, MAX_MAX_RUNTIME],
    ['failure_issue_threshold', 1, MAX_THRESHOLD],
    ['recovery_threshold', 1, MAX_THRESHOLD],
  ];
  for (const [field, min, max] of ranges) {
    const value = config[field];
    if (typeof value === 'number' && (value < min || value > max)) return `monitor_config.${field} must be from ${min} to ${max} (got ${value})`;
  }
  const { timezone, owner } = config;
  if (typeof timezone === 'string' && timezone !== '' && !isValidTimezone(timezone))
    return `monitor_config.timezone ${JSON.stringify(timezone)} is not a known time zone`;
  if (typeof owner === 'string' && !/^(user|team):[0-9]+$/.test(owner)) return `monitor_config.owner ${JSON.stringify(owner)} is not user:<id> or team:<id>`;
  return undefined;
}
