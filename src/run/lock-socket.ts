import { randomBytes } from 'node:crypto';
import { linkSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { CronmonError } from '../util/errors.js';
import { hold, parseInfo, readInfo, sameHolder, tryUnlink, writeInfo, type Attempt, type HolderInfo } from './lock-holder.js';

// The socket mechanisms of --lock (see lock.ts): a holder listens, a busy run connects.

// A stale socket is being replaced by another run; its marker is abandoned after this long.
const RECOVERY_MS = 10_000;
// sockaddr_un's sun_path: 108 bytes on Linux, 104 on macOS, the terminating NUL included.
const MAX_SOCKET_PATH = 104;
// What the temporary name a private socket listens under adds to its path: "." and 8 hex digits.
const TEMP_SUFFIX_BYTES = 9;

export const fitsSocketPath = (path: string): boolean => Buffer.byteLength(path) + TEMP_SUFFIX_BYTES < MAX_SOCKET_PATH;

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

export async function trySocket(name: string, file: string, info: HolderInfo): Promise<Attempt> {
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
export async function tryPrivateSocket(path: string, file: string, info: HolderInfo): Promise<Attempt> {
  const published = await listenAndPublish(path, info).catch((error: unknown) => {
    throw new CronmonError('usage', `--lock: cannot create the lock socket ${path}: ${(error as Error).message}`);
  });
  if (published) {
    const { server, socketIno } = published;
    const written = writeInfo(file, info);
    return {
      lock: hold(file, () => {
        if (written && sameHolder(readInfo(file), info)) tryUnlink(file);
        // Only ours: the path may name another holder's socket by now.
        if (inodeOf(path) === socketIno) tryUnlink(path);
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
    const staleIno = inodeOf(path);
    if (!(await answers(path)) && inodeOf(path) === staleIno) tryUnlink(path);
    return await tryPrivateSocket(path, file, info);
  } finally {
    rmSync(marker, { recursive: true, force: true });
  }
}

// The socket appears at `path` only once it accepts connections: it listens under a temporary
// name, then is hard-linked into place (link(2) fails if `path` exists). Were it bound at `path`
// directly, a run between its bind(2) and listen(2) would refuse connections like a dead holder,
// and another run would replace its socket: both would hold the lock. Undefined when `path` is
// taken.
async function listenAndPublish(path: string, info: HolderInfo): Promise<{ server: Server; socketIno: number | undefined } | undefined> {
  const temp = `${path}.${randomBytes(4).toString('hex')}`;
  const server = await listenAsHolder(temp, info);
  if (!server) throw new Error(`${temp} exists`);
  const socketIno = inodeOf(temp);
  try {
    linkSync(temp, path);
  } catch (error) {
    server.close();
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw error;
  } finally {
    tryUnlink(temp);
  }
  return { server, socketIno };
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
