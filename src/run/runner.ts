import { spawn, type StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { monotonicMs, readPipe } from '../util/runtime.js';
import { outcomeOfExit, outcomeOfSpawnError, TIMEOUT_EXIT_CODE, type JobOutcome } from './exit-status.js';
import { openJobPipes } from './job-pipes.js';
import { pumpOutput, streamSource, type OutputPump, type PipeSource } from './output-pump.js';
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

// After the job exits, what is still in its pipes is read and forwarded. A background process it
// left behind may hold them open and keep writing: reading stops once they have been quiet for
// DRAIN_IDLE_MS, and at the latest DRAIN_MAX_MS after the exit. That process then gets SIGPIPE
// on its next write, as it would writing into `job | head`.
const DRAIN_IDLE_MS = 100;
const DRAIN_MAX_MS = 500;

export function runJob(command: readonly string[], options: JobOptions): { spawned: Promise<void>; result: Promise<JobResult> } {
  const [file = '', ...args] = command;
  const keepTail = options.tailBytes > 0;
  const startedAt = new Date();
  const started = monotonicMs();
  const pipes = keepTail ? openJobPipes(2) : undefined;
  const stdio: StdioOptions = !keepTail ? 'inherit' : ['inherit', pipes?.[0]?.writeFd ?? 'pipe', pipes?.[1]?.writeFd ?? 'pipe'];
  const forwarding = forwardSignals(options.ownGroup);
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(file, args, { stdio, env: options.env, detached: options.ownGroup });
  } catch (error) {
    // Node throws at once for some exec failures (ELOOP, ENOTDIR, E2BIG…) and reports others
    // as an 'error' event: both end the same way.
    for (const pipe of pipes ?? []) closeSync(pipe.readFd);
    forwarding.stop();
    const result: JobResult = {
      outcome: outcomeOfSpawnError(error as NodeJS.ErrnoException, file),
      startedAt,
      endedAt: new Date(),
      durationMs: monotonicMs() - started,
      tail: Buffer.alloc(0),
    };
    return { spawned: Promise.resolve(), result: Promise.resolve(result) };
  } finally {
    // The job has its ends now (or never will): cronmon must not hold them, or no end-of-file.
    for (const pipe of pipes ?? []) closeSync(pipe.writeFd);
  }
  forwarding.attach(child);
  const timeout = options.timeoutMs === undefined ? undefined : enforceTimeout(child, options.timeoutMs, options.killGraceMs, options.ownGroup);
  const tail = new TailBuffer(options.tailBytes);
  const sources: PipeSource[] = pipes
    ? pipes.map((pipe) => (handlers) => readPipe(pipe.readFd, handlers))
    : [child.stdout, child.stderr].flatMap((stream) => (stream ? [streamSource(stream)] : []));
  const pumps = sources.map((source, index) => pumpOutput(source, index === 0 ? process.stdout : process.stderr, tail));

  const finish = (outcome: JobOutcome, endedMs: number): JobResult => {
    forwarding.stop();
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
      if (child.pid === undefined) resolve(finish(outcomeOfSpawnError(error, file), monotonicMs()));
    });
    child.once('exit', (code, signal) => {
      const endedMs = monotonicMs();
      const ended = timeout?.fired ? timeout.finished().then(() => timeout.outcome()) : Promise.resolve(outcomeOfExit(code, signal));
      void Promise.all([ended, drainAfterExit(pumps)]).then(([outcome]) => resolve(finish(outcome, endedMs)));
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
    const deadline = monotonicMs() + graceMs;
    const poll = () => {
      if (gone()) return groupGone();
      if (monotonicMs() >= deadline) {
        killed = true;
        signalJob(child, 'SIGKILL', ownGroup);
        // SIGKILL cannot be caught; what is left are zombies waiting for their parent.
        return groupGone();
      }
      graceTimer = setTimeout(poll, Math.min(50, Math.max(1, deadline - monotonicMs())));
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

// Resolves once every pipe is closed, or reading has stopped (see DRAIN_IDLE_MS).
function drainAfterExit(pumps: readonly OutputPump[]): Promise<void> {
  const exitedAt = monotonicMs();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const stop = () => {
      clearTimeout(timer);
      for (const pump of pumps) pump.stop();
      resolve();
    };
    const check = () => {
      const now = monotonicMs();
      const idleUntil = Math.max(...pumps.map((pump) => pump.lastReadAt), exitedAt) + DRAIN_IDLE_MS;
      const wakeAt = Math.min(idleUntil, exitedAt + DRAIN_MAX_MS);
      if (now >= wakeAt) stop();
      else timer = setTimeout(check, wakeAt - now);
    };
    check();
    void Promise.all(pumps.map((pump) => pump.done)).then(stop);
  });
}
