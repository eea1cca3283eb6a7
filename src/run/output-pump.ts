import { writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { TailBuffer } from './tail-buffer.js';

// Something to sleep on while a non-blocking target is full.
const pause = new Int32Array(new SharedArrayBuffer(4));

type Written = 'ok' | 'gone' | 'failed';

// Copies a job's output pipe to cronmon's own fd 1 or 2 and into the tail. Each chunk is written
// synchronously before the next is read, so nothing queues up in memory and the pipe's
// back-pressure reaches the job just as if it wrote to the fd itself.
export function pumpOutput(source: Readable, targetFd: number, tail: TailBuffer): Promise<void> {
  return new Promise((resolve) => {
    let forwarding = true;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      tail.write(bytes);
      if (!forwarding) return;
      const written = writeAll(targetFd, bytes);
      if (written === 'ok') return;
      forwarding = false;
      // Nobody reads our end any more: close the pipe so the job gets EPIPE/SIGPIPE, as it would
      // writing there directly. Any other failure (a full disk) is ours, not the job's: keep
      // draining so it is neither blocked nor killed.
      if (written === 'gone') source.destroy();
    };
    const finish = () => {
      source.off('data', onData);
      resolve();
    };
    source.on('data', onData);
    source.once('end', finish);
    source.once('close', finish);
    // A read error ends the stream like 'close' does; listening keeps it from being thrown.
    source.on('error', finish);
  });
}

function writeAll(fd: number, bytes: Buffer): Written {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') Atomics.wait(pause, 0, 0, 1);
      else if (code === 'EINTR') continue;
      else return code === 'EPIPE' ? 'gone' : 'failed';
    }
  }
  return 'ok';
}
