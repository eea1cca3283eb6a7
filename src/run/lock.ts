import { createHash, randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CronmonError } from '../errors.js';
import { formatDuration } from '../config/duration.js';
import { isOwnedByCurrentUser, kernelFilesystemOf, makeDirs, readIfRegular, writeFileAtomic, writeTempFile } from '../safe-fs.js';

// `cronmon exec --lock`: no two runs of one slug+environment overlap on this machine.
//
// The default lock is a Unix socket that the holder listens on, in a directory only the user can
// enter (the cache directory's locks/, mode 0700): no other user can take it, see it or block it.
// Not $XDG_RUNTIME_DIR: cron does not set it, and a run from a login shell and the same job from
// cron must find the same lock. A socket whose holder was killed stays behind as a file that
// nobody answers on; the next run replaces it (see tryPrivateSocket). The holder answers a
// connection with its {pid, started}, which is how a busy run learns whom it is waiting for.
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
  // cronmon's cache directory (src/config/paths.ts): the default file is in its locks/ otherwise.
  cacheDir: string;
  // For tests: force one mechanism. Default: 'private-socket' for the default lock, 'socket'
  // (abstract) for an explicit file on Linux, 'file' elsewhere.
  mechanism?: 'private-socket' | 'socket' | 'file' | undefined;
}

export interface Lock {
  readonly file: string;
  release(): void;
}

interface HolderInfo {
  pid: number;
  started: string;
  slug: string;
  environment: string;
}

type Attempt = { lock: Lock } | { lock?: undefined; holder: () => Promise<HolderInfo | undefined> };

const POLL_MS = 100;
// sockaddr_un's sun_path: 108 bytes on Linux, 104 on macOS, the terminating NUL included.
const MAX_SOCKET_PATH = 104;
// A stale socket is being replaced by another run; its marker is abandoned after this long.
const RECOVERY_MS = 10_000;
// A lock file is one short line; anything larger is not one.
const MAX_INFO_BYTES = 4096;

/** Takes the lock or throws CronmonError('lock-busy') once `waitMs` has passed. */
export async function acquireLock(options: LockOptions): Promise<Lock> {
  const file = options.file === undefined ? defaultLockFile(options) : resolve(options.file);
  const kernel = options.file === undefined ? undefined : kernelFilesystemOf(file);
  if (kernel) throw new CronmonError('usage', `--lock: ${file} is on ${kernel}, a kernel filesystem that cannot hold a lock file; name a file elsewhere`);
  makeDir(dirname(file));
  if (options.file === undefined) requirePrivateDir(dirname(file));
  else refuseSharedDir(file);
  refuseForeignFile(file);
  const info: HolderInfo = { pid: process.pid, started: new Date().toISOString(), slug: options.slug, environment: options.environment };
  // The default lock: a socket in the private directory, where no other user can take, see or
  // block it. Its name is a hash: socket paths are listed in /proc/net/unix, and have a short
  // length limit. An explicit file on Linux: the abstract socket named after its real path.
  const lockId = options.file === undefined ? `default:${options.slug}@${options.environment}` : `file:${realPathOf(file)}`;
  const privateSocket = join(dirname(file), `${sha256(lockId).slice(0, 32)}.sock`);
  let mechanism = options.mechanism ?? (options.file === undefined ? (Buffer.byteLength(privateSocket) < MAX_SOCKET_PATH ? 'private-socket' : 'file') : process.platform === 'linux' ? 'socket' : 'file');
  const socketName = `\0cronmon-lock-${sha256(lockId)}`;
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

  const deadline = performance.now() + options.waitMs;
  for (;;) {
    const result = await attempt();
    if (result.lock) return result.lock;
    const left = deadline - performance.now();
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

// A server on `name` (an abstract name or a path) that tells whoever connects who holds the
// lock; undefined when the name is taken.
async function listenAsHolder(name: string, info: HolderInfo): Promise<Server | undefined> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.unref();
    socket.end(JSON.stringify(info));
  });
  server.unref();
  const listening = await new Promise<boolean>((resolvePromise, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolvePromise(false) : reject(error)));
    server.listen(name, () => resolvePromise(true));
  });
  if (!listening) return undefined;
  return server.unref().on('error', () => {});
}

async function trySocket(name: string, file: string, info: HolderInfo): Promise<Attempt> {
  const server = await listenAsHolder(name, info);
  if (!server) return { holder: () => askHolder(name) };
  const written = writeInfo(file, info);
  return {
    lock: hold(file, () => {
      if (written && sameHolder(readInfo(file), info)) tryUnlink(file);
      server.close();
    }),
  };
}

// The socket file outlives a holder that was killed: a socket nobody answers on is stale. Of
// several runs that find it so, the one that creates the recovery marker (mkdir is atomic)
// replaces it; the others count as busy and try again.
async function tryPrivateSocket(path: string, file: string, info: HolderInfo): Promise<Attempt> {
  const server = await listenAsHolder(path, info).catch((error: unknown) => {
    throw new CronmonError('usage', `--lock: cannot create the lock socket ${path}: ${(error as Error).message}`);
  });
  if (server) {
    const socketIno = inodeOf(path);
    const written = writeInfo(file, info);
    return {
      lock: hold(file, () => {
        if (written && sameHolder(readInfo(file), info)) tryUnlink(file);
        // Node removes the socket file on close, but not on process.exit(): only ours.
        if (socketIno !== undefined && inodeOf(path) === socketIno) tryUnlink(path);
        server.close();
      }),
    };
  }
  const busy: Attempt = { holder: () => askHolder(path) };
  if (await answers(path)) return busy;
  const marker = `${path}.recovering`;
  try {
    mkdirSync(marker, { mode: 0o700 });
  } catch {
    // Another run is replacing it, or died doing so long ago.
    const since = inodeAge(marker);
    if (since !== undefined && since > RECOVERY_MS) rmSync(marker, { recursive: true, force: true });
    return busy;
  }
  try {
    if (!(await answers(path))) tryUnlink(path);
    return await tryPrivateSocket(path, file, info);
  } finally {
    rmSync(marker, { recursive: true, force: true });
  }
}

// Whether a holder accepts connections on the socket.
function answers(path: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect(path);
    const done = (alive: boolean) => {
      socket.destroy();
      resolvePromise(alive);
    };
    socket.once('connect', () => done(true));
    socket.once('error', (error: NodeJS.ErrnoException) => done(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'));
  });
}

function inodeOf(path: string): number | undefined {
  try {
    return lstatSync(path).ino;
  } catch {
    return undefined;
  }
}

function inodeAge(path: string): number | undefined {
  try {
    return Date.now() - lstatSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

// The holder's {pid, started}, or undefined when it cannot say in time (it may just be exiting).
function askHolder(name: string): Promise<HolderInfo | undefined> {
  return new Promise((resolvePromise) => {
    const chunks: Buffer[] = [];
    const socket = connect(name);
    const done = (info?: HolderInfo) => {
      clearTimeout(timer);
      socket.destroy();
      resolvePromise(info);
    };
    const timer = setTimeout(() => done(), 2000);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => done(parseInfo(Buffer.concat(chunks).toString('utf8'))));
    socket.on('error', () => done());
  });
}

function tryFile(file: string, info: HolderInfo): Attempt {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeTempFile(temp, `${JSON.stringify(info)}\n`, { mode: 0o644 });
  } catch (error) {
    throw new CronmonError('usage', `--lock: cannot write the lock file ${file}: ${(error as Error).message}`);
  }
  try {
    for (let round = 0; round < 3; round++) {
      try {
        linkSync(temp, file);
        return {
          lock: hold(file, () => {
            if (sameHolder(readInfo(file), info)) tryUnlink(file);
          }),
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readInfo(file);
      if (holder && isAlive(holder.pid)) return { holder: () => Promise.resolve(holder) };
      // Stale: move it aside under a name of our own; of several runs doing this, one wins.
      const aside = `${temp}.stale`;
      try {
        renameSync(file, aside);
      } catch {
        continue;
      }
      const moved = readInfo(aside);
      if (moved && !sameHolder(moved, holder) && isAlive(moved.pid)) {
        // A live lock was created in between and we moved it: put it back, unless taken again.
        try {
          linkSync(aside, file);
        } catch {
          /* someone else holds it now */
        }
        tryUnlink(aside);
        return { holder: () => Promise.resolve(moved) };
      }
      tryUnlink(aside);
    }
    return { holder: () => Promise.resolve(readInfo(file)) };
  } finally {
    tryUnlink(temp);
  }
}

// Held locks are released when cronmon exits, however it exits (process.exit included).
const held = new Set<() => void>();
const releaseAll = () => {
  for (const release of [...held]) release();
};

function hold(file: string, free: () => void): Lock {
  const release = () => {
    if (!held.delete(release)) return;
    if (held.size === 0) process.off('exit', releaseAll);
    free();
  };
  if (held.size === 0) process.on('exit', releaseAll);
  held.add(release);
  return { file, release };
}

function busyError(options: LockOptions, holder: HolderInfo | undefined): CronmonError {
  const who = holder ? ` (pid ${holder.pid}, since ${holder.started.replace(/\.\d+Z$/, 'Z')})` : '';
  const waited = options.waitMs > 0 ? ` after waiting ${formatDuration(options.waitMs)}` : '';
  return new CronmonError('lock-busy', `${options.slug} (${options.environment}) is already running${who}; not started${waited}`);
}

// Written to a temp file and renamed, so that a reader never sees half of it.
function writeInfo(file: string, info: HolderInfo): boolean {
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
function refuseForeignFile(file: string): void {
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
function readInfo(file: string): HolderInfo | undefined {
  try {
    const { text } = readIfRegular(file, { follow: false, maxBytes: MAX_INFO_BYTES });
    return text === undefined ? undefined : parseInfo(text);
  } catch {
    return undefined;
  }
}

function parseInfo(text: string): HolderInfo | undefined {
  try {
    const value = JSON.parse(text) as Partial<HolderInfo> | null;
    if (typeof value?.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0 || typeof value.started !== 'string') return undefined;
    return { pid: value.pid, started: value.started, slug: String(value.slug), environment: String(value.environment) };
  } catch {
    return undefined;
  }
}

const sameHolder = (a: HolderInfo | undefined, b: HolderInfo | undefined): boolean =>
  a !== undefined && b !== undefined && a.pid === b.pid && a.started === b.started;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// The default lock's directory: only the user may enter it (made 0700), or no other user could
// be kept from taking the lock.
function requirePrivateDir(dir: string): void {
  let stats;
  try {
    stats = lstatSync(dir);
  } catch (error) {
    throw new CronmonError('usage', `--lock: cannot create the lock directory ${dir}: ${(error as Error).message}`);
  }
  if (stats.isDirectory() && isOwnedByCurrentUser(stats) && (stats.mode & 0o022) === 0) return;
  const why = !stats.isDirectory() ? 'it is not a directory' : !isOwnedByCurrentUser(stats) ? `it belongs to another user (uid ${stats.uid})` : `other users can write it (mode ${(stats.mode & 0o7777).toString(8)})`;
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
    throw new CronmonError('usage', `--lock: ${dirname(file)} can be written by every user and has no sticky bit, so anyone could replace ${basename(file)}; name a file elsewhere`);
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

function tryUnlink(file: string): boolean {
  try {
    unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}


const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
