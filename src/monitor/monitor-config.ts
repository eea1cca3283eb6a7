import { usageError } from '../util/errors.js';
import { parseCrontab, parseInterval, type Schedule } from './schedule.js';
import { isValidTimezone } from './timezone.js';

// The `monitor_config` object of a check-in. Key order is the order the envelope is written in.
export interface MonitorConfig {
  schedule: Schedule;
  checkin_margin?: number;
  max_runtime?: number;
  timezone?: string;
  failure_issue_threshold?: number;
  recovery_threshold?: number;
  owner?: string;
}

// Flags give strings; a config file may give numbers.
export interface MonitorConfigInput {
  schedule?: string | undefined;
  interval?: string | undefined;
  timezone?: string | undefined;
  checkinMargin?: string | number | undefined;
  maxRuntime?: string | number | undefined;
  failureThreshold?: string | number | undefined;
  recoveryThreshold?: string | number | undefined;
  owner?: string | undefined;
}

// How messages name each field: its flag, or where it is in a config file.
export type FieldLabels = Record<keyof MonitorConfigInput, string>;

// Sentry's ConfigValidator ranges. max_runtime: Sentry's constant allows 40320 but its own
// error text promises 10080 (7 days), so cronmon keeps to the documented limit.
export const MAX_CHECKIN_MARGIN = 40_320;
export const MAX_MAX_RUNTIME = 10_080;
export const MAX_THRESHOLD = 720;
// BoundedPositiveIntegerField, which stores the duration in milliseconds.
const MAX_DURATION_MS = 2_147_483_647;

const OPTIONAL_KEYS = ['timezone', 'checkinMargin', 'maxRuntime', 'failureThreshold', 'recoveryThreshold', 'owner'] as const;

function wholeNumber(raw: string | number, label: string, min: number, max: number, what: string): number {
  const text = String(raw).trim();
  const value = typeof raw === 'number' ? raw : /^[0-9]+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    const shown = typeof raw === 'string' && !/^\S+$/.test(raw) ? JSON.stringify(raw) : String(raw);
    throw usageError(`${label} must be a whole number of ${what} from ${min} to ${max} (got ${shown})`);
  }
  return value;
}

/**
 * Validates monitor settings with Sentry's own rules and returns them in wire shape, or
 * undefined when none are set. Every error names the field's label and the rule.
 */
export function buildMonitorConfig(input: MonitorConfigInput, labels: FieldLabels): MonitorConfig | undefined {
  const present = OPTIONAL_KEYS.filter((key) => input[key] !== undefined && !(key === 'timezone' && input[key] === ''));
  if (input.schedule !== undefined && input.interval !== undefined) {
    throw usageError(`${labels.schedule} and ${labels.interval} cannot be used together: choose one`);
  }
  let schedule: Schedule;
  if (input.schedule !== undefined) {
    schedule = { type: 'crontab', value: parseCrontab(input.schedule, labels.schedule) };
  } else if (input.interval !== undefined) {
    schedule = { type: 'interval', ...parseInterval(input.interval, labels.interval) };
  } else {
    const first = present[0];
    if (first === undefined) return undefined;
    throw usageError(`${labels[first]} needs ${labels.schedule} or ${labels.interval}`);
  }

  const config: MonitorConfig = { schedule };
  if (input.checkinMargin !== undefined) {
    // Sentry rewrites 0 to 1 (older clients send 0); sending 1 keeps the config we send unchanged.
    const margin = wholeNumber(input.checkinMargin, labels.checkinMargin, 0, MAX_CHECKIN_MARGIN, 'minutes');
    config.checkin_margin = Math.max(margin, 1);
  }
  if (input.maxRuntime !== undefined) {
    config.max_runtime = wholeNumber(input.maxRuntime, labels.maxRuntime, 1, MAX_MAX_RUNTIME, 'minutes');
  }
  if (input.timezone !== undefined && input.timezone !== '') {
    if (!isValidTimezone(input.timezone)) {
      throw usageError(
        `${labels.timezone} ${JSON.stringify(input.timezone)} is not a tz database name Sentry accepts (case-sensitive, e.g. UTC, Europe/Vienna, America/New_York)`,
      );
    }
    config.timezone = input.timezone;
  }
  if (input.failureThreshold !== undefined) {
    config.failure_issue_threshold = wholeNumber(input.failureThreshold, labels.failureThreshold, 1, MAX_THRESHOLD, 'check-ins');
  }
  if (input.recoveryThreshold !== undefined) {
    config.recovery_threshold = wholeNumber(input.recoveryThreshold, labels.recoveryThreshold, 1, MAX_THRESHOLD, 'check-ins');
  }
  if (input.owner !== undefined) {
    if (!/^(user|team):[0-9]+$/.test(input.owner)) {
      throw usageError(`${labels.owner} must be user:<id> or team:<id> (got ${JSON.stringify(input.owner)})`);
    }
    config.owner = input.owner;
  }
  return config;
}

/** Whether Sentry accepts `duration` (seconds): it stores int(seconds × 1000) ms in an int32. */
export function validateCheckInDuration(seconds: number): boolean {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return false;
  const ms = Math.trunc(seconds * 1000);
  return ms >= 0 && ms <= MAX_DURATION_MS;
}
