import { homedir } from 'node:os';
import { join } from 'node:path';

// Where cronmon keeps small state between runs (rate-limit deadlines). CRONMON_CACHE_DIR wins,
// then the platform's user cache directory.
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CRONMON_CACHE_DIR) return env.CRONMON_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'cronmon');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'cronmon');
  return join(homedir(), '.cache', 'cronmon');
}
