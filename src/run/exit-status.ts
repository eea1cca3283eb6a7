import { constants } from 'node:os';
import { formatDuration } from '../util/duration.js';

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

// Why the command could not be started, with the exit codes a shell uses: 127 when there is no
// such command, 126 when it exists but cannot be run.
const CANNOT_EXECUTE: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'file name too long',
  E2BIG: 'argument list too long',
  ENOEXEC: 'exec format error',
  ETXTBSY: 'text file busy',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files in the system',
  EAGAIN: 'too many processes',
  ENOMEM: 'out of memory',
  EISDIR: 'is a directory',
};

export function outcomeOfSpawnError(error: NodeJS.ErrnoException, command: string): JobOutcome {
  if (error.code === 'ENOENT') {
    const reason = command.includes('/') ? `no such file: ${command}` : `command not found: ${command}`;
    return { kind: 'not-started', exitCode: 127, reason };
  }
  const why = CANNOT_EXECUTE[error.code ?? ''] ?? error.code ?? 'unknown error';
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
