import type { ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

// Signals a terminal or a service manager sends to stop a program: they go to the job's whole
// process group, as a terminal sends them to its foreground group.
const TO_GROUP = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGWINCH'] as const;
// Signals meant for the program itself (dd's and rsync's progress on SIGUSR1, an alarm): they
// go to the job alone, as `kill -USR1 <job>` would. Each of them would otherwise end cronmon
// (or, SIGUSR1, open Node's debugger) and leave the job unreported and its lock released.
const TO_JOB = ['SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGVTALRM', 'SIGPROF', 'SIGXCPU', 'SIGXFSZ', 'SIGPWR', 'SIGIO'] as const;
type Forwarded = (typeof TO_GROUP)[number] | (typeof TO_JOB)[number];

// Signals a terminal sends to its whole foreground process group: a job that shares cronmon's
// group already got them from the kernel, and forwarding would deliver them twice.
const FROM_TERMINAL: readonly Forwarded[] = ['SIGINT', 'SIGQUIT', 'SIGWINCH'];

// Sends a signal to the job: to its whole process group (grandchildren too) when `toGroup`, else
// to the job alone. A group that is already gone is not an error.
export function signalJob(child: ChildProcess, signal: NodeJS.Signals, toGroup: boolean): void {
  if (child.pid === undefined) return;
  try {
    process.kill(toGroup ? -child.pid : child.pid, signal);
  } catch {
    // ESRCH: everything in it has exited.
  }
}

// Whether any process of the job's group is still alive (zombies included).
export function groupAlive(child: ChildProcess): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Forwards the signals that reach cronmon to the job. `on`, not `once`: a second Ctrl-C must
// reach the job too, and must not kill cronmon before it has reported the run. Listening starts
// before the job does, so that a signal that comes while it starts neither ends cronmon nor is
// lost: it is passed on once the job is there. stop() ends the forwarding; the handlers stay, so
// that a late signal cannot end cronmon while it reports (SIGINT and SIGTERM then have their own
// meaning, see monitored-job.ts).
export function forwardSignals(ownGroup: boolean): { attach(child: ChildProcess): void; stop(): void } {
  let forwarding = true;
  let job: ChildProcess | undefined;
  const early: Forwarded[] = [];
  const forward = (child: ChildProcess, signal: Forwarded) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (!ownGroup && FROM_TERMINAL.includes(signal)) return;
    signalJob(child, signal, ownGroup && (TO_GROUP as readonly Forwarded[]).includes(signal));
  };
  for (const signal of [...TO_GROUP, ...TO_JOB]) {
    // Not every platform has every signal (SIGPWR, SIGIO).
    if (constants.signals[signal] === undefined) continue;
    process.on(signal, () => {
      if (!forwarding) return;
      if (job) forward(job, signal);
      else early.push(signal);
    });
  }
  return {
    attach(child) {
      job = child;
      for (const signal of early.splice(0)) forward(child, signal);
    },
    stop() {
      forwarding = false;
    },
  };
}
