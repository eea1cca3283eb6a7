import type { Readable, Writable } from 'node:stream';
import type { TailBuffer } from './tail-buffer.js';

export interface OutputPump {
  // Settles when the job's end of the pipe is closed by every process that held it, or stop().
  readonly done: Promise<void>;
  // performance.now() of the last chunk read.
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
// went out at once) is obeyed at once: 'drain' follows.
export function pumpOutput(source: Readable, target: Writable, tail: TailBuffer): OutputPump {
  let forwarding = true;
  let lastReadAt = performance.now();
  const resume = () => source.resume();
  const onTargetError = (error: NodeJS.ErrnoException | null | undefined) => {
    if (!forwarding) return;
    forwarding = false;
    target.off('drain', resume);
    // Nobody reads cronmon's end any more: close the job's pipe so that it gets EPIPE/SIGPIPE, as
    // it would writing there directly. Any other failure (a full disk) is cronmon's, not the
    // job's: keep reading so that it is neither blocked nor killed.
    if (error?.code === 'EPIPE') source.destroy();
    else source.resume();
  };
  const onData = (chunk: Buffer) => {
    lastReadAt = performance.now();
    tail.write(chunk);
    if (!forwarding) return;
    // A target that failed earlier (e.g. on one of cronmon's own lines) will never drain.
    if (target.destroyed) onTargetError(target.errored as NodeJS.ErrnoException | null);
    else if (!target.write(chunk) && (target.writableLength >= MAX_QUEUED_BYTES || target.writableLength === 0)) {
      source.pause();
      target.once('drain', resume);
    }
  };
  target.on('error', onTargetError);
  const done = new Promise<void>((resolve) => {
    const finish = () => {
      source.off('data', onData);
      target.off('error', onTargetError);
      target.off('drain', resume);
      resolve();
    };
    source.on('data', onData);
    source.once('end', finish);
    source.once('close', finish);
    // A read error ends the stream like 'close' does; listening keeps it from being thrown.
    source.on('error', finish);
  });
  return {
    done,
    get lastReadAt() {
      return lastReadAt;
    },
    stop: () => source.destroy(),
  };
}
