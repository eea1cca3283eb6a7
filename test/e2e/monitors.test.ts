import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';
import { makeTempDir } from '../support/temp-dirs.js';

// `cronmon upsert` and `cronmon monitors list` against the strict REST API of the test server.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

let counter = 0;
const uniqueSlug = () => `mon-${process.pid}-${++counter}`;
const apiEnv = (extra: Record<string, string | undefined> = {}) =>
  cronEnv({ SENTRY_URL: sentry.url, SENTRY_AUTH_TOKEN: sentry.token, SENTRY_ORG: sentry.org, SENTRY_PROJECT: 'backend', ...extra });
const monitor = (slug: string) => sentry.api.monitors().find((m) => m.slug === slug);
const lines = (text: string) => text.split('\n').filter((line) => line !== '');

describe('cronmon upsert', () => {
  it('creates a monitor, then updates it printing old → new, then leaves it unchanged', async () => {
    const slug = uniqueSlug();
    const created = await runCli(['upsert', '--slug', slug, '--schedule', '0 3 * * *', '--timezone', 'Europe/Vienna', '--name', 'Nightly backup'], {
      env: apiEnv(),
    });
    expect(created.code).toBe(0);
    expect(created.stdout.toString()).toMatch(new RegExp(`^${slug}: created \\(.*schedule 0 3 \\* \\* \\*.*\\)\\n$`));
    expect(monitor(slug)).toMatchObject({
      name: 'Nightly backup',
      project: { slug: 'backend' },
      config: { schedule_type: 'crontab', schedule: '0 3 * * *', timezone: 'Europe/Vienna' },
    });

    const updated = await runCli(
      ['upsert', '--slug', slug, '--schedule', '30 4 * * *', '--timezone', 'Europe/Vienna', '--name', 'Nightly backup', '--checkin-margin', '5'],
      { env: apiEnv() },
    );
    expect(updated.code).toBe(0);
    expect(updated.stdout.toString()).toContain(`${slug}: updated (`);
    expect(updated.stdout.toString()).toContain('0 3 * * * → 30 4 * * *');
    expect(monitor(slug)?.config).toMatchObject({ schedule: '30 4 * * *', checkin_margin: 5 });

    const again = await runCli(
      ['upsert', '--slug', slug, '--schedule', '30 4 * * *', '--timezone', 'Europe/Vienna', '--name', 'Nightly backup', '--checkin-margin', '5'],
      { env: apiEnv() },
    );
    expect(again.stdout.toString()).toBe(`${slug}: unchanged\n`);
  });

  it('mutes a monitor it creates (Sentry ignores isMuted on create)', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['upsert', '--slug', slug, '--interval', '10 minutes', '--muted'], { env: apiEnv() });
    expect(result.code).toBe(0);
    expect(monitor(slug)).toMatchObject({ isMuted: true, config: { schedule_type: 'interval', schedule: [10, 'minute'] } });
  });

  it('unmutes with --no-muted, printing the change', async () => {
    const slug = uniqueSlug();
    await runCli(['upsert', '--slug', slug, '--schedule', '@hourly', '--muted'], { env: apiEnv() });
    const result = await runCli(['upsert', '--slug', slug, '--schedule', '@hourly', '--no-muted'], { env: apiEnv() });
    expect(result.stdout.toString()).toBe(`${slug}: updated (muted: true → false)\n`);
    expect(monitor(slug)?.isMuted).toBe(false);
  });

  it('--dry-run shows the plan and changes nothing', async () => {
    const slug = uniqueSlug();
    const before = sentry.api.monitors().length;
    const result = await runCli(['upsert', '--slug', slug, '--schedule', '@daily', '--dry-run'], { env: apiEnv() });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(new RegExp(`^${slug}: would be created`));
    expect(sentry.api.monitors().length).toBe(before);
  });

  it('--json prints the monitors as the API returned them', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['upsert', '--slug', slug, '--schedule', '@hourly', '--json'], { env: apiEnv() });
    const printed = JSON.parse(result.stdout.toString()) as { slug: string; config: { schedule: string } }[];
    expect(printed).toMatchObject([{ slug, config: { schedule: '0 * * * *' } }]);
  });

  it('applies every monitor of the config file (monitors as code)', async () => {
    const dir = makeTempDir('cronmon-mac-');
    const [a, b] = [uniqueSlug(), uniqueSlug()];
    writeFileSync(
      join(dir, 'cronmon.config.json'),
      JSON.stringify({
        org: sentry.org,
        project: 'backend',
        monitors: {
          [a]: { schedule: '*/15 * * * *', maxRuntime: 10, name: 'Sync orders' },
          [b]: { interval: '2 hours', failureThreshold: 3, timeout: '90m' },
        },
      }),
    );
    const result = await runCli(['upsert'], { env: cronEnv({ SENTRY_URL: sentry.url, SENTRY_AUTH_TOKEN: sentry.token }), cwd: dir });
    expect(result.code).toBe(0);
    expect(lines(result.stdout.toString()).map((line) => line.split(':')[0])).toEqual([a, b]);
    expect(monitor(a)).toMatchObject({ name: 'Sync orders', config: { schedule: '*/15 * * * *', max_runtime: 10 } });
    expect(monitor(b)).toMatchObject({ config: { schedule: [2, 'hour'], failure_issue_threshold: 3 } });
  });

  it('takes token, org and project from ~/.sentryclirc as sentry-cli does', async () => {
    const home = makeTempDir('cronmon-rc-');
    writeFileSync(join(home, '.sentryclirc'), `[auth]\ntoken=${sentry.token}\n\n[defaults]\nurl=${sentry.url}\norg=${sentry.org}\nproject=backend\n`);
    const slug = uniqueSlug();
    const result = await runCli(['upsert', '--slug', slug, '--schedule', '@weekly'], {
      env: { PATH: process.env.PATH, HOME: home, CRONMON_CACHE_DIR: join(home, 'cache') },
      cwd: home,
    });
    expect(result.code).toBe(0);
    expect(monitor(slug)?.config.schedule).toBe('0 0 * * 0');
  });

  it('--via checkin sends an ok check-in carrying the config, and says Sentry records it as a run', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['upsert', '--slug', slug, '--schedule', '@daily', '--via', 'checkin'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain('Sentry records this as a successful run');
    expect(sentry.checkIns(slug).map((c) => [c.status, c.monitorConfig])).toEqual([['ok', { schedule: { type: 'crontab', value: '0 0 * * *' } }]]);
  });

  it('without a token, says exactly what is missing and where to set it (exit 2)', async () => {
    const result = await runCli(['upsert', '--slug', 'x', '--schedule', '@daily'], { env: apiEnv({ SENTRY_AUTH_TOKEN: undefined }) });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^cronmon: .*auth token.*--auth-token.*SENTRY_AUTH_TOKEN.*\.sentryclirc.*--via checkin/);
  });

  it('without an org, says so (exit 2)', async () => {
    const result = await runCli(['monitors', 'list'], { env: apiEnv({ SENTRY_ORG: undefined }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cronmon: .*org.*--org.*SENTRY_ORG/);
  });

  it('validates every field before any request (exit 2)', async () => {
    const before = sentry.api.requests.length;
    for (const args of [
      ['--schedule', '61 * * * *'],
      ['--schedule', '@daily', '--max-runtime', '20000'],
      ['--interval', '3 fortnights'],
      ['--name', 'x'.repeat(129), '--schedule', '@daily'],
    ]) {
      const result = await runCli(['upsert', '--slug', 'valid', ...args], { env: apiEnv() });
      expect(result.code, args.join(' ')).toBe(2);
      expect(lines(result.stderr)).toHaveLength(1);
    }
    expect(sentry.api.requests.length).toBe(before);
  });

  it('refuses a malformed config file naming the file, the key and the rule (exit 2)', async () => {
    const dir = makeTempDir('cronmon-bad-');
    writeFileSync(join(dir, 'cronmon.config.json'), JSON.stringify({ monitors: { nightly: { schedule: '@daily', checkinMargin: 'soon' } } }));
    const result = await runCli(['upsert'], { env: apiEnv(), cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(join(dir, 'cronmon.config.json'));
    expect(result.stderr).toContain('checkinMargin');
  });

  it.each([
    ['a bad token', () => apiEnv({ SENTRY_AUTH_TOKEN: 'sntrys_wrong' }), /401/],
    ['an unknown organization', () => apiEnv({ SENTRY_ORG: 'nope' }), /404/],
  ])('turns %s into one line and exit 1, never printing the token', async (_, env, status) => {
    const result = await runCli(['upsert', '--slug', 'x', '--schedule', '@daily'], { env: env() });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(status);
    expect(result.stderr).not.toContain(sentry.token);
  });

  it.each([
    [400, '{"config":{"schedule":["Schedule is invalid"]}}', /400.*Schedule is invalid/],
    [403, '{"detail":"You do not have permission to perform this action."}', /403.*permission/],
    [429, '{"detail":"Request was throttled."}', /429/],
    [500, 'oops', /500/],
  ])('turns an API %i into one line and exit 1', async (status, body, reason) => {
    sentry.api.setFault({ status, body });
    try {
      const result = await runCli(['upsert', '--slug', uniqueSlug(), '--schedule', '@daily'], { env: apiEnv() });
      expect(result.code).toBe(1);
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(reason);
    } finally {
      sentry.api.setFault(undefined);
    }
  });
});

describe('cronmon monitors list', () => {
  it('lists every page as a table and as JSON, and filters by project', async () => {
    sentry.api.seed(230, 'frontend');
    const before = sentry.api.requests.length;
    const table = await runCli(['monitors', 'list'], { env: apiEnv({ SENTRY_PROJECT: undefined }) });
    expect(table.code).toBe(0);
    const rows = lines(table.stdout.toString());
    expect(rows[0]).toMatch(/^SLUG\s+NAME\s+SCHEDULE\s+STATUS\s+ENVIRONMENTS$/);
    expect(rows.length - 1).toBe(sentry.api.monitors().length);
    expect(rows.filter((row) => row.startsWith('seeded-')).length).toBe(230);
    // Organization details (region), then at least three pages of 100.
    expect(sentry.api.requests.length - before).toBeGreaterThanOrEqual(4);

    const json = await runCli(['monitors', 'list', '--json', '--project', 'frontend'], { env: apiEnv() });
    const monitors = JSON.parse(json.stdout.toString()) as { slug: string; project: { slug: string } }[];
    expect(monitors).toHaveLength(sentry.api.monitors().filter((m) => m.project.slug === 'frontend').length);
    expect(new Set(monitors.map((m) => m.project.slug))).toEqual(new Set(['frontend']));
  });

  it("follows the organization's region URL, as Sentry's own CLI does", async () => {
    const region = await startSentryServer({ token: sentry.token });
    const main = await startSentryServer({ token: sentry.token, regionUrl: region.url });
    try {
      const env = cronEnv({ SENTRY_URL: main.url, SENTRY_AUTH_TOKEN: sentry.token, SENTRY_ORG: sentry.org, SENTRY_PROJECT: 'backend' });
      const slug = uniqueSlug();
      expect((await runCli(['upsert', '--slug', slug, '--schedule', '@daily'], { env })).code).toBe(0);
      expect(region.api.monitors().map((m) => m.slug)).toEqual([slug]);
      expect(main.api.monitors()).toEqual([]);
      const list = await runCli(['monitors', 'list', '--json'], { env });
      expect((JSON.parse(list.stdout.toString()) as { slug: string }[]).map((m) => m.slug)).toEqual([slug]);
      expect(main.api.requests.map((r) => r.path)).toEqual(['/api/0/organizations/acme/', '/api/0/organizations/acme/']);
    } finally {
      await Promise.all([region.close(), main.close()]);
    }
  });

  it('colours environments by health only when colour is wanted', async () => {
    const slug = uniqueSlug();
    await runCli(['upsert', '--slug', slug, '--schedule', '@daily'], { env: apiEnv() });
    const esc = String.fromCharCode(27);
    const forced = await runCli(['monitors', 'list'], { env: apiEnv({ FORCE_COLOR: '1' }) });
    expect(forced.stdout.toString()).toContain(`${esc}[`);
    const noColor = await runCli(['monitors', 'list'], { env: apiEnv({ FORCE_COLOR: '1', NO_COLOR: '1' }) });
    expect(noColor.stdout.toString()).not.toContain(esc);
    const piped = await runCli(['monitors', 'list'], { env: apiEnv() });
    expect(piped.stdout.toString()).not.toContain(esc);
  });

  it('turns a bad token into one line and exit 1', async () => {
    const result = await runCli(['monitors', 'list'], { env: apiEnv({ SENTRY_AUTH_TOKEN: 'sntrys_wrong' }) });
    expect(result.code).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).not.toContain('sntrys_wrong');
  });
});

describe('the config file and exec', () => {
  it('gives exec the schedule of its monitor, and stays off when absent', async () => {
    const dir = makeTempDir('cronmon-exec-');
    mkdirSync(join(dir, 'sub'));
    const slug = uniqueSlug();
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'x', cronmon: { dsn: sentry.dsn, monitors: { [slug]: { schedule: '@hourly', timezone: 'UTC' } } } }),
    );
    const result = await runCli(['exec', '--slug', slug, '--', 'true'], { env: cronEnv(), cwd: join(dir, 'sub') });
    expect(result.code).toBe(0);
    expect(sentry.checkIns(slug)[0]?.monitorConfig).toEqual({ schedule: { type: 'crontab', value: '0 * * * *' }, timezone: 'UTC' });
  });
});
