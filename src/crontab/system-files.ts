// Finding and reading system crontabs: /etc/crontab and the files of /etc/cron.d, or the files
// and directories named instead, skipping what cron itself skips.

import { readdirSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { usageError } from '../util/errors.js';
import { kindOf, readIfRegular } from '../util/safe-fs.js';

export const SYSTEM_CRONTAB = '/etc/crontab';
export const SYSTEM_CRON_DIR = '/etc/cron.d';

export interface SystemCrontab {
  path: string;
  text: string;
  stats: Stats;
}

export interface IgnoredFile {
  path: string;
  reason: string;
}

export interface SystemCrontabs {
  files: SystemCrontab[];
  ignored: IgnoredFile[];
}

const CRONIE_SKIPS = /^[.#]|~$|\.rpm(?:save|orig|new)$/;
const DEBIAN_READS = /^[A-Za-z0-9_-]+$/;

/**
 * Why cron does not read a file of this name in /etc/cron.d, or undefined when it does. cronie
 * skips hidden names, `#…`, `…~` and rpm's leftovers; Debian's and Ubuntu's cron read only names
 * made of letters, digits, `_` and `-` (run-parts' rule), so `job.sh`, `job.dpkg-old` or
 * `job.swp` are skipped there too. Both rules apply: such a file is left alone everywhere.
 */
export function ignoredName(name: string): string | undefined {
  if (CRONIE_SKIPS.test(name)) return 'cron skips hidden, backup and editor files (names starting with . or #, or ending in ~, .rpmsave, .rpmorig, .rpmnew)';
  if (!DEBIAN_READS.test(name)) return "Debian's and Ubuntu's cron skip names with characters other than letters, digits, _ and - (such as a dot)";
  return undefined;
}

/**
 * Why cron may refuse a system crontab with these owner and mode bits (cronie and Debian's cron
 * read one owned by root, writable by nobody else, not executable, unless told to accept any:
 * cronie's -p).
 */
export function refusedByCron(stats: Stats): string | undefined {
  if (process.getuid === undefined) return undefined;
  if (stats.uid !== 0) return 'it is not owned by root';
  if ((stats.mode & 0o7533) !== 0o400)
    return `its mode ${(stats.mode & 0o7777).toString(8).padStart(4, '0')} is not 0644 or stricter (not executable, writable only by root)`;
  return undefined;
}

const errnoOf = (error: unknown): string | undefined => (error as NodeJS.ErrnoException).code;
const ERRNO_TEXTS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENOTDIR: 'not a directory',
};
const cannotRead = (path: string, error: unknown) => usageError(`cannot read ${path}: ${ERRNO_TEXTS[errnoOf(error) ?? ''] ?? (error as Error).message}`);

/**
 * Reads the system crontabs: `paths` (files, or directories read as cron reads /etc/cron.d), by
 * default /etc/crontab and /etc/cron.d, either of which may be missing. A file in a directory
 * named `cron.d` (listed, or named one by one as a shell glob does) is skipped when cron would
 * skip its name; so is anything but a regular file (followed through symlinks, as cron does),
 * and a file already read under another name. Unreadable files are usage errors.
 */
export function readSystemCrontabs(paths: readonly string[] | undefined): SystemCrontabs {
  const result: SystemCrontabs = { files: [], ignored: [] };
  const seen = new Map<string, string>();
  const add = (path: string, listed: boolean) => {
    const nameRule = listed || basename(dirname(path)) === 'cron.d' ? ignoredName(basename(path)) : undefined;
    if (nameRule !== undefined) return result.ignored.push({ path, reason: nameRule });
    let read: ReturnType<typeof readIfRegular>;
    try {
      read = readIfRegular(path, { follow: true });
    } catch (error) {
      if (listed && errnoOf(error) === 'ENOENT') return result.ignored.push({ path, reason: 'a symbolic link to nothing' });
      throw cannotRead(path, error);
    }
    if (read.text === undefined) {
      if (!listed) throw usageError(`${path} is ${kindOf(read.stats)}, not a crontab file`);
      return result.ignored.push({ path, reason: `${kindOf(read.stats)}, not a crontab file` });
    }
    const id = `${read.stats.dev}:${read.stats.ino}`;
    const first = seen.get(id);
    if (first !== undefined) return result.ignored.push({ path, reason: `the same file as ${first}` });
    seen.set(id, path);
    return result.files.push({ path, text: read.text, stats: read.stats });
  };

  for (const path of paths ?? [SYSTEM_CRONTAB, SYSTEM_CRON_DIR]) {
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch (error) {
      const code = errnoOf(error);
      if (code === 'ENOTDIR') {
        add(path, false);
        continue;
      }
      if (paths === undefined && code === 'ENOENT') continue;
      throw cannotRead(path, error);
    }
    for (const name of names) add(join(path, name), true);
  }
  return result;
}
