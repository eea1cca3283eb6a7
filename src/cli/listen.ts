import { Command } from 'commander';
import type { ListenFlags } from '../commands/listen.js';
import { usageError } from '../util/errors.js';

function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw usageError(`--port must be a number from 0 to 65535 (0 picks a free port), got ${JSON.stringify(value)}`);
  return port;
}

// An empty host would make Node listen on every interface: never what --host '' meant.
function parseHost(value: string): string {
  if (value.trim() === '') throw usageError('--host must name an address to listen on (127.0.0.1; 0.0.0.0 or :: for every interface)');
  return value;
}

export function makeListenCommand(): Command {
  return new Command('listen')
    .description('run a local Sentry Crons receiver that shows, and checks, what Sentry would get')
    .option('--port <n>', 'port to listen on; 0 picks a free one', parsePort, 8970)
    .option('--host <address>', 'address to listen on', parseHost, '127.0.0.1')
    .option('--json', 'print one JSON object per line')
    .option('-v, --verbose', 'note a field Sentry ignores on every check-in that has it, not only the first time')
    .action(async (flags: ListenFlags) => {
      const { runListen } = await import('../commands/listen.js');
      await runListen(flags);
    });
}
