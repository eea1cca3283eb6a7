import { spawn } from 'node:child_process';
import { outcomeOfExit, outcomeOfSpawnError, type JobOutcome } from './exit-status.js';
import { pumpOutput } from './output-pump.js';
import { forwardSignals } from './signals.js';
import { TailBuffer } from './tail-buffer.js';

export interface JobResult {
  outcome: JobOutcome;
  startedAt: Date;
  endedAt: Date;
  durationMs: number;
  // The last bytes of stdout and stderr as they arrived (empty when no tail was kept).
  tail: Buffer;
}

export interface JobOptions {
  env: NodeJS.ProcessEnv;
  // 0 keeps no tail: then the job's stdout and stderr are cronmon's own, with no copy at all.
  tailBytes: number;
}

// After the job exits, output still buffered in the pipes is drained; a background process the
// job left behind may keep them open, so stop waiting once they have been quiet this long.
const DRAIN_IDLE_MS = 250;

export function runJob(command: readonly string[], options: JobOptions): { spawned: Promise<void>; result: Promise<JobResult> } {
  const [file = '', ...args] = command;
  const keepTail = options.tailBytes > 0;
  const startedAt = new Date();
  const started = performance.now();
  const child = spawn(file, args, { stdio: ['inherit', keepTail ? 'pipe' : 'inherit', keepTail ? 'pipe' : 'inherit'], env: options.env });
  const stopForwarding = forwardSignals(child);
  const tail = new TailBuffer(options.tailBytes);
  let lastOutput = performance.now();
  const pumps = keepTail && child.stdout && child.stderr
    ? Promise.all([child.stdout, child.stderr].map((stream, index) => {
        stream.on('data', () => (lastOutput = performance.now()));
        return pumpOutput(stream, index + 1, tail);
      }))
    : Promise.resolve();

  const finish = (outcome: JobOutcome, endedMs: number): JobResult => {
    stopForwarding();
    return {
      outcome,
      startedAt,
      endedAt: new Date(startedAt.getTime() + (endedMs - started)),
      durationMs: endedMs - started,
      tail: tail.snapshot(),
    };
  };

  const result = new Promise<JobResult>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => {
      // Only a failed spawn leaves no pid; later errors (a failed kill) change nothing.
      if (child.pid === undefined) resolve(finish(outcomeOfSpawnError(error, file), performance.now()));
    });
    child.once('exit', (code, signal) => {
      const endedMs = performance.now();
      void drained(pumps, () => lastOutput).then(() => resolve(finish(outcomeOfExit(code, signal), endedMs)));
    });
  });
  const spawned = new Promise<void>((resolve) => {
    child.once('spawn', resolve);
    child.once('error', () => resolve());
  });
  return { spawned, result };
}

function drained(pumps: Promise<unknown>, lastOutput: () => number): Promise<void> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const check = () => {
      const idle = performance.now() - lastOutput();
      if (idle >= DRAIN_IDLE_MS) resolve();
      else timer = setTimeout(check, DRAIN_IDLE_MS - idle);
    };
    timer = setTimeout(check, DRAIN_IDLE_MS);
    void pumps.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
