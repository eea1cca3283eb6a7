import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Log } from '../../src/util/log.js';
import { runMonitoredJob, type MonitoredJobOptions, type RunHooks } from '../../src/run/monitored-job.js';
import type { Deadline } from '../../src/sentry/deadline.js';
import type { Delivery, Reporter } from '../../src/sentry/reporter.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function options(overrides: Partial<MonitoredJobOptions>): MonitoredJobOptions {
  const cacheDir = mkdtempSync(join(tmpdir(), 'cronmon-job-'));
  dirs.push(cacheDir);
  const log: Log = { error() {}, warn() {}, notice() {}, debug() {}, print() {}, verbose: false, quiet: false };
  return {
    command: ['sh', '-c', 'exit 3'],
    slug: 'unit',
    environment: 'production',
    logOn: 'never',
    tailBytes: 0,
    sendTimeoutMs: 1000,
    killGraceMs: 1000,
    ownProcessGroup: true,
    dryRun: false,
    cacheDir,
    log,
    ...overrides,
  };
}

describe('runMonitoredJob', () => {
  it("keeps the job's exit code when reporting fails in an unexpected way", async () => {
    const errors: string[] = [];
    const log: Log = {
      error: (message) => errors.push(message),
      warn() {},
      notice() {},
      debug() {},
      // The dry-run reporter prints each envelope: make that blow up.
      print: () => {
        throw new Error('broken stderr');
      },
      verbose: false,
      quiet: false,
    };
    const code = await runMonitoredJob(options({ dryRun: true, log }));
    expect(code).toBe(3);
    expect(errors).toEqual(['internal error, the run may not be reported (the job was not affected): broken stderr']);
  });
});

// A sender that records what it was given, and answers as Sentry would have.
function recording(outcome: Delivery['outcome'] = 'sent') {
  const sent: { label: string; categories: readonly string[]; body: string; deadline: Deadline }[] = [];
  let finished = 0;
  const reporter: Reporter = {
    send: async (label, categories, envelope, deadline) => {
      sent.push({ label, categories, body: envelope.toString('utf8'), deadline });
      return { label, outcome };
    },
    finish: () => void finished++,
  };
  const exits: number[] = [];
  const hooks: RunHooks = { reporter: () => reporter, env: { PATH: process.env.PATH, FROM_TEST: 'yes' }, exit: (code) => void exits.push(code) };
  return { sent, hooks, exits, finished: () => finished };
}

const checkInOf = (body: string) => JSON.parse(body.split('\n')[2] ?? '{}') as Record<string, unknown>;

describe('runMonitoredJob with a recording sender', () => {
  it('opens and closes a run with one id, and sends no log on success', async () => {
    const rec = recording();
    const code = await runMonitoredJob(options({ command: ['sh', '-c', 'exit 0'], dsn: undefined }), rec.hooks);
    expect(code).toBe(0);
    expect(rec.sent.map((s) => s.label)).toEqual(['open check-in', 'close check-in']);
    const [open, close] = rec.sent.map((s) => checkInOf(s.body));
    expect(open).toMatchObject({ status: 'in_progress', monitor_slug: 'unit' });
    expect(close).toMatchObject({ status: 'ok', check_in_id: open?.check_in_id });
    expect(rec.finished()).toBe(1);
  });

  it('closes a failed run as error and sends its output tail, all within one deadline', async () => {
    const rec = recording();
    const code = await runMonitoredJob(options({ command: ['sh', '-c', 'echo last words; exit 3'], logOn: 'error', tailBytes: 1000 }), rec.hooks);
    expect(code).toBe(3);
    expect(rec.sent.map((s) => [s.label, s.categories])).toEqual([
      ['open check-in', ['monitor']],
      ['close check-in', ['monitor']],
      ['output log', ['error']],
    ]);
    expect(checkInOf(rec.sent[1]?.body ?? '')).toMatchObject({ status: 'error' });
    expect(rec.sent[2]?.body).toContain('last words');
    // The open (in flight at the job's end), the close and the log share one deadline.
    expect(new Set(rec.sent.map((s) => s.deadline)).size).toBe(1);
  });

  it("gives the job its environment, with the run's slug and ids", async () => {
    const rec = recording();
    const dir = mkdtempSync(join(tmpdir(), 'cronmon-job-env-'));
    dirs.push(dir);
    const out = join(dir, 'env');
    await runMonitoredJob(options({ command: ['sh', '-c', `env > "${out}"`] }), rec.hooks);
    const seen = readFileSync(out, 'utf8');
    expect(seen).toContain('FROM_TEST=yes\n');
    expect(seen).toContain('SENTRY_MONITOR_SLUG=unit\n');
    expect(seen).toContain(`CRONMON_CHECK_IN_ID=${String(checkInOf(rec.sent[0]?.body ?? '').check_in_id)}\n`);
  });

  it('says in one line when the reports did not get through, and keeps the exit code', async () => {
    const rec = recording('failed');
    const errors: string[] = [];
    const log: Log = { error: (m) => errors.push(m), warn() {}, notice() {}, debug() {}, print() {}, verbose: false, quiet: false };
    const code = await runMonitoredJob(options({ command: ['sh', '-c', 'exit 5'], log, logOn: 'error', tailBytes: 100 }), rec.hooks);
    expect(code).toBe(5);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^Sentry did not get this run's report .*open check-in, close check-in and output log/);
  });
});
