import type { Server } from 'node:http';
import { CronmonError } from '../util/errors.js';
import { createReceiverServer, listen } from './http.js';
import { createIngest, type ReceiverRecord } from './ingest.js';

export interface ReceiverOptions {
  port: number;
  host: string;
  // Note a key Sentry ignores on every check-in, not only the first time it comes.
  everyIgnoredKey?: boolean;
  onRecord(record: ReceiverRecord): void;
}

export interface RunningReceiver {
  url: string;
  // A DSN that points at the receiver; any key and project id are accepted.
  dsn: string;
  close(): Promise<void>;
}

const hostInUrl = (host: string) => (host.includes(':') ? `[${host}]` : host);

/** A local stand-in for Sentry's ingest endpoints, reporting everything it receives. */
export async function startReceiver(options: ReceiverOptions): Promise<RunningReceiver> {
  const ingest = createIngest({ everyIgnoredKey: options.everyIgnoredKey === true });
  const server: Server = createReceiverServer(
    (request) => {
      const answer = ingest.handle(request);
      for (const record of answer.records) options.onRecord(record);
      return answer;
    },
    (status, reason) => options.onRecord({ type: 'rejected', time: new Date(), layer: 'http', status, reason }),
  );
  let port: number;
  try {
    port = await listen(server, options.port, options.host);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EADDRINUSE' ? 'it is in use (--port 0 picks a free one)' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
    throw new CronmonError('listen', `cannot listen on ${options.host}:${options.port}: ${why}`, { cause: error });
  }
  const url = `http://${hostInUrl(options.host)}:${port}`;
  return {
    url,
    dsn: `http://public@${hostInUrl(options.host)}:${port}/1`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
