import type { ChildProcess } from 'node:child_process';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

// Forwards the signals that reach cronmon to the job. `on`, not `once`: a second Ctrl-C must
// reach the job too, and must not kill cronmon before it has reported the run.
export function forwardSignals(child: ChildProcess): () => void {
  const handlers = FORWARDED_SIGNALS.map((signal) => {
    const handler = () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}
