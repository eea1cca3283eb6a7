import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// A crontab schedule is sent with the zone cron runs it in, or Sentry reads it in UTC and
// reports runs on a host in another zone as missed.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

let counter = 0;
async function zoneSent(env: Record<string, string>, flags: string[] = [], cwd?: string) {
  const slug = `zone-${process.pid}-${++counter}`;
  const result = await runCli(['exec', '--slug', slug, ...flags, '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn, ...env }), ...(cwd ? { cwd } : {}) });
  expect(result.code).toBe(0);
  expect(sentry.rejected()).toEqual([]);
  return sentry.checkIns().find((c) => c.slug === slug)?.monitorConfig?.timezone;
}

describe('the time zone of a crontab schedule', () => {
  const schedule = ['--schedule', '30 2 * * *'];

  it('is TZ, as cron gives it to the job', async () => {
    expect(await zoneSent({ TZ: 'Europe/Vienna' }, schedule)).toBe('Europe/Vienna');
  });

  it('is CRON_TZ before TZ', async () => {
    expect(await zoneSent({ CRON_TZ: 'America/Chicago', TZ: 'Europe/Vienna' }, schedule)).toBe('America/Chicago');
  });

  it('is --timezone before anything else, and the config file before the environment', async () => {
    expect(await zoneSent({ CRON_TZ: 'America/Chicago' }, [...schedule, '--timezone', 'Asia/Tokyo'])).toBe('Asia/Tokyo');
    const env = cronEnv();
    const project = join(env.HOME ?? '', 'project');
    mkdirSync(project);
    const slug = `zone-${process.pid}-file`;
    writeFileSync(join(project, '.cronmonrc.json'), JSON.stringify({ monitors: { [slug]: { schedule: '@daily', timezone: 'Africa/Nairobi' } } }));
    const result = await runCli(['exec', '--slug', slug, '--', 'true'], { env: { ...env, SENTRY_DSN: sentry.dsn, CRON_TZ: 'America/Chicago' }, cwd: project });
    expect(result.code).toBe(0);
    expect(sentry.checkIns().find((c) => c.slug === slug)?.monitorConfig?.timezone).toBe('Africa/Nairobi');
  });

  it('is the system zone without TZ or CRON_TZ', async () => {
    expect(await zoneSent({}, schedule)).toEqual(expect.any(String));
  });

  it('is not sent with an interval schedule', async () => {
    expect(await zoneSent({ TZ: 'Europe/Vienna' }, ['--interval', '10 minutes'])).toBeUndefined();
  });

  it('is shown by --dry-run and -v', async () => {
    const env = cronEnv({ CRON_TZ: 'America/Chicago' });
    const dry = await runCli(['exec', '--dry-run', '--dsn', 'http://k1234@127.0.0.1:9/1', '--slug', 's', ...schedule, '--', 'true'], { env });
    expect(dry.stderr).toContain('cronmon: schedule "30 2 * * *" is sent in time zone America/Chicago (CRON_TZ), as cron runs it\n');
    const verbose = await runCli(['exec', '-v', '--slug', 's', ...schedule, '--', 'true'], { env: { ...env, SENTRY_DSN: sentry.dsn } });
    expect(verbose.stderr).toContain('time zone America/Chicago (CRON_TZ)');
  });
});
