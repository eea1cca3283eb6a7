import { lstatSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { isWritableByOthers, kindOf, readIfRegular } from '../util/safe-fs.js';

// Config files (cronmon's own, .sentryclirc) are found by searching upwards from the working
// directory, so one may be waiting in a directory the user does not control: a .cronmonrc.js
// in /tmp runs as whoever runs cronmon below it, and a .sentryclirc there sends their auth token
// to any server. A file found that way is read only when nobody but the user or root can have
// put it there: it is theirs or root's, and so is its directory, which nobody else can write
// (a sticky /tmp included). Otherwise it is skipped with one warning saying why. Only regular
// files count: a FIFO or device named like a config file would block cronmon.

export type Warn = (message: string) => void;

/**
 * The text of a config file found by searching, or undefined when there is none at `file` (or
 * a directory). A file that is not regular, or that someone else may have written, is also
 * undefined, after a warning naming it and the reason (`hint` says what to do instead).
 */
export function readFoundFile(file: string, kind: string, warn: Warn, hint = ''): string | undefined {
  try {
    const stats = statSync(file, { throwIfNoEntry: false });
    if (stats === undefined || stats.isDirectory()) return undefined;
    const why = stats.isFile() ? whyUntrusted(file, stats) : `it is ${kindOf(stats)}, not a regular file`;
    if (why !== undefined) {
      warn(`ignoring ${kind} ${file}: ${why}${stats.isFile() ? hint : ''}`);
      return undefined;
    }
    return readIfRegular(file, { follow: true }).text;
  } catch {
    // Unreadable, or a path through a file (ENOTDIR): as if there were none.
    return undefined;
  }
}

/** Why a regular file may have been written by someone other than the user or root. */
export function whyUntrusted(file: string, stats: Stats): string | undefined {
  if (!isTrustedOwner(stats.uid)) return `it belongs to another user (uid ${stats.uid}), and only your files and root's are read`;
  // The directory holding the name, and the one holding the file a symlink leads to.
  const dirs = new Set([dirname(file)]);
  if (lstatSync(file).isSymbolicLink()) dirs.add(dirname(realpathSync(file)));
  for (const dir of dirs) {
    const dirStats = statSync(dir);
    if (!isTrustedOwner(dirStats.uid)) return `${dir} belongs to another user (uid ${dirStats.uid}), who could have put it there`;
    if (isWritableByOthers(dirStats)) {
      return `${dir} can be written by other users (mode ${(dirStats.mode & 0o7777).toString(8)}), so anyone could have put it there`;
    }
  }
  return undefined;
}

// Where there are no user ids (Windows), ownership cannot be checked and is not.
function isTrustedOwner(uid: number): boolean {
  const current = process.getuid?.();
  return current === undefined || uid === current || uid === 0;
}
