import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { cacheKey, writeStateFile } from '../util/paths.js';

// Quiet outages. cron mails whatever a run prints, so a Sentry outage would send a mail for
// every run of every job until it ends. A failed delivery is said on the first run that fails
// (per DSN host), the following failing runs stay silent, and the first run that gets through
// again says so once: one mail when it starts, one when it is over.
export interface OutageState {
  // Epoch ms of the first failing run.
  since: number;
  failedRuns: number;
}

export interface OutageStep {
  // The line to print (unless --quiet; --verbose prints every failure).
  say?: string;
  next?: OutageState;
}

export function outageStep(previous: OutageState | undefined, failure: string | undefined, nowMs: number): OutageStep {
  if (failure !== undefined) {
    return previous === undefined
      ? { say: failure, next: { since: nowMs, failedRuns: 1 } }
      : { next: { since: previous.since, failedRuns: previous.failedRuns + 1 } };
  }
  if (previous === undefined) return {};
  const runs = previous.failedRuns === 1 ? '1 run' : `${previous.failedRuns} runs`;
  return { say: `reports reach Sentry again; ${runs} since ${new Date(previous.since).toISOString()} could not be reported` };
}

export function outageFile(cacheDir: string, host: string): string {
  return join(cacheDir, 'outages', `${cacheKey(host)}.json`);
}

export function loadOutage(file: string): OutageState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<OutageState> | null;
    const { since, failedRuns } = parsed ?? {};
    return typeof since === 'number' && typeof failedRuns === 'number' && failedRuns >= 1 ? { since, failedRuns } : undefined;
  } catch {
    return undefined;
  }
}

export function saveOutage(file: string, state: OutageState | undefined): void {
  if (state !== undefined) writeStateFile(file, state);
  else {
    // unlink, not rmSync: Node loads its recursive removal for rmSync (about 1 ms of every run).
    try {
      unlinkSync(file);
    } catch {
      // No file (no outage to forget), or a read-only cache: the next run says "again" once
      // more, nothing worse.
    }
  }
}
