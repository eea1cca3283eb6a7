import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/config-file.js';
import { CronmonError } from '../../src/util/errors.js';

const FILE = '/etc/cronmon/cronmon.config.json';

function configErrorOf(raw: unknown): CronmonError {
  try {
    validateConfig(raw, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(CronmonError);
    const cronmonError = error as CronmonError;
    expect(cronmonError.code).toBe('config');
    expect(cronmonError.exitCode).toBe(2);
    expect(cronmonError.message.startsWith(`${FILE}: `)).toBe(true);
    return cronmonError;
  }
  throw new Error('expected a config error, but nothing was thrown');
}

describe('validateConfig accepts', () => {
  it('an empty config', () => {
    expect(validateConfig({}, FILE)).toEqual({ file: FILE, monitors: {} });
  });

  it('every documented key', () => {
    const raw = {
      dsn: 'https://abc@o1.ingest.sentry.io/42',
      environment: 'staging',
      org: 'acme',
      project: 'jobs',
      url: 'https://sentry.example.com/',
      proxy: 'http://proxy.example.com:3128',
      headers: { 'CF-Access-Client-Id': 'id.access', 'X-Token': 'a b\tc' },
      monitors: {
        'nightly-backup': {
          schedule: '0 3 * * *',
          timezone: 'Europe/Vienna',
          checkinMargin: 5,
          maxRuntime: 60,
          failureThreshold: 2,
          recoveryThreshold: 1,
          owner: 'team:6',
          name: 'Nightly backup',
          muted: false,
          timeout: '2h',
          killGrace: '30s',
        },
        hourly: { interval: '1 hour' },
      },
    };
    expect(validateConfig(raw, FILE)).toEqual({ file: FILE, ...raw });
  });

  it('monitors under their normalised slug, keeping the values as written', () => {
    const config = validateConfig({ monitors: { 'Nightly Backup!': { schedule: '@daily', checkinMargin: 0 } } }, FILE);
    expect(config.monitors).toEqual({ 'nightly-backup': { schedule: '@daily', checkinMargin: 0 } });
  });

  it('a monitor whose slug is also an Object.prototype property name', () => {
    const config = validateConfig({ monitors: { constructor: { schedule: '@daily' }, 'to-string': { interval: '1 day' } } }, FILE);
    expect(Object.keys(config.monitors)).toEqual(['constructor', 'to-string']);
    expect(config.monitors.constructor).toEqual({ schedule: '@daily' });
  });

  it('finds no entry for slugs that are not declared, even Object.prototype names', () => {
    const config = validateConfig({ monitors: { backup: { schedule: '@daily' } } }, FILE);
    for (const slug of ['constructor', 'tostring', 'valueof', 'proto']) expect(config.monitors[slug]).toBeUndefined();
  });
});

describe('validateConfig refuses, naming file, key and rule', () => {
  it('a top level that is not an object', () => {
    for (const raw of [null, [], 'dsn', 42]) {
      expect(configErrorOf(raw).message).toBe(`${FILE}: (top level) must be an object`);
    }
  });

  it('unknown top-level keys (including an auth token, which is never read from the file)', () => {
    for (const key of ['token', 'authToken', 'slug', 'Dsn', 'monitor']) {
      expect(configErrorOf({ [key]: 'x' }).message).toBe(
        `${FILE}: ${key} is not a known key (expected one of: dsn, environment, org, project, url, proxy, headers, serverName, monitors)`,
      );
    }
  });

  it('non-string settings', () => {
    for (const key of ['dsn', 'environment', 'org', 'project', 'url', 'proxy']) {
      expect(configErrorOf({ [key]: 42 }).message).toBe(`${FILE}: ${key} must be a string`);
      expect(configErrorOf({ [key]: null }).message).toBe(`${FILE}: ${key} must be a string`);
    }
  });

  it('headers that are not a map of names to strings, or that cronmon writes itself', () => {
    expect(configErrorOf({ headers: ['X-Token: a'] }).message).toBe(`${FILE}: headers must be a map of header name to value`);
    expect(configErrorOf({ headers: { 'X-Token': 42 } }).message).toBe(`${FILE}: headers.X-Token must be a string`);
    expect(configErrorOf({ headers: { 'Bad Name': 'x' } }).message).toContain('"Bad Name" is not a header name');
    expect(configErrorOf({ headers: { authorization: 'Bearer x' } }).message).toBe(`${FILE}: headers: authorization is a header cronmon sets itself`);
    // A line break would smuggle in a header of its own; the message never shows the value.
    const smuggled = configErrorOf({ headers: { 'X-Token': 'secret-value\r\nHost: evil' } }).message;
    expect(smuggled).toBe(`${FILE}: headers: the value of X-Token contains a control character (a line break?)`);
  });

  it('an environment Sentry would drop', () => {
    expect(configErrorOf({ environment: 'prod/eu' }).message).toBe(`${FILE}: environment "prod/eu" must not contain "/", line breaks or form feeds`);
    expect(configErrorOf({ environment: 'e'.repeat(65) }).message).toBe(`${FILE}: environment must be at most 64 characters (got 65)`);
  });

  it('monitors that are not a map', () => {
    for (const monitors of [[], 'backup', 1, null]) {
      expect(configErrorOf({ monitors }).message).toBe(`${FILE}: monitors must be a map of slug to monitor settings`);
    }
    expect(configErrorOf({ monitors: { backup: '0 3 * * *' } }).message).toBe(`${FILE}: monitors.backup must be an object of monitor settings`);
  });

  it('a monitor key with nothing usable in it', () => {
    expect(configErrorOf({ monitors: { '!!!': { schedule: '@daily' } } }).message).toBe(
      `${FILE}: monitors key "!!!" "!!!" has no letters or digits Sentry keeps (a-z, 0-9, "_", "-")`,
    );
  });

  it('two monitor keys that are the same slug', () => {
    expect(configErrorOf({ monitors: { 'nightly-backup': { schedule: '@daily' }, 'Nightly Backup': { schedule: '@daily' } } }).message).toBe(
      `${FILE}: monitors.Nightly Backup has the same slug as another monitor (nightly-backup)`,
    );
  });

  it('unknown monitor keys', () => {
    const error = configErrorOf({ monitors: { backup: { schedule: '@daily', checkin_margin: 5 } } });
    expect(error.message).toBe(
      `${FILE}: monitors.backup.checkin_margin is not a known key (expected one of: schedule, interval, timezone, owner, name, timeout, killGrace, checkinMargin, maxRuntime, failureThreshold, recoveryThreshold, muted)`,
    );
  });

  it('wrongly typed monitor values', () => {
    expect(configErrorOf({ monitors: { backup: { schedule: 5 } } }).message).toBe(`${FILE}: monitors.backup.schedule must be a string`);
    expect(configErrorOf({ monitors: { backup: { schedule: '@daily', checkinMargin: '5' } } }).message).toBe(
      `${FILE}: monitors.backup.checkinMargin must be a whole number`,
    );
    expect(configErrorOf({ monitors: { backup: { schedule: '@daily', muted: 'yes' } } }).message).toBe(`${FILE}: monitors.backup.muted must be true or false`);
  });

  it("values outside Sentry's rules", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ schedule: '61 * * * *' }, 'monitors.backup.schedule "61 * * * *" is not a valid crontab'],
      [{ interval: '30 seconds' }, 'monitors.backup.interval "30 seconds" is not an interval'],
      [{ schedule: '@daily', interval: '1 day' }, 'monitors.backup.schedule and monitors.backup.interval cannot be used together'],
      [{ checkinMargin: 5 }, 'monitors.backup.checkinMargin needs monitors.backup.schedule or monitors.backup.interval'],
      [{ schedule: '@daily', checkinMargin: 2.5 }, 'monitors.backup.checkinMargin must be a whole number of minutes from 0 to 40320 (got 2.5)'],
      [{ schedule: '@daily', maxRuntime: 0 }, 'monitors.backup.maxRuntime must be a whole number of minutes from 1 to 10080 (got 0)'],
      [{ schedule: '@daily', failureThreshold: 721 }, 'monitors.backup.failureThreshold must be a whole number of check-ins from 1 to 720 (got 721)'],
      [{ schedule: '@daily', recoveryThreshold: -1 }, 'monitors.backup.recoveryThreshold must be a whole number of check-ins from 1 to 720 (got -1)'],
      [{ schedule: '@daily', timezone: 'europe/vienna' }, 'monitors.backup.timezone "europe/vienna" is not a tz database name'],
      [{ schedule: '@daily', owner: 'alice' }, 'monitors.backup.owner must be user:<id> or team:<id>'],
      [{ schedule: '@daily', timeout: 'forever' }, 'monitors.backup.timeout "forever" is not a duration'],
      [{ schedule: '@daily', killGrace: '0s' }, 'monitors.backup.killGrace "0s" is not a positive duration'],
      [{ schedule: '@daily', name: '' }, 'monitors.backup.name must be 1 to 128 characters'],
      [{ schedule: '@daily', name: 'n'.repeat(129) }, 'monitors.backup.name must be 1 to 128 characters'],
    ];
    for (const [monitor, message] of cases) {
      expect(configErrorOf({ monitors: { backup: monitor } }).message).toContain(`${FILE}: ${message}`);
    }
  });

  it('a monitor with only a timeout is fine (timeout needs no schedule)', () => {
    expect(validateConfig({ monitors: { backup: { timeout: '1h' } } }, FILE).monitors.backup).toEqual({ timeout: '1h' });
  });
});

describe('validateConfig properties', () => {
  const known = ['dsn', 'environment', 'org', 'project', 'url', 'monitors'];

  it('refuses any unknown top-level key and names it', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 20 }).filter((key) => !known.includes(key) && key !== '__proto__'),
        (key) => {
          expect(configErrorOf({ org: 'acme', [key]: 'x' }).message).toContain(`${FILE}: ${key} is not a known key`);
        },
      ),
    );
  });

  it('accepts any threshold 1..720 from a file and refuses any other integer', () => {
    fc.assert(
      fc.property(fc.integer({ min: -2000, max: 2000 }), (n) => {
        const raw = { monitors: { backup: { schedule: '@daily', failureThreshold: n } } };
        if (n >= 1 && n <= 720) expect(validateConfig(raw, FILE).monitors.backup?.failureThreshold).toBe(n);
        else expect(configErrorOf(raw).message).toContain('monitors.backup.failureThreshold');
      }),
    );
  });
});
