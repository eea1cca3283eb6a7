import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Log } from '../../src/log.js';
import { runMonitoredJob, type MonitoredJobOptions } from '../../src/run/monitored-job.js';

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
