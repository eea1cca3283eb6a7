import type { ChildProcess } from 'node:child_process';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
type Forwarded = (typeof FORWARDED_SIGNALS)[number];

// Signals a terminal sends to its whole foreground process group: a job that shares cronmon's
// group already got them from the kernel, and forwarding would deliver them twice.
const FROM_TERMINAL: readonly Forwarded[] = ['SIGINT', 'SIGQUIT'];

// Sends a signal to the job: to its whole process group when it has its own (grandchildren
// too), else to the job alone. A group that is already gone is not an error.
export function signalJob(child: ChildProcess, signal: NodeJS.Signals, ownGroup: boolean): void {
  if (child.pid === undefined) return;
  try {
    process.kill(ownGroup ? -child.pid : child.pid, signal);
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
// reach the job too, and must not kill cronmon before it has reported the run.
export function forwardSignals(child: ChildProcess, ownGroup: boolean): () => void {
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (!ownGroup && FROM_TERMINAL.includes(signal)) return;
      signalJob(child, signal, ownGroup);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
