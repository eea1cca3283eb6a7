import type { Lock } from './lock.js';
import { unlinkSync } from 'node:fs';
import { readIfRegular, writeFileAtomic } from '../util/safe-fs.js';
import { CronmonError } from '../util/errors.js';

// What every lock mechanism shares: who holds the lock (written to the lock file, told to a
// run that finds it busy), and releasing held locks however cronmon exits.

export interface HolderInfo {
  pid: number;
  started: string;
  slug: string;
  environment: string;
}

export type Attempt = { lock: Lock } | { lock?: undefined; holder: () => Promise<HolderInfo | undefined> };

// A lock file is one short line; anything larger is not one.
const MAX_INFO_BYTES = 4096;

// Held locks are released when cronmon exits, however it exits (process.exit included).
const held = new Set<() => void>();
const releaseAll = () => {
  for (const release of [...held]) release();
};

export function hold(file: string, free: () => void): Lock {
  const release = () => {
    if (!held.delete(release)) return;
    if (held.size === 0) process.off('exit', releaseAll);
    free();
  };
  if (held.size === 0) process.on('exit', releaseAll);
  held.add(release);
  return { file, release };
}

// Written to a temp file and renamed, so that a reader never sees half of it.
export function writeInfo(file: string, info: HolderInfo): boolean {
  try {
    writeFileAtomic(file, `${JSON.stringify(info)}\n`, { mode: 0o644 });
    return true;
  } catch {
    return false;
  }
}

// `--lock ./job.sh arg` (no `--`) would name the job as the lock file: never replace a file
// that is not one of ours. What is checked is what was read, from one open file: a holder may
// remove its file or put a new one in place at any moment, and neither is foreign.
export function refuseForeignFile(file: string): void {
  let read;
  try {
    read = readIfRegular(file, { follow: false, maxBytes: MAX_INFO_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    read = undefined;
  }
  if (read?.text !== undefined && (read.text === '' || parseInfo(read.text))) return;
  throw new CronmonError('usage', `--lock: ${file} exists and is not a cronmon lock file; give a new file name, or end cronmon's options with --`);
}

// Not followed if a symlink, and never blocking on a FIFO put in its place.
export function readInfo(file: string): HolderInfo | undefined {
  try {
    const { text } = readIfRegular(file, { follow: false, maxBytes: MAX_INFO_BYTES });
    return text === undefined ? undefined : parseInfo(text);
  } catch {
    return undefined;
  }
}

export function parseInfo(text: string): HolderInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<HolderInfo> | null;
    if (typeof value?.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0 || typeof value.started !== 'string') return undefined;
    return { pid: value.pid, started: value.started, slug: String(value.slug), environment: String(value.environment) };
  } catch {
    return undefined;
  }
}

export const sameHolder = (a: HolderInfo | undefined, b: HolderInfo | undefined): boolean =>
  a !== undefined && b !== undefined && a.pid === b.pid && a.started === b.started;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function tryUnlink(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}
