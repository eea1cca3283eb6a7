import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, cronEnv, runCli, startCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';
import { makeTempDir } from '../support/temp-dirs.js';

let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

let counter = 0;
const uniqueSlug = () => `timeout-${process.pid}-${++counter}`;
const scratch = () => makeTempDir('cronmon-timeout-');

// Alive and not a zombie waiting to be reaped (a container's init may reap late).
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

describe('exec --timeout', () => {
  it('kills a job that ignores SIGTERM, and the grandchild it started, and exits 124', async () => {
    const slug = uniqueSlug();
    const pids = join(scratch(), 'pids');
    const result = await runCli(['exec', '--slug', slug, '--timeout', '1s', '--kill-grace', '1s', '--', join(JOBS, 'stubborn.sh'), pids], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    expect(result.code).toBe(124);
    expect(result.stdout.toString()).toBe('ready\n');
    expect(result.stderr).toBe(`cronmon: ${slug} timed out after 1s (killed with SIGKILL after the grace period); exit 124\n`);
    // Generous bound: timeout 1 s + grace 1 s; the bench measures it precisely.
    expect(result.ms).toBeLessThan(10_000);
    const [child, grandchild] = readFileSync(pids, 'utf8').trim().split(' ').map(Number);
    expect(running(child ?? 0)).toBe(false);
    expect(running(grandchild ?? 0)).toBe(false);

    const checkIns = sentry.checkIns(slug);
    expect(checkIns.map((c) => c.status)).toEqual(['in_progress', 'error']);
    expect(checkIns[1]?.duration).toBeGreaterThanOrEqual(1);
    const event = sentry.events().find((e) => (e.event.contexts as { monitor?: { slug?: string } }).monitor?.slug === slug);
    expect((event?.event.logentry as { formatted: string }).formatted).toBe(`${slug} timed out after 1s (killed with SIGKILL after the grace period)`);
    expect(event?.attachments[0]?.data.toString()).toBe('ready\n');
  });

  it('stops at SIGTERM when the job obeys it, without waiting out the grace', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--timeout', '500ms', '--kill-grace', '1m', '--', 'sleep', '60'], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    expect(result.code).toBe(124);
    expect(result.stderr).toBe(`cronmon: ${slug} timed out after 500ms; exit 124\n`);
    expect(result.ms).toBeLessThan(30_000);
  });

  it('leaves a job that finishes in time alone', async () => {
    const result = await runCli(['exec', '--slug', uniqueSlug(), '--timeout', '1m', '--', 'sh', '-c', 'exit 3'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('');
  });

  it('takes the timeout from the config file', async () => {
    const dir = scratch();
    const slug = uniqueSlug();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'cronmon.config.json'), JSON.stringify({ monitors: { [slug]: { timeout: '300ms', killGrace: '1s' } } }));
    const result = await runCli(['exec', '--slug', slug, '--', 'sleep', '60'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }), cwd: dir });
    expect(result.code).toBe(124);
  });

  it.each([
    ['--timeout', 'soon'],
    ['--kill-grace', '-1s'],
  ])('refuses %s %s before the job runs', async (flag, value) => {
    const marker = join(scratch(), 'ran');
    const result = await runCli(['exec', '--slug', 'x', flag, value, '--', 'touch', marker]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(flag);
    expect(existsSync(marker)).toBe(false);
  });
});

describe('the job in its own process group', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('still gets %s forwarded, grandchildren included', async (signal) => {
    const report = join(scratch(), 'report');
    const run = startCli(['exec', '--slug', uniqueSlug(), '--', process.execPath, join(JOBS, 'family.mjs'), report], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    await run.waitForStdout('ready');
    run.child.kill(signal);
    const result = await run.result;
    expect(result.code).toBe(0);
    expect(readFileSync(report, 'utf8')).toBe(`grandchild got ${signal.slice(3)}\n`);
  });
});
