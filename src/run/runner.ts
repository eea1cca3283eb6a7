import { spawn } from 'node:child_process';
import { outcomeOfExit, outcomeOfSpawnError, TIMEOUT_EXIT_CODE, type JobOutcome } from './exit-status.js';
import { pumpOutput } from './output-pump.js';
import { forwardSignals, groupAlive, signalJob } from './signals.js';
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
  // --timeout: SIGTERM to the job's process group after this long, SIGKILL after the grace.
  timeoutMs?: number | undefined;
  killGraceMs: number;
  // The job gets its own process group (and session), so that signals and the timeout reach
  // everything it started. Off only for interactive runs, which need the terminal.
  ownGroup: boolean;
}

// After the job exits, output still buffered in the pipes is drained; a background process the
// job left behind may keep them open, so stop waiting once they have been quiet this long.
const DRAIN_IDLE_MS = 250;

export function runJob(command: readonly string[], options: JobOptions): { spawned: Promise<void>; result: Promise<JobResult> } {
  const [file = '', ...args] = command;
  const keepTail = options.tailBytes > 0;
  const startedAt = new Date();
  const started = performance.now();
  const child = spawn(file, args, {
    stdio: ['inherit', keepTail ? 'pipe' : 'inherit', keepTail ? 'pipe' : 'inherit'],
    env: options.env,
    detached: options.ownGroup,
  });
  const stopForwarding = forwardSignals(child, options.ownGroup);
  const timeout = options.timeoutMs === undefined ? undefined : enforceTimeout(child, options.timeoutMs, options.killGraceMs, options.ownGroup);
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
    timeout?.cancel();
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
      const ended = timeout?.fired ? timeout.finished().then(() => timeout.outcome()) : Promise.resolve(outcomeOfExit(code, signal));
      void Promise.all([ended, drained(pumps, () => lastOutput)]).then(([outcome]) => resolve(finish(outcome, endedMs)));
    });
  });
  const spawned = new Promise<void>((resolve) => {
    child.once('spawn', resolve);
    child.once('error', () => resolve());
  });
  return { spawned, result };
}

// After `timeoutMs`, SIGTERM to the job's group; once the grace is over, SIGKILL to whatever of
// it is still alive, so nothing the job started survives. `finished` resolves when the group is
// gone (or, without an own group, when the job itself is).
function enforceTimeout(child: ReturnType<typeof spawn>, timeoutMs: number, graceMs: number, ownGroup: boolean) {
  let fired = false;
  let killed = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const gone = () => (ownGroup ? !groupAlive(child) : child.exitCode !== null || child.signalCode !== null);
  let groupGone: () => void = () => {};
  const finishedPromise = new Promise<void>((resolve) => (groupGone = resolve));
  const timer = setTimeout(() => {
    fired = true;
    signalJob(child, 'SIGTERM', ownGroup);
    const deadline = performance.now() + graceMs;
    const poll = () => {
      if (gone()) return groupGone();
      if (performance.now() >= deadline) {
        killed = true;
        signalJob(child, 'SIGKILL', ownGroup);
        // SIGKILL cannot be caught; what is left are zombies waiting for their parent.
        return groupGone();
      }
      graceTimer = setTimeout(poll, Math.min(50, Math.max(1, deadline - performance.now())));
    };
    poll();
  }, timeoutMs);
  return {
    get fired() {
      return fired;
    },
    finished: () => finishedPromise,
    outcome: (): JobOutcome => ({ kind: 'timed-out', exitCode: TIMEOUT_EXIT_CODE, afterMs: timeoutMs, killed }),
    cancel() {
      clearTimeout(timer);
      clearTimeout(graceTimer);
    },
  };
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
