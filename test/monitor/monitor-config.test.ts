import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CronmonError } from '../../src/util/errors.js';
import { MONITOR_FLAG_LABELS as FLAG_LABELS } from '../../src/config/flags.js';
import {
  buildMonitorConfig,
  MAX_CHECKIN_MARGIN,
  MAX_MAX_RUNTIME,
  MAX_THRESHOLD,
  validateCheckInDuration,
  type FieldLabels,
  type MonitorConfig,
  type MonitorConfigInput,
} from '../../src/monitor/monitor-config.js';
import { isValidTimezone } from '../../src/monitor/timezone.js';
import { vectors } from '../support/vectors.js';
import { errorOf } from '../support/errors.js';

interface ConfigVector {
  field: string;
  input: unknown;
  valid: boolean | 'uncertain';
  normalised?: unknown;
  normalised_ms?: number;
  why: string;
}

interface TimezoneVector {
  input: string;
  valid: boolean;
  normalised?: null;
  why: string;
}

// Wire field of monitor_config → the MonitorConfigInput key that sets it.
const INPUT_KEY: Record<string, keyof MonitorConfigInput> = {
  checkin_margin: 'checkinMargin',
  max_runtime: 'maxRuntime',
  failure_issue_threshold: 'failureThreshold',
  recovery_threshold: 'recoveryThreshold',
  owner: 'owner',
  timezone: 'timezone',
};

const SCHEDULE = '0 * * * *';

const build = (input: MonitorConfigInput): MonitorConfig => {
  const config = buildMonitorConfig(input, FLAG_LABELS);
  if (!config) throw new Error('expected a monitor config');
  return config;
};

describe('config values against the protocol vectors', () => {
  const configVectors = vectors.config_values as ConfigVector[];

  it('has vectors for every monitor_config field cronmon sets, and duration', () => {
    const fields = new Set(configVectors.map((v) => v.field));
    for (const field of ['checkin_margin', 'max_runtime', 'failure_issue_threshold', 'recovery_threshold', 'owner', 'duration']) {
      expect(fields).toContain(field);
    }
  });

  for (const vector of configVectors) {
    const { field, input } = vector;
    // The README's client rule for the "uncertain" max_runtime band: refuse locally.
    const accepted = vector.valid === true;
    const name = `${field} ${JSON.stringify(input)} is ${accepted ? 'accepted' : 'refused'} (${vector.why})`;

    if (field === 'duration') {
      it(name, () => {
        expect(validateCheckInDuration(input as number)).toBe(accepted);
        if (vector.normalised_ms !== undefined) expect(Math.trunc((input as number) * 1000)).toBe(vector.normalised_ms);
      });
      continue;
    }

    const key = INPUT_KEY[field];
    if (key === undefined) throw new Error(`no MonitorConfigInput key for vector field ${field}`);
    const label = FLAG_LABELS[key];
    // Flags give text, a config file gives the JSON value: both must follow the same rule.
    const forms = typeof input === 'number' ? [input, String(input)] : [input as string];
    for (const form of forms) {
      it(`${name}, given as ${typeof form}`, () => {
        const run = () => buildMonitorConfig({ schedule: SCHEDULE, [key]: form }, FLAG_LABELS);
        if (accepted) {
          const config = run();
          const expected = vector.normalised ?? input;
          expect((config as unknown as Record<string, unknown>)[field]).toBe(expected);
        } else {
          const error = errorOf(run);
          expect(error.exitCode).toBe(2);
          expect(error.message).toContain(label);
          expect(error.message).toMatch(/must be a whole number of minutes from \d+ to \d+|must be a whole number of check-ins from 1 to 720/);
        }
      });
    }
  }
});

describe('timezones against the protocol vectors', () => {
  for (const vector of vectors.timezones as TimezoneVector[]) {
    it(`${vector.valid ? 'accepts' : 'refuses'} ${JSON.stringify(vector.input)} (${vector.why})`, () => {
      const run = () => buildMonitorConfig({ schedule: SCHEDULE, timezone: vector.input }, FLAG_LABELS);
      if (vector.valid) {
        const config = run();
        if (vector.normalised === null) expect(config).not.toHaveProperty('timezone');
        else expect(config?.timezone).toBe(vector.input);
      } else {
        expect(isValidTimezone(vector.input)).toBe(false);
        const error = errorOf(run);
        expect(error.message).toContain(`--timezone ${JSON.stringify(vector.input)} is not a tz database name`);
      }
    });
  }

  it('knows canonical names, backward links, and refuses wrong case', () => {
    for (const tz of ['UTC', 'Etc/UTC', 'US/Eastern', 'Asia/Kolkata', 'Europe/Kyiv', 'America/New_York', 'GMT']) {
      expect(isValidTimezone(tz)).toBe(true);
    }
    for (const tz of ['utc', 'us/eastern', 'Europe/Nowhere', 'Mars/Olympus', '', 'Europe/Vienna ', '../etc/passwd', 'UTC+2']) {
      expect(isValidTimezone(tz)).toBe(false);
    }
  });

  it('accepts every zone the engine lists as canonical', () => {
    for (const tz of Intl.supportedValuesOf('timeZone')) expect(isValidTimezone(tz)).toBe(true);
  });
});

describe('buildMonitorConfig', () => {
  it('returns undefined when nothing is set (a blank timezone counts as unset)', () => {
    expect(buildMonitorConfig({}, FLAG_LABELS)).toBeUndefined();
    expect(buildMonitorConfig({ timezone: '' }, FLAG_LABELS)).toBeUndefined();
  });

  it('writes every field in wire order under its wire name', () => {
    const config = build({
      owner: 'team:6',
      recoveryThreshold: '2',
      failureThreshold: 3,
      timezone: 'Europe/Vienna',
      maxRuntime: '60',
      checkinMargin: 5,
      schedule: '@daily',
    });
    expect(config).toEqual({
      schedule: { type: 'crontab', value: '0 0 * * *' },
      checkin_margin: 5,
      max_runtime: 60,
      timezone: 'Europe/Vienna',
      failure_issue_threshold: 3,
      recovery_threshold: 2,
      owner: 'team:6',
    });
    expect(Object.keys(config)).toEqual(['schedule', 'checkin_margin', 'max_runtime', 'timezone', 'failure_issue_threshold', 'recovery_threshold', 'owner']);
  });

  it('builds an interval schedule', () => {
    expect(build({ interval: '10 minutes' }).schedule).toEqual({ type: 'interval', value: 10, unit: 'minute' });
  });

  it('refuses --schedule together with --interval, naming both', () => {
    const error = errorOf(() => buildMonitorConfig({ schedule: SCHEDULE, interval: '1 hour' }, FLAG_LABELS));
    expect(error.code).toBe('usage');
    expect(error.message).toBe('--schedule and --interval cannot be used together: choose one');
  });

  it('refuses each dependent setting without a schedule, naming it', () => {
    const dependent: [keyof MonitorConfigInput, string | number][] = [
      ['timezone', 'UTC'],
      ['checkinMargin', 5],
      ['maxRuntime', '10'],
      ['failureThreshold', 1],
      ['recoveryThreshold', '1'],
      ['owner', 'user:1'],
    ];
    for (const [key, value] of dependent) {
      const error = errorOf(() => buildMonitorConfig({ [key]: value }, FLAG_LABELS));
      expect(error.exitCode).toBe(2);
      expect(error.message).toBe(`${FLAG_LABELS[key]} needs --schedule or --interval`);
    }
  });

  it('uses the labels it is given (config file paths) in every message', () => {
    const labels = Object.fromEntries(Object.keys(FLAG_LABELS).map((key) => [key, `monitors.job.${key}`])) as FieldLabels;
    expect(() => buildMonitorConfig({ schedule: SCHEDULE, interval: '1 hour' }, labels)).toThrow(
      'monitors.job.schedule and monitors.job.interval cannot be used together',
    );
    expect(() => buildMonitorConfig({ maxRuntime: 5 }, labels)).toThrow('monitors.job.maxRuntime needs monitors.job.schedule or monitors.job.interval');
    expect(() => buildMonitorConfig({ schedule: 'nope' }, labels)).toThrow('monitors.job.schedule "nope" is not a valid crontab');
    expect(() => buildMonitorConfig({ interval: 'nope' }, labels)).toThrow('monitors.job.interval "nope" is not an interval');
    expect(() => buildMonitorConfig({ schedule: SCHEDULE, timezone: 'Nowhere' }, labels)).toThrow('monitors.job.timezone "Nowhere"');
    expect(() => buildMonitorConfig({ schedule: SCHEDULE, checkinMargin: -1 }, labels)).toThrow('monitors.job.checkinMargin must be');
    expect(() => buildMonitorConfig({ schedule: SCHEDULE, failureThreshold: 0 }, labels)).toThrow('monitors.job.failureThreshold must be');
    expect(() => buildMonitorConfig({ schedule: SCHEDULE, recoveryThreshold: 0 }, labels)).toThrow('monitors.job.recoveryThreshold must be');
    expect(() => buildMonitorConfig({ schedule: SCHEDULE, owner: 'me' }, labels)).toThrow('monitors.job.owner must be user:<id> or team:<id>');
  });

  it('states the range in its messages', () => {
    expect(() => build({ schedule: SCHEDULE, checkinMargin: '40321' })).toThrow(
      '--checkin-margin must be a whole number of minutes from 0 to 40320 (got 40321)',
    );
    expect(() => build({ schedule: SCHEDULE, maxRuntime: '0' })).toThrow('--max-runtime must be a whole number of minutes from 1 to 10080 (got 0)');
    expect(() => build({ schedule: SCHEDULE, failureThreshold: 'many' })).toThrow(
      '--failure-threshold must be a whole number of check-ins from 1 to 720 (got many)',
    );
    expect(() => build({ schedule: SCHEDULE, recoveryThreshold: '1 2' })).toThrow(
      '--recovery-threshold must be a whole number of check-ins from 1 to 720 (got "1 2")',
    );
  });

  it('accepts owners user:<id> and team:<id> only', () => {
    expect(build({ schedule: SCHEDULE, owner: 'user:42' }).owner).toBe('user:42');
    expect(build({ schedule: SCHEDULE, owner: 'team:6' }).owner).toBe('team:6');
    for (const owner of ['team:', 'team:abc', 'org:1', 'user:1 ', 'USER:1', 'user:-1', 'alice@example.com']) {
      expect(() => build({ schedule: SCHEDULE, owner })).toThrow(`--owner must be user:<id> or team:<id> (got ${JSON.stringify(owner)})`);
    }
  });

  it('refuses text that is not plain digits', () => {
    for (const text of ['', '1e3', '0x10', '+5', '-5', '5.0', '5 minutes', 'NaN', 'Infinity']) {
      expect(() => build({ schedule: SCHEDULE, maxRuntime: text })).toThrow(CronmonError);
    }
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, 1.5]) {
      expect(() => build({ schedule: SCHEDULE, maxRuntime: value })).toThrow(CronmonError);
    }
  });
});

describe('buildMonitorConfig ranges (properties)', () => {
  const numberOrText = (n: number) => fc.constantFrom<string | number>(n, String(n));
  const thresholds = [
    ['failureThreshold', 'failure_issue_threshold'],
    ['recoveryThreshold', 'recovery_threshold'],
  ] as const;

  for (const [key, wire] of thresholds) {
    it(`accepts any integer 1..${MAX_THRESHOLD} as ${key}`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: MAX_THRESHOLD }).chain(numberOrText), (value) => {
          expect(build({ schedule: SCHEDULE, [key]: value })[wire]).toBe(Number(value));
        }),
      );
    });

    it(`refuses any integer outside 1..${MAX_THRESHOLD} as ${key}`, () => {
      const outside = fc.oneof(fc.integer({ min: -1_000_000, max: 0 }), fc.integer({ min: MAX_THRESHOLD + 1, max: 1_000_000_000 }));
      fc.assert(
        fc.property(outside.chain(numberOrText), (value) => {
          expect(() => build({ schedule: SCHEDULE, [key]: value })).toThrow(FLAG_LABELS[key]);
        }),
      );
    });
  }

  it('refuses fractional numbers for every numeric field', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)),
        fc.constantFrom('checkinMargin', 'maxRuntime', 'failureThreshold', 'recoveryThreshold'),
        (value, key) => {
          expect(() => build({ schedule: SCHEDULE, [key]: value })).toThrow(FLAG_LABELS[key]);
        },
      ),
    );
  });

  it(`accepts a check-in margin of 0..${MAX_CHECKIN_MARGIN}, sending 0 as 1`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CHECKIN_MARGIN }).chain(numberOrText), (value) => {
        expect(build({ schedule: SCHEDULE, checkinMargin: value }).checkin_margin).toBe(Math.max(1, Number(value)));
      }),
    );
    expect(() => build({ schedule: SCHEDULE, checkinMargin: MAX_CHECKIN_MARGIN + 1 })).toThrow('--checkin-margin');
  });

  it(`accepts a max runtime of 1..${MAX_MAX_RUNTIME} and nothing else`, () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }).chain(numberOrText), (value) => {
        const n = Number(value);
        if (n >= 1 && n <= MAX_MAX_RUNTIME) expect(build({ schedule: SCHEDULE, maxRuntime: value }).max_runtime).toBe(n);
        else expect(() => build({ schedule: SCHEDULE, maxRuntime: value })).toThrow('--max-runtime');
      }),
    );
  });
});

describe('validateCheckInDuration', () => {
  it('accepts 0 up to 2147483.647 seconds and nothing else', () => {
    expect(validateCheckInDuration(0)).toBe(true);
    expect(validateCheckInDuration(2_147_483.647)).toBe(true);
    expect(validateCheckInDuration(2_147_483.648)).toBe(false);
    expect(validateCheckInDuration(-0.001)).toBe(false);
    expect(validateCheckInDuration(Number.NaN)).toBe(false);
    expect(validateCheckInDuration(Number.POSITIVE_INFINITY)).toBe(false);
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (seconds) => {
        const ms = Math.trunc(seconds * 1000);
        expect(validateCheckInDuration(seconds)).toBe(Number.isFinite(seconds) && ms >= 0 && ms <= 2_147_483_647);
      }),
    );
  });
});
