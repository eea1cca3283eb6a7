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
const sentryCliFlags = [
  '-s',
  '0 3 * * *',
  '--check-in-margin',
  '5',
  '--max-runtime',
  '30',
  '--timezone',
  'Europe/Vienna',
  '--failure-issue-threshold',
  '2',
  '--recovery-threshold',
  '3',
  '-e',
  'staging',
];
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
    expect(sentry.checkIns(slug)[0]).toMatchObject({ environment: 'staging', monitorConfig: expectedConfig });
  });

  it('cronmon monitors run [options] <slug> -- <command…> is sentry-cli monitors run', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['monitors', 'run', ...sentryCliFlags, slug, '--', 'sh', '-c', 'echo out; exit 3'], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    expect(result.code).toBe(3);
    expect(result.stdout.toString()).toBe('out\n');
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
    expect(sentry.checkIns(slug)[0]).toMatchObject({ environment: 'staging', monitorConfig: expectedConfig });
    expect(sentry.rejected()).toEqual([]);
  });

  it('monitors run without `--` runs the words after the slug', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['monitors', 'run', slug, 'sh', '-c', 'exit 0'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(0);
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'ok']);
  });
});

describe('.sentryclirc', () => {
  it('[auth] dsn is read after SENTRY_DSN and the config file', async () => {
    const env = cronEnv();
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const home = env.HOME ?? '';
    writeFileSync(join(home, '.sentryclirc'), `[auth]\ndsn = ${sentry.dsn}\n`, { mode: 0o600 });
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', 'true'], { env });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'ok']);
    // SENTRY_DSN wins: here an unreachable one, so nothing arrives.
    const project = join(home, 'project');
    mkdirSync(project);
    const other = uniqueSlug();
    const overridden = await runCli(['exec', '--slug', other, '--send-timeout', '1s', '--', 'true'], {
      env: { ...env, SENTRY_DSN: `http://${sentry.key}@127.0.0.1:9/42` },
      cwd: project,
    });
    expect(overridden.stderr).toMatch(/connection refused by 127\.0\.0\.1:9/);
    expect(sentry.checkIns(other)).toEqual([]);
  });
});
