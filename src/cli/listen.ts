import { Command } from 'commander';
import { usageError } from '../errors.js';

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
    .action(async (flags: { port: number; host: string; json?: boolean; verbose?: boolean }) => {
      const [{ startReceiver }, { formatRecord, recordJson, PLAIN }, { printableJson }, { loadColours }] = await Promise.all([
        import('../receiver/receiver.js'),
        import('../receiver/format.js'),
        import('../safe-text.js'),
        import('../colour.js'),
      ]);
      const chalk = await loadColours(process.env);
      const paint = chalk ? { good: chalk.green, bad: chalk.red, busy: chalk.yellow, dim: chalk.dim } : PLAIN;
      const print = (line: string) => process.stdout.write(`${line}\n`);
      const receiver = await startReceiver({
        port: flags.port,
        host: flags.host,
        everyIgnoredKey: flags.verbose === true,
        onRecord: (record) => print(flags.json ? printableJson(recordJson(record)) : formatRecord(record, paint)),
      });
      if (flags.json) {
        print(JSON.stringify({ type: 'listening', url: receiver.url, dsn: receiver.dsn }));
      } else {
        print(`cronmon listening on ${receiver.url} (any key and project id are accepted)`);
        print(`SENTRY_DSN=${receiver.dsn}`);
      }
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await receiver.close();
    });
}
