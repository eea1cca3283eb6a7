import { Cron } from 'croner';
import { usageError } from '../util/errors.js';

export const INTERVAL_UNITS = ['year', 'month', 'week', 'day', 'hour', 'minute'] as const;
export type IntervalUnit = (typeof INTERVAL_UNITS)[number];

export type Schedule = { type: 'crontab'; value: string } | { type: 'interval'; value: number; unit: IntervalUnit };

// The only @-aliases Sentry expands (exact, case-sensitive match); @reboot cannot be scheduled.
const ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const FIELD_NAMES = 'minute hour day-of-month month day-of-week';

// Sentry parses with cronsim, which knows fewer extensions than croner: no `?` (croner reads
// it as "now"), no `+` (croner's AND switch), and `W` only as the `LW` term.
const CRONSIM_FIELD = /^[0-9A-Za-z*,/#-]+$/;

/**
 * A crontab as Sentry will store it: whitespace collapsed, @-aliases expanded, exactly five
 * fields that parse and fire at least once.
 */
export function parseCrontab(input: string, label: string): string {
  const invalid = (reason: string) => usageError(`${label} ${JSON.stringify(input)} is not a valid crontab: ${reason}`);
  let expr = input.replace(/\s+/g, ' ').trim();
  if (expr === '') throw invalid('it is empty');
  if (expr.startsWith('@')) {
    const expanded = ALIASES[expr];
    if (expanded === undefined) throw invalid(`only ${Object.keys(ALIASES).join(', ')} are supported`);
    expr = expanded;
  }
  const fields = expr.split(' ');
  if (fields.length !== 5) throw invalid(`it needs exactly 5 fields (${FIELD_NAMES}), got ${fields.length}`);
  for (const field of fields) {
    if (!CRONSIM_FIELD.test(field)) throw invalid(`${JSON.stringify(field)} uses characters Sentry does not accept`);
  }
  const dayOfMonth = fields[2] ?? '';
  if (/W/i.test(dayOfMonth) && dayOfMonth.split(',').some((term) => /W/i.test(term) && term.toUpperCase() !== 'LW')) {
    throw invalid('"W" is only accepted as "LW" (last weekday of the month)');
  }
  if (nextRun(expr, invalid) === null) throw invalid('it never fires');
  // cronsim also refuses a day-of-month that no selected month has, even when day-of-week
  // alone would match (e.g. "0 0 31 2 1").
  if (nextRun(`0 0 ${dayOfMonth} ${fields[3] ?? ''} *`, invalid) === null) {
    throw invalid(`day-of-month ${dayOfMonth} never occurs in the selected months`);
  }
  return expr;
}

function nextRun(expr: string, invalid: (reason: string) => Error): Date | null {
  try {
    return new Cron(expr, { mode: '5-part', paused: true }).nextRun();
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^CronPattern:\s*/, '') : String(error);
    throw invalid(reason);
  }
}

const INTERVAL = new RegExp(`^([0-9]+)\\s+(${INTERVAL_UNITS.join('|')})s?$`, 'i');

/** `"<n> <unit>"` (e.g. `10 minutes`, `1 Hour`) as Sentry's `{value, unit}`; unit always singular. */
export function parseInterval(input: string, label: string): { value: number; unit: IntervalUnit } {
  const match = INTERVAL.exec(input.trim());
  if (!match) {
    throw usageError(
      `${label} ${JSON.stringify(input)} is not an interval: use "<n> <unit>" with unit ${INTERVAL_UNITS.join(', ')} (singular or plural), e.g. "10 minutes"`,
    );
  }
  const value = Number(match[1]);
  if (value < 1 || !Number.isSafeInteger(value)) {
    throw usageError(`${label} ${JSON.stringify(input)}: the number must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return { value, unit: (match[2] ?? '').toLowerCase() as IntervalUnit };
}
