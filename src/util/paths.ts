import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { isPrivateDir, makeDirs, readPrivateFile, writeFileAtomic } from './safe-fs.js';

// Where cronmon keeps small state between runs (rate-limit deadlines). CRONMON_CACHE_DIR wins,
// then the platform's user cache directory.
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CRONMON_CACHE_DIR) return env.CRONMON_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'cronmon');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'cronmon');
  return join(homedir(), '.cache', 'cronmon');
}

// State files steer what cronmon sends (a rate limit can silence a monitor), so they are kept
// only in a directory private to the user: created 0700, and one that another user can write
// (a shared CRONMON_CACHE_DIR, a group-writable directory) is neither read nor written.

/**
 * Writes a small JSON state file for the next run, atomically (concurrent runs share it); false
 * when it cannot: a read-only home must never fail a run.
 */
export function writeStateFile(file: string, value: unknown): boolean {
  try {
    makeDirs(dirname(file), 0o700);
    if (!isPrivateDir(dirname(file))) return false;
    writeFileAtomic(file, JSON.stringify(value), { mode: 0o600 });
    return true;
  } catch {
    return false;
  }
}

/** A state file's parsed JSON; undefined when absent, unreadable, or not private (see above). */
export function readStateFile(file: string): unknown {
  const text = readPrivateFile(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A short name for a state file, derived from text that may hold a secret (a DSN key): 64-bit
 * FNV-1a, which cannot give back a 128-bit key. Not node:crypto, whose loading alone costs about
 * 4 ms of every cron run.
 */
export function cacheKey(text: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash.toString(16).padStart(16, '0');
}
