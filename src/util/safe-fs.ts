import {
  accessSync,
  closeSync,
  constants,
  fchmodSync,
  fchownSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statfsSync,
  statSync,
  unlinkSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

// File access for paths another user may have prepared: a symlink planted where cronmon writes,
// a FIFO or device named like a file it reads, a directory on /proc. Each helper here either
// does what it says on a plain file in a plain directory, or fails: it never writes through a
// symlink, never blocks, and never loops.

const { O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK, O_RDONLY, O_WRONLY } = constants;

export interface AtomicWriteOptions {
  // The file's permissions (exactly: the umask does not apply).
  mode: number;
  // Give the file this owner (to keep the one of the file it replaces).
  owner?: { uid: number; gid: number } | undefined;
  // fsync before the rename: the new content is on disk before the old is gone.
  durable?: boolean | undefined;
  // Name the temp file `.<name>.<pid>.tmp`: programs that read every file of a directory but
  // hidden ones (cron in /etc/cron.d) never see it half-written.
  hiddenTemp?: boolean | undefined;
}

/**
 * Replaces `file` with `data`: a temp file is created beside it (see writeTempFile), written, and
 * renamed over it. Readers see the old file or the new one, never a part; when anything fails
 * (a full disk, a write limit), the old file is untouched and the temp file is removed.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions): void {
  const temp = options.hiddenTemp ? join(dirname(file), `.${basename(file)}.${process.pid}.tmp`) : `${file}.${process.pid}.tmp`;
  writeTempFile(temp, data, options);
  try {
    renameSync(temp, file);
  } catch (error) {
    tryUnlink(temp);
    throw error;
  }
}

/**
 * Creates the temp file `path` (a name of this process's own) and writes `data` to it. O_EXCL
 * fails on anything already there, a symlink included, which is never followed (O_NOFOLLOW says
 * so again). Something left there (a run that crashed with the same pid, or a planted symlink)
 * is removed, not followed, and creation is tried once more. On failure nothing is left there.
 */
export function writeTempFile(path: string, data: string | Uint8Array, options: AtomicWriteOptions): void {
  const flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
  let fd: number;
  try {
    fd = openSync(path, flags, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    unlinkSync(path);
    fd = openSync(path, flags, 0o600);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
    const { owner } = options;
    if (owner) {
      const now = fstatSync(fd);
      if (now.uid !== owner.uid || now.gid !== owner.gid) fchownSync(fd, owner.uid, owner.gid);
    }
    // After the chown, which clears set-id bits.
    fchmodSync(fd, options.mode);
    if (options.durable) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    tryUnlink(path);
    throw error;
  }
  closeSync(fd);
}

export interface CheckedRead {
  stats: Stats;
  // The content, only for a regular file of at most maxBytes.
  text: string | undefined;
}

/**
 * Reads a file only when it is a regular file. A FIFO or device named like the file is not
 * opened, and the file is opened non-blocking and checked again on the descriptor, so one put
 * there in between cannot block either. With `follow: false` a symlink is not followed (it is
 * returned as what it is). Errors (ENOENT…) are thrown as fs throws them.
 */
export function readIfRegular(path: string, options: { follow: boolean; maxBytes?: number }): CheckedRead {
  const before = options.follow ? statSync(path) : lstatSync(path);
  if (!before.isFile()) return { stats: before, text: undefined };
  const fd = openSync(path, O_RDONLY | O_NONBLOCK | (options.follow ? 0 : O_NOFOLLOW));
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > (options.maxBytes ?? Infinity)) return { stats, text: undefined };
    return { stats, text: readFileSync(fd, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

/** "a FIFO", "a directory"…: what a path is when it is not the regular file expected. */
export function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

// Where there are no user ids (Windows), ownership cannot be checked and is not.
const currentUid = (): number | undefined => process.getuid?.();

export const isOwnedByCurrentUser = (stats: Stats): boolean => {
  const uid = currentUid();
  return uid === undefined || stats.uid === uid;
};

export const isWritableByOthers = (stats: Stats): boolean => (stats.mode & 0o022) !== 0;

/** A directory only the current user can change: theirs, and not writable by group or others. */
export function isPrivateDir(dir: string): boolean {
  try {
    const stats = statSync(dir);
    return stats.isDirectory() && isOwnedByCurrentUser(stats) && !isWritableByOthers(stats);
  } catch {
    return false;
  }
}

/** Whether the current user can create files in `dir` (write and search permission). */
export function isWritableDir(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The text of a small state file that only the current user can have written: in a private
 * directory, theirs, not writable by others, not a symlink. Undefined otherwise, or when absent.
 */
export function readPrivateFile(file: string, maxBytes = 1 << 20): string | undefined {
  if (!isPrivateDir(dirname(file))) return undefined;
  try {
    const { stats, text } = readIfRegular(file, { follow: false, maxBytes });
    return isOwnedByCurrentUser(stats) && !isWritableByOthers(stats) ? text : undefined;
  } catch {
    return undefined;
  }
}

// Kernel interfaces that look like directories. Writing there changes the system, and Node's
// recursive mkdir retries forever where /proc answers ENOENT (100% CPU, deaf to SIGTERM).
const KERNEL_FILESYSTEMS = new Map<number, string>([
  [0x9fa0, 'procfs'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroupfs'],
  [0x63677270, 'cgroup2fs'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x62656570, 'configfs'],
  [0xcafe4a11, 'bpffs'],
  [0x6165676c, 'pstorefs'],
  [0xde5e81e4, 'efivarfs'],
]);

/** The kernel filesystem (procfs, sysfs…) that `path` or its nearest existing parent is on, if any. */
export function kernelFilesystemOf(path: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    return KERNEL_FILESYSTEMS.get(statfsSync(nearestExisting(resolve(path))).type);
  } catch {
    return undefined;
  }
}

/**
 * `mkdir -p` with `mode` for each directory it creates, one level at a time (see above), and
 * never on a kernel filesystem.
 */
export function makeDirs(dir: string, mode: number): void {
  const target = resolve(dir);
  const existing = nearestExisting(target);
  if (existing === target) return;
  const kernel = kernelFilesystemOf(existing);
  if (kernel) throw Object.assign(new Error(`${dir} is on ${kernel}, a kernel filesystem`), { code: 'EKERNELFS' });
  const missing: string[] = [];
  for (let path = target; path !== existing; path = dirname(path)) missing.unshift(path);
  for (const path of missing) {
    try {
      mkdirSync(path, { mode });
    } catch (error) {
      // Made by a concurrent run in the meantime.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !statSync(path).isDirectory()) throw error;
    }
  }
}

/** `path` itself if it exists, else its nearest parent that does (`/` at the end). */
export function nearestExisting(path: string): string {
  for (let current = path; ; current = dirname(current)) {
    if (statSync(current, { throwIfNoEntry: false }) !== undefined || dirname(current) === current) return current;
  }
}

function tryUnlink(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}
