import { constants } from 'node:os';
import { formatDuration } from '../config/duration.js';

export type JobOutcome =
  | { kind: 'exited'; exitCode: number }
  | { kind: 'signaled'; signal: NodeJS.Signals; exitCode: number }
  | { kind: 'not-started'; exitCode: 126 | 127; reason: string }
  // --timeout: the job's process group was sent SIGTERM (then SIGKILL); exit 124 as timeout(1).
  | { kind: 'timed-out'; exitCode: 124; afterMs: number; killed: boolean };

export const TIMEOUT_EXIT_CODE = 124;

// A job ended by signal N exits 128+N, as a shell reports it.
export function outcomeOfExit(code: number | null, signal: NodeJS.Signals | null): JobOutcome {
  if (signal) return { kind: 'signaled', signal, exitCode: 128 + (constants.signals[signal] ?? 0) };
  return { kind: 'exited', exitCode: code ?? 1 };
}

// Why the command could not be started, with the shell's exit codes: 127 not found, 126 not
// executable.
export function outcomeOfSpawnError(error: NodeJS.ErrnoException, command: string): JobOutcome {
  if (error.code === 'ENOENT') return { kind: 'not-started', exitCode: 127, reason: `command not found: ${command}` };
  const why = error.code === 'EACCES' ? 'permission denied' : (error.code ?? error.message);
  return { kind: 'not-started', exitCode: 126, reason: `cannot execute ${command}: ${why}` };
}

// "exited 3", "killed by SIGTERM (143)", "command not found: foo", "timed out after 30s".
export function describeOutcome(outcome: JobOutcome): string {
  switch (outcome.kind) {
    case 'exited':
      return `exited ${outcome.exitCode}`;
    case 'signaled':
      return `killed by ${outcome.signal} (${outcome.exitCode})`;
    case 'not-started':
      return outcome.reason;
    case 'timed-out':
      return `timed out after ${formatDuration(outcome.afterMs)}${outcome.killed ? ' (killed with SIGKILL after the grace period)' : ''}`;
  }
}
