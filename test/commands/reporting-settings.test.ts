import { describe, expect, it } from 'vitest';
import { pick } from '../../src/config/sourced.js';
import { mergeMonitorInput, resolveReporting } from '../../src/commands/reporting-settings.js';
import { rejectionOf } from '../support/errors.js';
import { tempProject, type TempProject } from '../config/temp-project.js';

const FLAG_DSN = 'https://1111@flag.example.com/1';
const ENV_DSN = 'https://2222@env.example.com/2';
const FILE_DSN = 'https://3333@file.example.com/3';

function withConfig(t: TempProject, extra: Record<string, unknown> = {}): string {
  return t.write('project/cronmon.config.json', {
    dsn: FILE_DSN,
    environment: 'file-env',
    monitors: {
      'nightly-backup': { schedule: '0 3 * * *', timezone: 'Europe/Vienna', checkinMargin: 5, maxRuntime: 60, timeout: '2h' },
      hourly: { interval: '1 hour' },
    },
    ...extra,
  });
}

describe('resolveReporting: DSN and environment precedence (flag > environment > config file > default)', () => {
  it('a flag beats the environment and the config file', async () => {
    const t = tempProject();
    withConfig(t);
    const settings = await resolveReporting(
      { slug: 'nightly-backup', dsn: FLAG_DSN, environment: 'flag-env' },
      t.env({ SENTRY_DSN: ENV_DSN, SENTRY_ENVIRONMENT: 'env-env' }),
      false,
      t.project,
    );
    expect(settings.dsn?.raw).toBe(FLAG_DSN);
    expect(settings.dsn?.source).toBe('--dsn');
    expect(settings.dsn?.parsed.ok).toBe(true);
    expect(settings.environment).toBe('flag-env');
  });

  it('the environment beats the config file', async () => {
    const t = tempProject();
    withConfig(t);
    const settings = await resolveReporting({ slug: 'nightly-backup' }, t.env({ SENTRY_DSN: ENV_DSN, SENTRY_ENVIRONMENT: 'env-env' }), false, t.project);
    expect(settings.dsn).toMatchObject({ raw: ENV_DSN, source: 'SENTRY_DSN' });
    expect(settings.environment).toBe('env-env');
  });

  it('the config file beats the default', async () => {
    const t = tempProject();
    const file = withConfig(t);
    const settings = await resolveReporting({ slug: 'nightly-backup' }, t.env(), false, t.project);
    expect(settings.dsn).toMatchObject({ raw: FILE_DSN, source: `${file} (dsn)` });
    expect(settings.environment).toBe('file-env');
    expect(settings.config?.file).toBe(file);
  });

  it('defaults: no DSN, environment production', async () => {
    const t = tempProject();
    const settings = await resolveReporting({ slug: 'nightly-backup' }, t.env(), false, t.project);
    expect(settings.dsn).toBeUndefined();
    expect(settings.environment).toBe('production');
    expect(settings.config).toBeUndefined();
    expect(settings.monitorConfig).toBeUndefined();
  });

  it('empty values count as unset', async () => {
    const t = tempProject();
    withConfig(t);
    const settings = await resolveReporting(
      { slug: 'nightly-backup', dsn: '', environment: '' },
      t.env({ SENTRY_DSN: '', SENTRY_ENVIRONMENT: '' }),
      false,
      t.project,
    );
    expect(settings.dsn?.raw).toBe(FILE_DSN);
    expect(settings.environment).toBe('file-env');
  });

  it('.sentryclirc holds no DSN or environment for check-ins', async () => {
    const t = tempProject();
    t.write('home/.sentryclirc', '[defaults]\nurl = https://rc.example.com/\norg = acme\n');
    const settings = await resolveReporting({ slug: 'job' }, t.env(), false, t.project);
    expect(settings.dsn).toBeUndefined();
    expect(settings.environment).toBe('production');
  });

  it('keeps an invalid DSN with its source, parsed as invalid (the job still runs)', async () => {
    const t = tempProject();
    const settings = await resolveReporting({ slug: 'job' }, t.env({ SENTRY_DSN: 'not a dsn' }), false, t.project);
    expect(settings.dsn).toMatchObject({ raw: 'not a dsn', source: 'SENTRY_DSN', parsed: { ok: false } });
  });

  it('refuses an invalid environment, naming where it came from', async () => {
    const t = tempProject();
    const fromEnv = await rejectionOf(resolveReporting({ slug: 'job' }, t.env({ SENTRY_ENVIRONMENT: 'prod/eu' }), false, t.project));
    expect(fromEnv.exitCode).toBe(2);
    expect(fromEnv.message).toBe('SENTRY_ENVIRONMENT "prod/eu" must not contain "/", line breaks or form feeds');
    const fromFlag = await rejectionOf(resolveReporting({ slug: 'job', environment: 'e'.repeat(65) }, t.env(), false, t.project));
    expect(fromFlag.message).toBe('--environment must be at most 64 characters (got 65)');
  });
});

describe('resolveReporting: slug', () => {
  it('takes --slug over CRONMON_SLUG and normalises it', async () => {
    const t = tempProject();
    expect((await resolveReporting({ slug: 'Nightly Backup' }, t.env({ CRONMON_SLUG: 'other' }), false, t.project)).slug).toBe('nightly-backup');
    expect((await resolveReporting({}, t.env({ CRONMON_SLUG: 'From Env' }), false, t.project)).slug).toBe('from-env');
  });

  it('requires a slug, naming --slug', async () => {
    const t = tempProject();
    const error = await rejectionOf(resolveReporting({}, t.env(), false, t.project));
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/^--slug is required/);
  });

  it('names CRONMON_SLUG when that is where an unusable slug came from', async () => {
    const t = tempProject();
    const error = await rejectionOf(resolveReporting({}, t.env({ CRONMON_SLUG: '!!!' }), false, t.project));
    expect(error.message).toMatch(/^CRONMON_SLUG "!!!" has no letters or digits/);
  });
});

describe('resolveReporting: the monitor from the config file', () => {
  it('picks up the schedule and settings of the monitor named by the slug', async () => {
    const t = tempProject();
    withConfig(t);
    const settings = await resolveReporting({ slug: 'nightly-backup' }, t.env(), false, t.project);
    expect(settings.monitorConfig).toEqual({
      schedule: { type: 'crontab', value: '0 3 * * *' },
      checkin_margin: 5,
      max_runtime: 60,
      timezone: 'Europe/Vienna',
    });
    expect(settings.monitorEntry?.timeout).toBe('2h');
  });

  it('finds the monitor by the normalised slug', async () => {
    const t = tempProject();
    withConfig(t);
    const settings = await resolveReporting({ slug: 'Nightly Backup' }, t.env(), false, t.project);
    expect(settings.slug).toBe('nightly-backup');
    expect(settings.monitorConfig?.schedule).toEqual({ type: 'crontab', value: '0 3 * * *' });
  });

  it('picks up an interval monitor from YAML found upwards from a subdirectory', async () => {
    const t = tempProject();
    t.write('project/.cronmonrc.yaml', 'monitors:\n  hourly:\n    interval: 2 hours\n    failureThreshold: 3\n');
    const settings = await resolveReporting({ slug: 'hourly' }, t.env(), false, `${t.project}/bin`);
    expect(settings.monitorConfig).toEqual({ schedule: { type: 'interval', value: 2, unit: 'hour' }, failure_issue_threshold: 3 });
  });

  it('has no monitor config for a slug the file does not declare', async () => {
    const t = tempProject();
    withConfig(t);
    for (const slug of ['other-job', 'constructor']) {
      const settings = await resolveReporting({ slug }, t.env(), false, t.project);
      expect(settings.monitorConfig).toBeUndefined();
      expect(settings.monitorEntry).toBeUndefined();
    }
  });

  it('flags override single fields, and a flag schedule replaces the file schedule as a whole', async () => {
    const t = tempProject();
    withConfig(t);
    const overridden = await resolveReporting({ slug: 'nightly-backup', checkinMargin: '10', timezone: 'UTC' }, t.env(), false, t.project);
    expect(overridden.monitorConfig).toEqual({ schedule: { type: 'crontab', value: '0 3 * * *' }, checkin_margin: 10, max_runtime: 60, timezone: 'UTC' });
    // The file has an interval for "hourly"; --schedule must not meet it as "both given".
    const replaced = await resolveReporting({ slug: 'hourly', schedule: '*/5 * * * *' }, t.env(), false, t.project);
    expect(replaced.monitorConfig?.schedule).toEqual({ type: 'crontab', value: '*/5 * * * *' });
  });

  it('a dependent flag needs a schedule from somewhere', async () => {
    const t = tempProject();
    withConfig(t);
    const error = await rejectionOf(resolveReporting({ slug: 'not-in-file', maxRuntime: '5' }, t.env(), false, t.project));
    expect(error.message).toBe('--max-runtime needs --schedule or --interval');
    const fromFile = await resolveReporting({ slug: 'hourly', maxRuntime: '5' }, t.env(), false, t.project);
    expect(fromFile.monitorConfig).toEqual({ schedule: { type: 'interval', value: 1, unit: 'hour' }, max_runtime: 5 });
  });

  it('--schedule with --interval is refused even when the file has a schedule', async () => {
    const t = tempProject();
    withConfig(t);
    const error = await rejectionOf(resolveReporting({ slug: 'nightly-backup', schedule: '@daily', interval: '1 day' }, t.env(), false, t.project));
    expect(error.message).toBe('--schedule and --interval cannot be used together: choose one');
  });

  it('uses --config, then CRONMON_CONFIG, over the searched file', async () => {
    const t = tempProject();
    withConfig(t);
    const a = t.write('a.yaml', 'environment: from-a\n');
    const b = t.write('b.yaml', 'environment: from-b\n');
    expect((await resolveReporting({ slug: 'x', config: a }, t.env({ CRONMON_CONFIG: b }), false, t.project)).environment).toBe('from-a');
    expect((await resolveReporting({ slug: 'x' }, t.env({ CRONMON_CONFIG: b }), false, t.project)).environment).toBe('from-b');
  });

  it('refuses a broken config file before anything runs (exit 2, naming file, key and rule)', async () => {
    const t = tempProject();
    const file = t.write('project/cronmon.config.json', { monitors: { 'nightly-backup': { schedule: '0 3 * * *', failureThreshold: 0 } } });
    const error = await rejectionOf(resolveReporting({ slug: 'other' }, t.env(), false, t.project));
    expect(error.code).toBe('config');
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe(`${file}: monitors.nightly-backup.failureThreshold must be a whole number of check-ins from 1 to 720 (got 0)`);
  });

  it('says when an explicit config file is missing', async () => {
    const t = tempProject();
    const error = await rejectionOf(resolveReporting({ slug: 'x' }, t.env({ CRONMON_CONFIG: 'nope.yaml' }), false, t.project));
    expect(error.exitCode).toBe(2);
    expect(error.message).toBe('cannot read config file nope.yaml: no such file');
  });
});

describe('pick', () => {
  it('returns the first non-empty candidate with its source', () => {
    expect(pick([undefined, 'a'], ['', 'b'], ['x', 'c'], ['y', 'd'])).toEqual({ value: 'x', source: 'c' });
    expect(pick([undefined, 'a'], ['', 'b'])).toBeUndefined();
    expect(pick()).toBeUndefined();
  });
});

describe('mergeMonitorInput', () => {
  it('returns the flags when there is no entry', () => {
    const flags = { schedule: '@daily' };
    expect(mergeMonitorInput(flags, undefined)).toBe(flags);
  });

  it('falls back field by field, but takes the schedule pair from one place', () => {
    const entry = { interval: '1 hour', timezone: 'UTC', owner: 'team:1', checkinMargin: 5 };
    expect(mergeMonitorInput({ owner: 'user:2' }, entry)).toEqual({
      schedule: undefined,
      interval: '1 hour',
      timezone: 'UTC',
      checkinMargin: 5,
      maxRuntime: undefined,
      failureThreshold: undefined,
      recoveryThreshold: undefined,
      owner: 'user:2',
    });
    expect(mergeMonitorInput({ schedule: '@daily' }, entry)).toMatchObject({ schedule: '@daily', interval: undefined, timezone: 'UTC' });
  });
});
