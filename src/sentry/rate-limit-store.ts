import { join } from 'node:path';
import { cacheKey, readStateFile, writeStateFile } from '../util/paths.js';
import type { Dsn } from './dsn.js';
import { activeRateLimits, type RateLimits } from './rate-limits.js';

// One small JSON file per DSN, so that a limit Sentry announced to one run is honoured by the
// next (every cronmon run is a fresh process). The file name is a hash: no key on disk.
export function rateLimitFile(dir: string, dsn: Dsn): string {
  const id = `${dsn.protocol}://${dsn.publicKey}@${dsn.host}:${dsn.port}/${dsn.path}/${dsn.projectId}`;
  return join(dir, 'rate-limits', `${cacheKey(id)}.json`);
}

export function loadRateLimits(file: string, nowMs: number): RateLimits {
  try {
    const parsed: unknown = readStateFile(file);
    if (typeof parsed !== 'object' || parsed === null) return {};
    const limits: RateLimits = {};
    for (const [category, deadline] of Object.entries(parsed)) {
      if (typeof deadline === 'number') limits[category] = deadline;
    }
    return activeRateLimits(limits, nowMs);
  } catch {
    return {};
  }
}

export function saveRateLimits(file: string, limits: RateLimits): boolean {
  return writeStateFile(file, limits);
}
