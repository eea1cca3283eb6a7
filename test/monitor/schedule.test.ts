import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronmonError } from '../../src/util/errors.js';
import { buildMonitorConfig } from '../../src/monitor/monitor-config.js';
import { MONITOR_FLAG_LABELS as FLAG_LABELS } from '../../src/config/flags.js';
import { INTERVAL_UNITS, parseCrontab, parseInterval } from '../../src/monitor/schedule.js';
import { vectors } from '../support/vectors.js';
import { errorOf } from '../support/errors.js';

interface ScheduleVector {
  input: string | { type: string; value: unknown; unit?: string };
  valid: boolean;
  normalised?: string | [number, string];
  why: string;
  layer?: string;
}

const scheduleVectors = vectors.schedules as ScheduleVector[];

// The schedule object cronmon would put on the wire for a flag value.
const wireSchedule = (input: { schedule?: string; interval?: string }): unknown => JSON.parse(JSON.stringify(buildMonitorConfig(input, FLAG_LABELS)?.schedule));

describe('schedules against the protocol vectors', () => {
  it('has vectors to check', () => {
    expect(scheduleVectors.length).toBeGreaterThan(10);
  });

  for (const vector of scheduleVectors) {
    const { input } = vector;
    const name = `${vector.valid ? 'valid' : 'invalid'} ${JSON.stringify(input)} (${vector.why})`;

    if (typeof input === 'string') {
      // The wire rule: a bare string schedule is rejected. cronmon always sends the tagged object.
      it(`${name}: a --schedule string goes out as a tagged crontab object`, () => {
        expect(wireSchedule({ schedule: input })).toEqual({ type: 'crontab', value: input });
      });
    } else if (input.type === 'crontab') {
      const value = String(input.value);
      it(`${name}: parseCrontab`, () => {
        if (vector.valid) {
          expect(parseCrontab(value, '--schedule')).toBe(vector.normalised);
          expect(wireSchedule({ schedule: value })).toEqual({ type: 'crontab', value: vector.normalised });
        } else {
          const error = errorOf(() => parseCrontab(value, '--schedule'));
          expect(error.exitCode).toBe(2);
          expect(error.message).toContain(`--schedule ${JSON.stringify(value)} is not a valid crontab`);
          expect(() => buildMonitorConfig({ schedule: value }, FLAG_LABELS)).toThrow(CronmonError);
        }
      });
    } else if (input.type === 'interval' && typeof input.value !== 'number') {
      // The wire rule: the value must be a JSON integer. The flag is text; what goes out is a number.
      it(`${name}: the interval value goes out as a JSON integer`, () => {
        const schedule = wireSchedule({ interval: `${String(input.value)} ${input.unit}` });
        expect(schedule).toEqual({ type: 'interval', value: Number(input.value), unit: input.unit });
        expect(JSON.stringify(schedule)).toContain(`"value":${Number(input.value)},`);
      });
    } else if (input.type === 'interval' && (INTERVAL_UNITS as readonly string[]).includes(input.unit?.replace(/s$/, '') ?? '') && input.unit?.endsWith('s')) {
      // The wire rule: plural units are refused. The flag accepts them; the wire gets the singular.
      it(`${name}: a plural unit from the user goes out singular`, () => {
        const singular = input.unit?.replace(/s$/, '');
        expect(parseInterval(`${String(input.value)} ${input.unit}`, '--interval')).toEqual({ value: input.value, unit: singular });
        expect(wireSchedule({ interval: `${String(input.value)} ${input.unit}` })).toEqual({ type: 'interval', value: input.value, unit: singular });
      });
    } else if (input.type === 'interval') {
      const text = `${String(input.value)} ${input.unit}`;
      it(`${name}: parseInterval(${JSON.stringify(text)})`, () => {
        if (vector.valid) {
          const parsed = parseInterval(text, '--interval');
          expect([parsed.value, parsed.unit]).toEqual(vector.normalised);
          expect(wireSchedule({ interval: text })).toEqual({ type: 'interval', value: input.value, unit: input.unit });
        } else {
          const error = errorOf(() => parseInterval(text, '--interval'));
          expect(error.exitCode).toBe(2);
          expect(error.message).toContain(`--interval ${JSON.stringify(text)}`);
          expect(() => buildMonitorConfig({ interval: text }, FLAG_LABELS)).toThrow(CronmonError);
        }
      });
    } else {
      // The wire rule: type must be crontab or interval. cronmon only ever produces those two.
      it(`${name}: cronmon only produces crontab or interval schedules`, () => {
        expect(vector.valid).toBe(false);
        expect(wireSchedule({ schedule: String(input.value) })).toMatchObject({ type: 'crontab' });
        expect(wireSchedule({ interval: '1 hour' })).toMatchObject({ type: 'interval' });
      });
    }
  }
});

describe('parseCrontab', () => {
  const rejects = (input: string, rule: RegExp | string) => {
    const error = errorOf(() => parseCrontab(input, '--schedule'));
    expect(error.code).toBe('usage');
    expect(error.message).toContain(`--schedule ${JSON.stringify(input)} is not a valid crontab`);
    expect(error.message).toMatch(rule);
  };

  it('expands every alias Sentry knows', () => {
    expect(parseCrontab('@yearly', 'x')).toBe('0 0 1 1 *');
    expect(parseCrontab('@annually', 'x')).toBe('0 0 1 1 *');
    expect(parseCrontab('@monthly', 'x')).toBe('0 0 1 * *');
    expect(parseCrontab('@weekly', 'x')).toBe('0 0 * * 0');
    expect(parseCrontab('@daily', 'x')).toBe('0 0 * * *');
    expect(parseCrontab('@hourly', 'x')).toBe('0 * * * *');
    expect(parseCrontab('  @daily\t', 'x')).toBe('0 0 * * *');
  });

  it('names the rule it applies', () => {
    rejects('', 'it is empty');
    rejects('   ', 'it is empty');
    rejects('@reboot', /only @yearly, @annually, @monthly, @weekly, @daily, @hourly are supported/);
    rejects('@midnight', /only @yearly/);
    rejects('0 0 * * * *', 'it needs exactly 5 fields (minute hour day-of-month month day-of-week), got 6');
    rejects('0 0 * *', 'got 4');
    rejects('0 0 ? * *', '"?" uses characters Sentry does not accept');
    rejects('0 0 * * 1+2', 'uses characters Sentry does not accept');
    rejects('0 0 15W * *', '"W" is only accepted as "LW"');
    rejects('0 0 30 2 *', 'it never fires');
    rejects('0 0 31 2 1', 'day-of-month 31 never occurs in the selected months');
    rejects('61 * * * *', /minute/);
    rejects('0 24 * * *', /hour/);
    rejects('5-1 * * * *', /5-1/);
  });

  it('accepts the cronsim extensions Sentry accepts', () => {
    for (const expr of ['0 0 LW * *', '0 0 L * *', '0 0 * * 5#3', '0 0 * * 5L', '0 0 1 JAN MON', '0 0 * * 7', '0-59/15 * * * *', '0 0 29 2 *']) {
      expect(parseCrontab(expr, '--schedule')).toBe(expr);
    }
  });

  const field = (min: number, max: number) =>
    fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc.integer({ min, max }).chain((a) => fc.integer({ min: a, max }).map((b) => `${a}-${b}`)),
      fc.integer({ min: 1, max: max - min }).map((step) => `*/${step}`),
    );
  const crontab = fc.tuple(field(0, 59), field(0, 23), field(1, 28), field(1, 12), field(0, 6));
  const gap = fc.string({ unit: fc.constantFrom(' ', '\t'), minLength: 1, maxLength: 3 });

  it('accepts valid five-field crontabs, with any whitespace, collapsing it to single spaces', () => {
    fc.assert(
      fc.property(crontab, fc.array(gap, { minLength: 6, maxLength: 6 }), (fields, gaps) => {
        const spaced = gaps[0] + fields.map((f, i) => f + (gaps[i + 1] ?? '')).join('');
        const expected = fields.join(' ');
        expect(parseCrontab(spaced, '--schedule')).toBe(expected);
      }),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(crontab, (fields) => {
        const once = parseCrontab(fields.join(' '), '--schedule');
        expect(parseCrontab(once, '--schedule')).toBe(once);
      }),
    );
  });

  it('refuses any field count other than five', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constant('*'), { minLength: 1, maxLength: 10 }).filter((a) => a.length !== 5),
        (fields) => {
          expect(() => parseCrontab(fields.join(' '), '--schedule')).toThrow(`got ${fields.length}`);
        },
      ),
    );
  });

  it('refuses out-of-range minutes and hours', () => {
    fc.assert(
      fc.property(fc.integer({ min: 60, max: 999 }), (minute) => {
        expect(() => parseCrontab(`${minute} * * * *`, '--schedule')).toThrow(CronmonError);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 24, max: 999 }), (hour) => {
        expect(() => parseCrontab(`0 ${hour} * * *`, '--schedule')).toThrow(CronmonError);
      }),
    );
  });
});

describe('parseInterval', () => {
  it('reads "<n> <unit>" in any case, singular or plural, and returns the singular unit', () => {
    expect(parseInterval('10 minutes', '--interval')).toEqual({ value: 10, unit: 'minute' });
    expect(parseInterval('1 Hour', '--interval')).toEqual({ value: 1, unit: 'hour' });
    expect(parseInterval(' 3  DAYS ', '--interval')).toEqual({ value: 3, unit: 'day' });
  });

  it('names the label and the accepted form', () => {
    for (const bad of ['', '10', 'minutes', '1minute', '1.5 hours', '+1 hour', '-1 day', '1 mins', '30 seconds', '2 fortnights', '1 hour extra']) {
      const error = errorOf(() => parseInterval(bad, '--interval'));
      expect(error.exitCode).toBe(2);
      expect(error.message).toContain(`--interval ${JSON.stringify(bad)} is not an interval`);
      expect(error.message).toContain('year, month, week, day, hour, minute');
    }
  });

  it('refuses zero and numbers beyond the safe range with the range rule', () => {
    expect(() => parseInterval('0 hours', '--interval')).toThrow(/--interval "0 hours": the number must be a whole number from 1 to/);
    expect(() => parseInterval('9007199254740992 minutes', '--interval')).toThrow(/from 1 to 9007199254740991/);
  });

  it('round-trips "<n> <unit>" and "<n> <unit>s" for every unit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.constantFrom(...INTERVAL_UNITS),
        fc.boolean(),
        fc.constantFrom('lower', 'upper', 'title'),
        fc.string({ unit: fc.constantFrom(' ', '\t'), minLength: 1, maxLength: 3 }),
        (value, unit, plural, casing, gap) => {
          const word = `${unit}${plural ? 's' : ''}`;
          const cased = casing === 'upper' ? word.toUpperCase() : casing === 'title' ? (word[0] ?? '').toUpperCase() + word.slice(1) : word;
          expect(parseInterval(`${value}${gap}${cased}`, '--interval')).toEqual({ value, unit });
        },
      ),
    );
  });

  it('refuses units that are not Sentry interval units', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.stringMatching(/^[a-z]{1,10}$/).filter((word) => !(INTERVAL_UNITS as readonly string[]).includes(word.replace(/s$/, ''))),
        (value, word) => {
          expect(() => parseInterval(`${value} ${word}`, '--interval')).toThrow(CronmonError);
        },
      ),
    );
  });
});
