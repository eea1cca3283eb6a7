import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import type { RequestListener, Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { BodyRejected, createHttpServer, listen, readRequest, writeAnswer } from '../../src/receiver/http.js';
import { createIngest, type IngestRequest, type ReceiverRecord } from '../../src/receiver/ingest.js';
import { createMonitorsApi, type MonitorsApi } from './monitors-api.js';

// A strict Sentry on 127.0.0.1: the ingest rules of `cronmon listen` (one key, project 42), the
// organization monitors REST API under /api/0/ (one token, org "acme"), plus faults a test can switch on to play a broken, slow or rate-limiting Sentry.
// With `tls` it speaks HTTPS with the given certificate; `resetConnections` cuts the first N
// connections at once (over TLS: a handshake reset); `dateOffsetMs` puts its clock that far
// ahead (negative: behind) in the Date header of every answer. It counts the connections it
// accepts.

export type Fault =
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  | { kind: 'reset' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'blackhole' };

export type FaultPicker = (request: IngestRequest) => Fault | undefined;

// The faults in turn, one per request, then none: e.g. a reset, then two 503s, then Sentry.
export function faultsInTurn(...faults: Fault[]): FaultPicker {
  let next = 0;
  return () => faults[next++];
}

export type CheckInRecord = Extract<ReceiverRecord, { type: 'check_in' }>;
export type EventRecord = Extract<ReceiverRecord, { type: 'event' }>;
export type Rejection = Extract<ReceiverRecord, { type: 'rejected' }>;

export interface TestSentry {
  url: string;
  port: number;
  dsn: string;
  key: string;
  // TCP connections accepted so far, and the TLS server names (SNI) clients asked for.
  connections(): number;
  serverNames: (string | false | null)[];
  // The REST API: its token, organization and state.
  token: string;
  org: string;
  api: MonitorsApi;
  records: ReceiverRecord[];
  requests: IngestRequest[];
  // Every check-in received, or those of one monitor.
  checkIns(slug?: string): CheckInRecord[];
  statusesOf(slug: string): CheckInRecord['status'][];
  events(): EventRecord[];
  rejected(): Rejection[];
  waitFor(predicate: (sentry: TestSentry) => boolean, timeoutMs?: number): Promise<void>;
  setFault(picker: FaultPicker | undefined): void;
  close(): Promise<void>;
}

export const PROJECT_ID = '42';
export const ORG = 'acme';
export const PROJECTS = [
  { id: PROJECT_ID, slug: 'backend', name: 'Backend' },
  { id: '43', slug: 'frontend', name: 'Frontend' },
];

// `token` and `regionUrl` let two servers play sentry.io and the region an organization lives in.
export async function startSentryServer(
  options: {
    fault?: FaultPicker;
    token?: string;
    regionUrl?: string;
    tls?: { key: string; cert: string };
    resetConnections?: number;
    dateOffsetMs?: number;
  } = {},
): Promise<TestSentry> {
  const key = randomBytes(16).toString('hex');
  const ingest = createIngest({ key, projectId: PROJECT_ID });
  const token = options.token ?? `sntrys_${randomBytes(24).toString('hex')}`;
  const api = createMonitorsApi({ token, org: ORG, projects: PROJECTS, ...(options.regionUrl === undefined ? {} : { regionUrl: options.regionUrl }) });
  let pickFault = options.fault;
  const records: ReceiverRecord[] = [];
  const requests: IngestRequest[] = [];
  const sockets = new Set<Socket>();
  const serverNames: (string | false | null)[] = [];
  let connections = 0;

  const handler: RequestListener = (req, res) => {
    readRequest(req).then(
      async (read) => {
        // readRequest knows no TLS: over HTTPS the URL (and the region URL built from it) is https.
        const request = options.tls ? { ...read, url: new URL(read.url.href.replace(/^http:/, 'https:')) } : read;
        requests.push(request);
        if (options.dateOffsetMs !== undefined) res.setHeader('Date', new Date(Date.now() + options.dateOffsetMs).toUTCString());
        const fault = pickFault?.(request);
        if (fault?.kind === 'blackhole') return;
        if (fault?.kind === 'reset') return void req.socket.destroy();
        if (fault?.kind === 'status') {
          const body = fault.body ?? JSON.stringify({ detail: `test fault ${fault.status}` });
          return writeAnswer(res, { status: fault.status, headers: { 'Content-Type': 'application/json', ...fault.headers }, body });
        }
        if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        if (request.url.pathname.startsWith('/api/0/')) return writeAnswer(res, api.handle(request));
        const answer = ingest.handle(request);
        records.push(...answer.records);
        if (!res.destroyed) writeAnswer(res, answer);
      },
      (error: unknown) => {
        const status = error instanceof BodyRejected ? error.status : 400;
        records.push({ type: 'rejected', time: new Date(), layer: 'http', status, reason: String(error) });
        writeAnswer(res, { status, headers: {}, body: '' });
      },
    );
  };
  // The receiver's HTTP server: the same body limits and timeouts as `cronmon listen`.
  const server: Server = options.tls ? createTlsServer(options.tls, handler) : createHttpServer(handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (++connections <= (options.resetConnections ?? 0)) socket.resetAndDestroy();
  });
  server.on('secureConnection', (socket: TLSSocket) => serverNames.push(socket.servername));
  // A client that gives up mid-handshake is not the test's business.
  server.on('tlsClientError', () => {});
  const port = await listen(server, 0, '127.0.0.1');

  const scheme = options.tls ? 'https' : 'http';
  const sentry: TestSentry = {
    url: `${scheme}://127.0.0.1:${port}`,
    port,
    dsn: `${scheme}://${key}@127.0.0.1:${port}/${PROJECT_ID}`,
    key,
    connections: () => connections,
    serverNames,
    token,
    org: ORG,
    api,
    records,
    requests,
    checkIns: (slug) => records.filter((record): record is CheckInRecord => record.type === 'check_in' && (slug === undefined || record.slug === slug)),
    statusesOf: (slug) => sentry.checkIns(slug).map((checkIn) => checkIn.status),
    events: () => records.filter((record): record is EventRecord => record.type === 'event'),
    rejected: () => records.filter((record): record is Rejection => record.type === 'rejected'),
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(sentry)) {
        if (Date.now() > deadline) throw new Error('the test server did not receive what was expected in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    setFault(picker) {
      pickFault = picker;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return sentry;
}
