import type { Readable, Writable } from 'node:stream';
import { monotonicMs, type PipeHandlers, type PipeReader } from '../util/runtime.js';
import type { TailBuffer } from './tail-buffer.js';

// Where a pump's chunks come from: started with the pump's handlers (readPipe, or streamSource).
export type PipeSource = (handlers: PipeHandlers) => PipeReader;

export interface OutputPump {
  // Settles when the job's end of the pipe is closed by every process that held it, or stop().
  readonly done: Promise<void>;
  // monotonicMs() of the last chunk read.
  readonly lastReadAt: number;
  // Stops reading and closes cronmon's end: a process still writing there gets SIGPIPE.
  stop(): void;
}

// How much output may wait for a slow reader before reading pauses. Reading ahead keeps the tail
// close to the order in which the job wrote to its two streams; the bound keeps memory flat.
const MAX_QUEUED_BYTES = 64 * 1024;

// Copies a job's output pipe to cronmon's stdout or stderr and into the tail. Once the target
// has MAX_QUEUED_BYTES waiting, reading pauses until it drains: the job then meets the
// back-pressure it would meet writing there itself, and cronmon's event loop (timers, signals,
// deliveries) keeps running however slow or stalled the reader is. A target that asks to wait
// while showing nothing queued (Bun's stdout keeps its queue out of sight; on Node, a write that
// went out at once) is obeyed at once: 'drain' follows. A chunk goes back to the source once the
// target is done with it (its write's callback), so that the source can read into it again.
export function pumpOutput(source: PipeSource, target: Writable, tail: TailBuffer): OutputPump {
  let forwarding = true;
  let lastReadAt = monotonicMs();
  let settle: () => void = () => {};
  const done = new Promise<void>((resolve) => (settle = resolve));
  const resume = () => reader.resume();
  const onTargetError = (error: NodeJS.ErrnoException | null | undefined) => {
    if (!forwarding) return;
    forwarding = false;
    target.off('drain', resume);
    // Nobody reads cronmon's end any more: close the job's pipe so that it gets EPIPE/SIGPIPE, as
    // it would writing there directly. Any other failure (a full disk) is cronmon's, not the
    // job's: keep reading so that it is neither blocked nor killed.
    if (error?.code === 'EPIPE') reader.stop();
    else reader.resume();
  };
  const reader = source({
    chunk(chunk, release) {
      lastReadAt = monotonicMs();
      tail.write(chunk);
      if (!forwarding) return release();
      // A target that failed earlier (e.g. on one of cronmon's own lines) will never drain.
      if (target.destroyed) {
        release();
        return onTargetError(target.errored as NodeJS.ErrnoException | null);
      }
      if (!target.write(chunk, () => release()) && (target.writableLength >= MAX_QUEUED_BYTES || target.writableLength === 0)) {
        reader.pause();
        target.once('drain', resume);
      }
    },
    end() {
      target.off('error', onTargetError);
      target.off('drain', resume);
      settle();
    },
  });
  target.on('error', onTargetError);
  return {
    done,
    get lastReadAt() {
      return lastReadAt;
    },
    stop: () => reader.stop(),
  };
}

// A Readable as a pump's source: the sockets Node gives a job when no real pipe could be made.
// Each chunk is a fresh buffer, never read into again.
export function streamSource(stream: Readable): PipeSource {
  return (handlers) => {
    const release = () => {};
    let ended = false;
    const end = () => {
      if (ended) return;
      ended = true;
      handlers.end();
    };
    stream.on('data', (chunk: Buffer) => handlers.chunk(chunk, release));
    stream.once('end', end);
    stream.once('close', end);
    // A read error ends the stream like 'close' does; listening keeps it from being thrown.
    stream.on('error', end);
    return { pause: () => stream.pause(), resume: () => stream.resume(), stop: () => stream.destroy() };
  };
}
