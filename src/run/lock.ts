import { createHash } from 'node:crypto';
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CronmonError } from '../util/errors.js';
import { formatDuration } from '../util/duration.js';
import { isOwnedByCurrentUser, kernelFilesystemOf, makeDirs } from '../util/safe-fs.js';
import { tryFile } from './lock-file.js';
import { refuseForeignFile, type Attempt, type HolderInfo } from './lock-holder.js';
import { fitsSocketPath, tryPrivateSocket, trySocket } from './lock-socket.js';
import { monotonicMs } from '../util/runtime.js';

// `cronmon exec --lock`: no two runs of one slug+environment overlap on this machine.
//
// The default lock is a Unix socket that the holder listens on, in a directory only the user can
// enter (the cache directory's locks/, mode 0700): no other user can take it, see it or block it.
// Not $XDG_RUNTIME_DIR: cron does not set it, and a run from a login shell and the same job from
// cron must find the same lock. A socket whose holder was killed stays behind as a file that
// nobody answers on; the next run replaces it (see tryPrivateSocket). A socket is put at its path
// only once it is listening, so a run that is still taking the lock never looks dead. The holder
// answers a connection with its {pid, started}, which is how a busy run learns whom it is
// waiting for.
// libuv opens sockets close-on-exec, so the job does not inherit it, and the server is
// unref()ed, so it never keeps cronmon alive.
//
// An explicit `--lock FILE` on Linux is an abstract-namespace socket named after the file's real
// path: the kernel frees the name the instant the holder dies, so no stale lock can exist. Such
// names carry no permissions, which is why the default lock does not use them. A FILE in a
// directory every user can write (without the sticky bit) is refused.
//
// The lock file holds the same {pid, started, slug, environment}, for humans only where a socket
// is the lock.
//
// Elsewhere (no Unix sockets, or a socket path too long) the lock file is the lock: it is
// created atomically with its content (link(2) of a written temp file, failing if it exists),
// and one whose pid is no longer alive is stale and moved aside. This is weaker: two runs that
// find the same stale file at the same moment can both take over, a reused pid keeps a stale
// lock, and a file on a network filesystem shared by machines is only as good as that
// filesystem's link(2).

export interface LockOptions {
  slug: string;
  environment: string;
  // How long to keep trying while another run holds the lock; 0 gives up at once.
  waitMs: number;
  // An explicit `--lock FILE`; undefined means the default file for slug+environment.
  file?: string | undefined;
  // cronmon's cache directory (src/util/paths.ts): the default file is in its locks/ otherwise.
  cacheDir: string;
  // For tests: force one mechanism. Default: 'private-socket' for the default lock, 'socket'
  // (abstract) for an explicit file on Linux, 'file' elsewhere.
  mechanism?: 'private-socket' | 'socket' | 'file' | undefined;
}

export interface Lock {
  readonly file: string;
  release(): void;
}

const POLL_MS = 100;

/** Takes the lock or throws CronmonError('lock-busy') once `waitMs` has passed. */
export async function acquireLock(options: LockOptions): Promise<Lock> {
  const file = options.file === undefined ? defaultLockFile(options) : resolve(options.file);
  const kernel = kernelFilesystemOf(file);
  if (kernel && options.file !== undefined)
    throw new CronmonError('usage', `--lock: ${file} is on ${kernel}, a kernel filesystem that cannot hold a lock file; name a file elsewhere`);
  if (!kernel) makeDir(dirname(file));
  // The default lock: a socket in the private directory, where no other user can take, see or
  // block it. Its name is a hash: socket paths are listed in /proc/net/unix, and have a short
  // length limit. Where that directory cannot be made at all (a cache directory on /proc, a
  // read-only home), the job still runs under the abstract socket named after the user. An
  // explicit file on Linux: the abstract socket named after its real path.
  const inPrivateDir = options.file === undefined && !kernel && requirePrivateDir(dirname(file));
  if (options.file !== undefined) refuseSharedDir(file);
  refuseForeignFile(file);
  const info: HolderInfo = { pid: process.pid, started: new Date().toISOString(), slug: options.slug, environment: options.environment };
  const lockId = options.file !== undefined ? `file:${realPathOf(file)}` : `default:${options.slug}@${options.environment}`;
  const privateSocket = join(dirname(file), `${sha256(lockId).slice(0, 16)}.sock`);
  const socketName = `\0cronmon-lock-${sha256(inPrivateDir || options.file !== undefined ? lockId : `default:${process.getuid?.() ?? ''}:${options.slug}@${options.environment}`)}`;
  let mechanism =
    options.mechanism ?? (inPrivateDir && fitsSocketPath(privateSocket) ? 'private-socket' : process.platform === 'linux' && !inPrivateDir ? 'socket' : 'file');
  const attempt = async (): Promise<Attempt> => {
    if (mechanism === 'private-socket') return tryPrivateSocket(privateSocket, file, info);
    if (mechanism === 'socket') {
      try {
        return await trySocket(socketName, file, info);
      } catch {
        // No abstract sockets here (a sandbox, an odd kernel): the same on every run, so every
        // run falls back alike.
        mechanism = 'file';
      }
    }
    return tryFile(file, info);
  };

  const deadline = monotonicMs() + options.waitMs;
  for (;;) {
    const result = await attempt();
    if (result.lock) return result.lock;
    const left = deadline - monotonicMs();
    if (left <= 0) throw busyError(options, await result.holder());
    // Jittered, so that many waiting runs do not retry in lockstep.
    await sleep(Math.min(left, POLL_MS + Math.random() * POLL_MS));
  }
}

/** `<cacheDir>/locks/<slug>@<env>.lock`. */
export function defaultLockFile(options: Pick<LockOptions, 'slug' | 'environment' | 'cacheDir'>): string {
  return join(options.cacheDir, 'locks', `${options.slug}@${fileSafe(options.environment)}.lock`);
}

// Slugs are already [a-z0-9_-]; an environment may hold anything but "/" and line breaks, so it
// is percent-encoded (one-to-one), or hashed when that would make the name too long.
function fileSafe(environment: string): string {
  const encoded = Array.from(Buffer.from(environment, 'utf8'), (byte) =>
    /[A-Za-z0-9_.-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
  return encoded.length <= 150 ? encoded : `sha256-${sha256(environment).slice(0, 32)}`;
}

function busyError(options: LockOptions, holder: HolderInfo | undefined): CronmonError {
  const who = holder ? ` (pid ${holder.pid}, since ${holder.started.replace(/\.\d+Z$/, 'Z')})` : '';
  const waited = options.waitMs > 0 ? ` after waiting ${formatDuration(options.waitMs)}` : '';
  return new CronmonError('lock-busy', `${options.slug} (${options.environment}) is already running${who}; not started${waited}`);
}

// The default lock's directory: only the user may enter it (made 0700), or no other user could
// be kept from taking the lock. False when it does not exist (it could not be made).
function requirePrivateDir(dir: string): boolean {
  let stats;
  try {
    stats = lstatSync(dir);
  } catch {
    return false;
  }
  if (stats.isDirectory() && isOwnedByCurrentUser(stats) && (stats.mode & 0o022) === 0) return true;
  const why = !stats.isDirectory()
    ? 'it is not a directory'
    : !isOwnedByCurrentUser(stats)
      ? `it belongs to another user (uid ${stats.uid})`
      : `other users can write it (mode ${(stats.mode & 0o7777).toString(8)})`;
  throw new CronmonError('usage', `--lock: the lock directory ${dir} is not private: ${why}; remove it or chmod 700 it, or name a lock file with --lock FILE`);
}

// `--lock FILE` in a directory anyone can write without the sticky bit: anyone could replace
// or remove the lock file, or put a symlink in its place.
function refuseSharedDir(file: string): void {
  let stats;
  try {
    stats = statSync(dirname(file));
  } catch {
    return;
  }
  if ((stats.mode & 0o002) !== 0 && (stats.mode & 0o1000) === 0) {
    throw new CronmonError(
      'usage',
      `--lock: ${dirname(file)} can be written by every user and has no sticky bit, so anyone could replace ${basename(file)}; name a file elsewhere`,
    );
  }
}

function makeDir(dir: string): void {
  try {
    makeDirs(dir, 0o700);
  } catch {
    // Reported by tryFile when the file is the lock; only informational otherwise.
  }
}

// The file may not exist yet: resolve its directory (symlinks, "..") and keep the name.
function realPathOf(file: string): string {
  try {
    return join(realpathSync(dirname(file)), basename(file));
  } catch {
    return file;
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
