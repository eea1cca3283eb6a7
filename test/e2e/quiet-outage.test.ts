import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// cron mails what a run prints: one mail when an outage starts, one when it ends.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

describe('a Sentry outage under cron', () => {
  it('is said on its first failing run, then not until reports get through again', async () => {
    const env = cronEnv({ SENTRY_DSN: sentry.dsn });
    const run = async (...flags: string[]) => {
      const result = await runCli(['exec', '--slug', 'outage', ...flags, '--', 'sh', '-c', 'exit 0'], { env });
      expect(result.code).toBe(0);
      return result.stderr;
    };
    expect(await run()).toBe('');
    sentry.setFault(() => ({ kind: 'status', status: 503 }));
    try {
      expect(await run()).toMatch(/^cronmon: Sentry did not get this run's report .*answered 503: test fault 503\n$/);
      expect(await run()).toBe('');
      expect(await run('-q')).toBe('');
      expect(await run('-v')).toMatch(/^cronmon: Sentry did not get this run's report .*answered 503: test fault 503$/m);
    } finally {
      sentry.setFault(undefined);
    }
    expect(await run()).toMatch(/^cronmon: reports reach Sentry again; 4 runs since \S+ could not be reported\n$/);
    expect(await run()).toBe('');
  });

  it('-q says nothing about failed deliveries at all', async () => {
    sentry.setFault(() => ({ kind: 'reset' }));
    try {
      const result = await runCli(['exec', '-q', '--slug', 'outage-quiet', '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
      expect(result).toMatchObject({ code: 0, stderr: '' });
    } finally {
      sentry.setFault(undefined);
    }
  });
});
