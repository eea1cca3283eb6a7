import { closeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';

// cronmon runs on Node (the npm package, bin/cronmon) and on Bun (the single executable, built
// with `bun build --compile`). Where the two runtimes differ, the difference is decided here.
interface BunGlobal {
  main: string;
  file(fd: number): { stream(): ReadableStream<Uint8Array> };
}
const bun = (globalThis as { Bun?: BunGlobal }).Bun;

/** `node v20.20.2` or `bun 1.4.5`: what runs this cronmon (shown by `cronmon --version`). */
export const RUNTIME = bun === undefined ? `node ${process.version}` : `bun ${process.versions.bun ?? '?'}`;

/** The single executable's own path, when this cronmon is one (its script is in Bun's /$bunfs/). */
export function compiledExecutable(): string | undefined {
  return bun?.main.startsWith('/$bunfs/') ? process.execPath : undefined;
}

/**
 * A stream over cronmon's (non-blocking) end of a job's pipe, closed once the stream is. Node
 * reads a pipe through net.Socket; Bun's net.Socket only reads sockets (a pipe's fd gives no
 * data and no end), while its file reader polls a pipe like Node's socket does, and leaves the
 * descriptor to its owner.
 */
export function readPipe(fd: number): Readable {
  // Built-ins through getBuiltinModule: `cronmon --version` loads this file too, and needs neither.
  if (bun === undefined) return new (process.getBuiltinModule('node:net').Socket)({ fd, readable: true, writable: false });
  const stream = process.getBuiltinModule('node:stream').Readable.fromWeb(bun.file(fd).stream());
  stream.once('close', () => closeSync(fd));
  return stream;
}
