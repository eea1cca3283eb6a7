import { closeSync } from 'node:fs';
import type { OnReadOpts, SocketConstructorOpts } from 'node:net';
import type { ReadableStream } from 'node:stream/web';
import { BunConnection, type BunConnect, type ConnectOptions } from './bun-connection.js';

// cronmon runs on Node (the npm package, bin/cronmon) and on Bun (the single executable, built
// with `bun build --compile`). Where the two runtimes differ, the difference is decided here.
interface BunGlobal {
  main: string;
  file(fd: number): { stream(): ReadableStream<Uint8Array> };
  connect: BunConnect;
}
const bun = (globalThis as { Bun?: BunGlobal }).Bun;

/** `node v20.20.2` or `bun 1.4.5`: what runs this cronmon (shown by `cronmon --version`). */
export const RUNTIME = bun === undefined ? `node ${process.version}` : `bun ${process.versions.bun ?? '?'}`;

/**
 * Milliseconds on a monotonic clock, as performance.now() counts them (from an arbitrary
 * origin). On Node, the first use of the global `performance` loads perf_hooks: about 0.8 ms of
 * every run, which process.hrtime does not cost. Bun's `performance` is its own, at no cost.
 */
export const monotonicMs: () => number = bun === undefined ? () => Number(process.hrtime.bigint()) / 1e6 : () => performance.now();

/** The single executable's own path, when this cronmon is one (its script is in Bun's /$bunfs/). */
export function compiledExecutable(): string | undefined {
  return bun?.main.startsWith('/$bunfs/') ? process.execPath : undefined;
}

// Linux's pipe2(2) and fcntl(2) through bun:ffi: a real pipe in about 0.1 ms, where Node has no
// pipe(2) and spawning mkfifo (job-pipes.ts) takes about 3 ms of every run. The numbers are
// Linux's on x64 and arm64; other systems (macOS has no pipe2) use the FIFOs.
const O_CLOEXEC = 0o2000000;
const O_NONBLOCK = 0o4000;
const F_GETFL = 3;
const F_SETFL = 4;
interface Ffi {
  dlopen(library: string, symbols: Record<string, { args: string[]; returns: string }>): { symbols: unknown };
  ptr(view: Int32Array): number;
}

type PipeCalls = { pipe2: (fds: number, flags: number) => number; fcntl: (fd: number, command: number, value: number) => number };
let pipeCalls: PipeCalls | null | undefined;

function loadPipeCalls(ffi: Ffi): PipeCalls | null {
  const musl = `libc.musl-${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}.so.1`;
  for (const library of ['libc.so.6', musl]) {
    try {
      const symbols = { pipe2: { args: ['ptr', 'i32'], returns: 'i32' }, fcntl: { args: ['i32', 'i32', 'i32'], returns: 'i32' } };
      return ffi.dlopen(library, symbols).symbols as unknown as PipeCalls;
    } catch {
      // Not this C library.
    }
  }
  return null;
}

/** A pipe for a job's output (read end non-blocking, both close-on-exec), or undefined where only FIFOs will do. */
export function bunPipe(): { readFd: number; writeFd: number } | undefined {
  if (bun === undefined || process.platform !== 'linux') return undefined;
  const ffi = process.getBuiltinModule('bun:ffi') as Ffi;
  pipeCalls ??= loadPipeCalls(ffi);
  if (pipeCalls === null) return undefined;
  const { pipe2, fcntl } = pipeCalls;
  const fds = new Int32Array(2);
  if (pipe2(ffi.ptr(fds), O_CLOEXEC) !== 0) return undefined;
  const [readFd = -1, writeFd = -1] = fds;
  const flags = fcntl(readFd, F_GETFL, 0);
  if (flags >= 0 && fcntl(readFd, F_SETFL, flags | O_NONBLOCK) === 0) return { readFd, writeFd };
  closeSync(readFd);
  closeSync(writeFd);
  return undefined;
}

/**
 * Resolves once what was written to stdout or stderr has been handed to the system, for
 * cronmon to exit (nothing is written after it). Bun keeps its write queue out of sight
 * (writableLength 0) and calls a write's callback before the queue is out; only end()'s
 * callback waits for it, and an exit before that loses what a slow reader has not taken yet.
 */
export function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise<void>((resolve) => {
    if (stream.destroyed) resolve();
    else if (bun !== undefined) stream.end(() => resolve());
    else if (stream.writableLength === 0) resolve();
    else stream.write('', () => resolve());
  });
}

/** What receives a job pipe's output (see readPipe). */
export interface PipeHandlers {
  // A chunk read. Its bytes stay as they are until release() is called: then its memory may
  // be read into again.
  chunk(data: Buffer, release: () => void): void;
  // Reading is over and cronmon's end is closed: every writer closed its end, a read failed, or stop().
  end(): void;
}

export interface PipeReader {
  pause(): void;
  resume(): void;
  // Stops reading and closes cronmon's end: a process still writing there gets SIGPIPE.
  stop(): void;
}

// The read size on Node: a pipe's default capacity, so that one read can empty a full pipe.
const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Reads cronmon's (non-blocking) end of a job's pipe. Node reads a pipe through net.Socket, into
 * buffers of ours that return to a spare list once released: a job that prints gigabytes makes
 * no garbage, so memory stays flat (a fresh buffer per read piled up tens of megabytes before
 * the collector ran). Bun's net.Socket only reads sockets (a pipe's fd gives no data and no end),
 * while its file reader polls a pipe like Node's socket does, in buffers it allocates itself:
 * reading into buffers of ours would need a blocking read on Bun's thread pool, and two of those
 * leave file and DNS work waiting on a 2-core machine.
 */
export function readPipe(fd: number, handlers: PipeHandlers): PipeReader {
  return bun === undefined ? readPipeOnNode(fd, handlers) : readPipeOnBun(bun, fd, handlers);
}

function readPipeOnNode(fd: number, handlers: PipeHandlers): PipeReader {
  const spare: Buffer[] = [];
  // Built-ins through getBuiltinModule: `cronmon --version` loads this file too, and needs neither.
  const options: SocketConstructorOpts & { onread: OnReadOpts } = {
    fd,
    readable: true,
    writable: false,
    onread: {
      // Asked for before each read.
      buffer: () => spare.pop() ?? Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
      callback: (length, buffer) => {
        // One of ours, from `buffer` above.
        const own = buffer as Buffer;
        handlers.chunk(own.subarray(0, length), () => spare.push(own));
        return true;
      },
    },
  };
  const socket = new (process.getBuiltinModule('node:net').Socket)(options);
  // A read error ends reading like the end of the pipe does ('close' follows either).
  socket.on('error', () => {});
  socket.once('close', () => handlers.end());
  return { pause: () => socket.pause(), resume: () => socket.resume(), stop: () => socket.destroy() };
}

function readPipeOnBun(runtime: BunGlobal, fd: number, handlers: PipeHandlers): PipeReader {
  const reader = runtime.file(fd).stream().getReader();
  const noop = () => {};
  let paused = false;
  let reading = false;
  let ended = false;
  const finish = () => {
    if (ended) return;
    ended = true;
    const close = () => {
      try {
        closeSync(fd);
      } catch {
        // Already closed: nothing holds it.
      }
      handlers.end();
    };
    reader.cancel().then(close, close);
  };
  // One read at a time and none ahead, so that the tail keeps close to the order in which the
  // job wrote to its two streams (Bun's reader itself holds up to about 128 KiB).
  const next = () => {
    if (paused || reading || ended) return;
    reading = true;
    reader.read().then(({ done, value }) => {
      reading = false;
      if (done) return finish();
      if (!ended) handlers.chunk(Buffer.from(value.buffer, value.byteOffset, value.byteLength), noop);
      next();
    }, finish);
  };
  next();
  return {
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      next();
    },
    stop: finish,
  };
}

/**
 * On Bun, a TCP or TLS connection over Bun's own sockets (see bun-connection.ts); undefined on
 * Node, where net/tls serve. It trusts the system's CAs only, and writes may start at once.
 */
export function bunConnection(options: ConnectOptions): BunConnection | undefined {
  return bun === undefined ? undefined : new BunConnection(bun.connect.bind(bun), options);
}
