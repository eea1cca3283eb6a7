import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// Moving over from sentry-cli is replacing `sentry-cli` with `cronmon` in a crontab.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

let counter = 0;
const uniqueSlug = () => `habit-${process.pid}-${++counter}`;
const forSlug = (slug: string) => sentry.checkIns().filter((c) => c.slug === slug);
const sentryCliFlags = ['-s', '0 3 * * *', '--check-in-margin', '5', '--max-runtime', '30', '--timezone', 'Europe/Vienna',
  '--failure-issue-threshold', '2', '--recovery-threshold', '3', '-e', 'staging'];
const expectedConfig = {
  schedule: { type: 'crontab', value: '0 3 * * *' },
  checkin_margin: 5,
  max_runtime: 30,
  timezone: 'Europe/Vienna',
  failure_issue_threshold: 2,
  recovery_threshold: 3,
};

describe("sentry-cli's spellings", () => {
  it('exec takes -s, --check-in-margin and --failure-issue-threshold', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, ...sentryCliFlags, '--', 'sh', '-c', 'exit 0'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(0);
    expect(forSlug(slug)[0]).toMatchObject({ environment: 'staging', monitorConfig: expectedConfig });
  });

  it('cronmon monitors run [options] <slug> -- <command…> is sentry-cli monitors run', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['monitors', 'run', ...sentryCliFlags, slug, '--', 'sh', '-c', 'echo out; exit 3'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(3);
    expect(result.stdout.toString()).toBe('out\n');
    expect(forSlug(slug).map((c) => c.status)).toEqual(['in_progress', 'error']);
    expect(forSlug(slug)[0]).toMatchObject({ environment: 'staging', monitorConfig: expectedConfig });
    expect(sentry.rejected()).toEqual([]);
  });

  it('monitors run without `--` runs the words after the slug', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['monitors', 'run', slug, 'sh', '-c', 'exit 0'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(0);
    expect(forSlug(slug).map((c) => c.status)).toEqual(['in_progress', 'ok']);
  });
});
