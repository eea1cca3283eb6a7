import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, linkSync, realpathSync, renameSync, unlinkSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CronmonError } from '../errors.js';
import { formatDuration } from '../config/duration.js';
import { kernelFilesystemOf, makeDirs, readIfRegular, writeFileAtomic, writeTempFile } from '../safe-fs.js';

// `cronmon exec --lock`: no two runs of one slug+environment overlap on this machine.
//
// Linux: the lock is an abstract-namespace Unix socket that the holder listens on. The kernel
// frees the name the instant the holder dies (crash, SIGKILL, OOM), so no stale lock can exist;
// EADDRINUSE means busy. libuv opens sockets close-on-exec, so the job does not inherit it, and
// the server is unref()ed, so it never keeps cronmon alive. The holder answers a connection with
// its {pid, started}, which is how a busy run learns whom it is waiting for. Abstract names live
// per network namespace (one container = one "machine") and carry no permissions: another local
// user could squat a name and block a job, which a per-machine mutual-exclusion tool accepts.
// The name for the default lock comes from uid+slug+environment, not from the file's path, so a
// run from a login shell ($XDG_RUNTIME_DIR set) and one from cron (unset) still exclude each
// other; an explicit --lock FILE is named after the file's real path instead.
//
// The lock file holds the same {pid, started, slug, environment}, for humans only: on Linux it
// is never trusted for exclusion.
//
// Elsewhere (macOS, BSD) Node has no flock(2), so the lock file is the lock: it is created
// atomically with its content (link(2) of a written temp file, failing if it exists), and one
// whose pid is no longer alive is stale and moved aside. This is weaker: two runs that find the
// same stale file at the same moment can both take over, a reused pid keeps a stale lock, and a
// file on a network filesystem shared by machines is only as good as that filesystem's link(2).

export interface LockOptions {
  slug: string;
  environment: string;
  // How long to keep trying while another run holds the lock; 0 gives up at once.
  waitMs: number;
  // An explicit `--lock FILE`; undefined means the default file for slug+environment.
  file?: string | undefined;
  // $XDG_RUNTIME_DIR, preferred for the default file when set and writable.
  runtimeDir?: string | undefined;
  // cronmon's cache directory (src/config/paths.ts): the default file is in its locks/ otherwise.
  cacheDir: string;
  // For tests: force one mechanism. Default: 'socket' on Linux, 'file' elsewhere.
  mechanism?: 'socket' | 'file' | undefined;
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
// A lock file is one short line; anything larger is not one.
const MAX_INFO_BYTES = 4096;

/** Takes the lock or throws CronmonError('lock-busy') once `waitMs` has passed. */
export async function acquireLock(options: LockOptions): Promise<Lock> {
  const file = options.file === undefined ? defaultLockFile(options) : resolve(options.file);
  const kernel = options.file === undefined ? undefined : kernelFilesystemOf(file);
  if (kernel) throw new CronmonError('usage', `--lock: ${file} is on ${kernel}, a kernel filesystem that cannot hold a lock file; name a file elsewhere`);
  makeDir(dirname(file));
  refuseForeignFile(file);
  const info: HolderInfo = { pid: process.pid, started: new Date().toISOString(), slug: options.slug, environment: options.environment };
  let mechanism = options.mechanism ?? (process.platform === 'linux' ? 'socket' : 'file');
  const socketName = `\0cronmon-lock-${sha256(options.file === undefined ? `default:${userId()}:${options.slug}@${options.environment}` : `file:${realPathOf(file)}`)}`;
  const attempt = async (): Promise<Attempt> => {
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

/** `$XDG_RUNTIME_DIR/cronmon/<slug>@<env>.lock`, or `<cacheDir>/locks/<slug>@<env>.lock`. */
export function defaultLockFile(options: Pick<LockOptions, 'slug' | 'environment' | 'runtimeDir' | 'cacheDir'>): string {
  const name = `${options.slug}@${fileSafe(options.environment)}.lock`;
  const { runtimeDir } = options;
  if (runtimeDir && runtimeDir.startsWith('/') && isWritable(runtimeDir) && !kernelFilesystemOf(runtimeDir)) return join(runtimeDir, 'cronmon', name);
  return join(options.cacheDir, 'locks', name);
}

// Slugs are already [a-z0-9_-]; an environment may hold anything but "/" and line breaks, so it
// is percent-encoded (one-to-one), or hashed when that would make the name too long.
function fileSafe(environment: string): string {
  const encoded = Array.from(Buffer.from(environment, 'utf8'), (byte) =>
    /[A-Za-z0-9_.-]/.test(String.fromCharCode(byte)) ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
  ).join('');
  return encoded.length <= 150 ? encoded : `sha256-${sha256(environment).slice(0, 32)}`;
}

async function trySocket(name: string, file: string, info: HolderInfo): Promise<Attempt> {
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
  if (!listening) return { holder: () => askHolder(name) };
  server.unref().on('error', () => {});
  const written = writeInfo(file, info);
  return {
    lock: hold(file, () => {
      if (written && sameHolder(readInfo(file), info)) tryUnlink(file);
      server.close();
    }),
  };
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

function makeDir(dir: string): void {
  try {
    makeDirs(dir, 0o700);
  } catch {
    // Reported by tryFile when the file is the lock; only informational otherwise.
  }
}

function isWritable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
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

const userId = (): string => String(process.getuid?.() ?? process.env.USER ?? process.env.USERNAME ?? '');

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
