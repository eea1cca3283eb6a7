import { join } from 'node:path';
import { cacheKey, readStateFile, writeStateFile } from '../util/paths.js';

// Sentry drops check-ins beyond SENTRY_CHECK_INS_PER_MINUTE (src/monitor/check-in-limits.ts)
// after answering 2xx. Each heartbeat is a fresh process, so the recent check-ins of a monitor
// are remembered in a small file to warn before that happens.
const WINDOW_MS = 60_000;

export function pingHistoryFile(dir: string, scope: string): string {
  return join(dir, 'pings', `${cacheKey(scope)}.json`);
}

// Records one check-in now and returns how many were sent in the last minute, this one included.
export function recordPing(file: string, nowMs: number): number {
  let times: number[] = [];
  try {
    const parsed: unknown = readStateFile(file);
    if (Array.isArray(parsed)) times = parsed.filter((t): t is number => typeof t === 'number' && t > nowMs - WINDOW_MS);
  } catch {
    // No history yet, or unreadable: start afresh.
  }
  times.push(nowMs);
  // Best effort: the warning is a courtesy, never a reason to fail.
  writeStateFile(file, times);
  return times.length;
}
