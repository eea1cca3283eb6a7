import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLog } from '../../src/util/log.js';
import { newId, randomHex } from '../../src/monitor/check-in-id.js';
import { buildCheckIn } from '../../src/sentry/check-in.js';
import { Deadline } from '../../src/sentry/deadline.js';
import { parseDsn } from '../../src/sentry/dsn.js';
import { checkInEnvelope, eventEnvelope } from '../../src/sentry/envelope.js';
import { buildFailureEvent } from '../../src/sentry/failure-event.js';
import { createReporter } from '../../src/sentry/reporter.js';
import { faultsInTurn, startSentryServer, type Fault, type TestSentry } from '../support/sentry-server.js';

// The reporter against the strict test server: which failures it retries, what it prints, and
// when it compresses.
let sentry: TestSentry;
let cacheDir: string;
beforeAll(async () => {
  sentry = await startSentryServer();
  cacheDir = mkdtempSync(join(tmpdir(), 'cronmon-reporter-'));
});
afterAll(async () => {
  await sentry.close();
  rmSync(cacheDir, { recursive: true, force: true });
});
afterEach(() => sentry.setFault(undefined));

function reporter() {
  const lines: string[] = [];
  const log = createLog({ quiet: false, verbose: true, stderrIsTTY: false, write: (text) => lines.push(text) });
  const dsn = parseDsn(sentry.dsn);
  if (!dsn.ok) throw new Error(dsn.reason);
  // A fresh cache per reporter: rate limits learnt by one test must not skip another's sends.
  return { lines, reporter: createReporter({ dsn: dsn.dsn, cacheDir: mkdtempSync(join(cacheDir, 'run-')), log }) };
}

const checkIn = (slug: string) => checkInEnvelope(buildCheckIn({ checkInId: newId(), slug, status: 'ok', environment: 'production' }), new Date());
const requestsFor = (slug: string) => sentry.requests.filter((request) => request.body.toString().includes(`"${slug}"`));

describe('createReporter retries', () => {
  it('a reset and two 503s in a row, then delivers, showing each attempt only with -v', async () => {
    sentry.setFault(faultsInTurn({ kind: 'reset' }, { kind: 'status', status: 503 }, { kind: 'status', status: 503 }));
    const { lines, reporter: r } = reporter();
    const delivery = await r.send('close check-in', ['monitor'], checkIn('retried'), new Deadline(10_000));
    expect(delivery).toEqual({ label: 'close check-in', outcome: 'sent' });
    expect(requestsFor('retried')).toHaveLength(4);
    expect(sentry.checkIns('retried')).toHaveLength(1);
    const post = `cronmon: POST ${sentry.url}/api/42/envelope/?sentry_version=7&sentry_key=***&sentry_client=cronmon%2F0.1.0 (close check-in)`;
    expect(lines.map((line) => line.replace(/\d+ ms/g, 'N ms'))).toEqual([
      `${post} → connection reset by 127.0.0.1:${sentry.port} in N ms; retrying in N ms\n`,
      `${post} [attempt 2] → 503 in N ms; retrying in N ms\n`,
      `${post} [attempt 3] → 503 in N ms; retrying in N ms\n`,
      `${post} [attempt 4] → 200 in N ms\n`,
    ]);
  });

  const never: [string, Fault][] = [
    ['429', { kind: 'status', status: 429, headers: { 'Retry-After': '30' } }],
    ['400', { kind: 'status', status: 400 }],
    ['403', { kind: 'status', status: 403 }],
    ['413', { kind: 'status', status: 413 }],
    ['503 with a rate limit', { kind: 'status', status: 503, headers: { 'X-Sentry-Rate-Limits': '60:monitor:project' } }],
  ];
  it.each(never)('never a %s', async (name, fault) => {
    sentry.setFault(() => fault);
    const slug = `never-${name.replace(/\W+/g, '-')}`;
    const delivery = await reporter().reporter.send('open check-in', ['monitor'], checkIn(slug), new Deadline(10_000));
    expect(delivery.outcome).toBe('failed');
    expect(requestsFor(slug)).toHaveLength(1);
  });

  it('as often as the deadline allows, then says what the last attempt got', async () => {
    sentry.setFault(() => ({ kind: 'status', status: 502 }));
    const started = performance.now();
    const delivery = await reporter().reporter.send('open check-in', ['monitor'], checkIn('always-502'), new Deadline(1000));
    expect(delivery).toMatchObject({ outcome: 'failed', reason: 'Sentry answered 502: test fault 502' });
    // 200 + 400 ms of waiting fit in 1 s, the next 800 ms wait does not.
    expect(requestsFor('always-502').length).toBeGreaterThanOrEqual(2);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('createReporter compression', () => {
  const outputLog = (bytes: number) => {
    const event = buildFailureEvent({
      eventId: newId(),
      spanId: randomHex(16),
      traceId: newId(),
      endedAt: new Date(),
      slug: `log-${bytes}`,
      environment: 'production',
      failed: true,
      message: 'failed',
      exitCode: 1,
      command: ['job'],
      durationMs: 5,
    });
    return eventEnvelope(event, [{ filename: 'output-tail.log', contentType: 'text/plain', data: Buffer.alloc(bytes, 'x') }], new Date());
  };

  it('gzips envelopes over 8 kB, as @sentry/node does, and sends small ones plain', async () => {
    const { reporter: r } = reporter();
    expect((await r.send('output log', ['error'], outputLog(100_000), new Deadline(10_000))).outcome).toBe('sent');
    expect((await r.send('output log', ['error'], outputLog(100), new Deadline(10_000))).outcome).toBe('sent');
    const [large, small] = [100_000, 100].map((bytes) => sentry.requests.find((request) => request.body.toString().includes(`"log-${bytes}"`)));
    expect(large?.headers['content-encoding']).toBe('gzip');
    expect(small?.headers['content-encoding']).toBeUndefined();
    // The server decoded it: the whole attachment arrived.
    const event = sentry.events().find((e) => (e.event.contexts as { monitor: { slug: string } }).monitor.slug === 'log-100000');
    expect(event?.attachments[0]?.size).toBe(100_000);
  });
});
