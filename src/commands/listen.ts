import { formatRecord, recordJson } from '../receiver/format.js';
import { startReceiver } from '../receiver/receiver.js';
import { loadPaint } from '../util/colour.js';
import { printableJson } from '../util/safe-text.js';
import type { ListenFlags } from '../config/command-flags.js';

// `cronmon listen`: the receiver on its port, one line (or JSON object) per thing received,
// until SIGINT or SIGTERM.
export async function runListen(flags: ListenFlags): Promise<void> {
  const paint = await loadPaint(process.env);
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
}
