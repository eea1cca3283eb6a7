import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';
import { makeTempDir } from '../support/temp-dirs.js';

let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

let counter = 0;
const uniqueSlug = () => `beat-${process.pid}-${++counter}`;

describe('cronmon heartbeat', () => {
  it('sends one ok check-in, prints nothing and exits 0', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['heartbeat', '--slug', slug], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout.toString()).toBe('');
    expect(sentry.checkIns(slug).map((c) => [c.status, c.environment, c.duration])).toEqual([['ok', 'production', undefined]]);
  });

  it('brackets a section of a script: in_progress prints the id, and the close reuses it', async () => {
    const slug = uniqueSlug();
    const env = cronEnv({ SENTRY_DSN: sentry.dsn, CRON_TZ: 'America/New_York', TZ: 'Europe/Vienna' });
    const open = await runCli(['heartbeat', '--slug', slug, '--status', 'in_progress', '--schedule', '@hourly'], { env });
    expect(open.code).toBe(0);
    const id = open.stdout.toString().trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const close = await runCli(['heartbeat', '--slug', slug, '--status', 'error', '--duration', '12.5', '--check-in-id', id], { env });
    expect(close.code).toBe(0);
    expect(sentry.checkIns(slug).map((c) => [c.status, c.checkInId, c.duration])).toEqual([
      ['in_progress', id, undefined],
      ['error', id, 12.5],
    ]);
    expect(sentry.checkIns(slug)[0]?.monitorConfig).toEqual({ schedule: { type: 'crontab', value: '0 * * * *' }, timezone: 'America/New_York' });
    expect(sentry.rejected()).toEqual([]);
  });

  it('accepts a dashed check-in id and sends it as 32 hex digits', async () => {
    const slug = uniqueSlug();
    await runCli(['heartbeat', '--slug', slug, '--check-in-id', 'A460C25F-F255-4577-B920-FCFACAE4E5EB'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(sentry.checkIns(slug)[0]?.checkInId).toBe('a460c25ff2554577b920fcfacae4e5eb');
  });

  it('prints the check-in as JSON with --json', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['heartbeat', '--slug', slug, '-e', 'qa', '--json'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(JSON.parse(result.stdout.toString())).toEqual({
      check_in_id: sentry.checkIns(slug)[0]?.checkInId,
      slug,
      environment: 'qa',
      status: 'ok',
      delivered: true,
    });
  });

  it("picks up the monitor's schedule from the config file", async () => {
    const slug = uniqueSlug();
    const dir = makeTempDir('cronmon-beat-');
    writeFileSync(
      join(dir, '.cronmonrc.yaml'),
      `dsn: ${sentry.dsn}\nenvironment: staging\nmonitors:\n  ${slug}:\n    interval: 5 minutes\n    checkinMargin: 2\n`,
    );
    const result = await runCli(['heartbeat', '--slug', slug], { env: cronEnv(), cwd: dir });
    expect(result.code).toBe(0);
    expect(sentry.checkIns(slug).map((c) => [c.environment, c.monitorConfig])).toEqual([
      ['staging', { schedule: { type: 'interval', value: 5, unit: 'minute' }, checkin_margin: 2 }],
    ]);
  });

  it('exits 1 with one line when Sentry refuses it, without the key', async () => {
    sentry.setFault(() => ({ kind: 'status', status: 500 }));
    try {
      const result = await runCli(['heartbeat', '--slug', 'refused'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(result.stderr).toMatch(/^cronmon: .*refused.*500/);
      expect(result.stderr).not.toContain(sentry.key);
    } finally {
      sentry.setFault(undefined);
    }
  });

  it('warns when one monitor is pinged faster than Sentry keeps', async () => {
    const slug = uniqueSlug();
    const env = cronEnv({ SENTRY_DSN: sentry.dsn });
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await runCli(['heartbeat', '--slug', slug], { env }));
    expect(results.slice(0, 6).map((r) => r.stderr)).toEqual(Array<string>(6).fill(''));
    expect(results[6]?.stderr).toMatch(/^cronmon: warning: 7 check-ins for .* in the last minute; Sentry keeps 6 per minute/);
    expect(results[6]?.code).toBe(0);
  });

  it.each([
    [['--slug', 'x', '--status', 'missed'], '--status'],
    [['--slug', 'x', '--duration', 'long'], '--duration'],
    [['--slug', 'x', '--check-in-id', 'nope'], '--check-in-id'],
    [['--status', 'ok'], '--slug'],
  ])('exits 2 on bad usage: %j', async (args, flag) => {
    const result = await runCli(['heartbeat', ...args], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(flag);
  });

  it('exits 2 when no DSN is set, saying where to set one', async () => {
    const result = await runCli(['heartbeat', '--slug', 'x'], { env: cronEnv() });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('cronmon: no DSN: set --dsn, SENTRY_DSN, dsn in the config file, or [auth] dsn in .sentryclirc\n');
  });
});
