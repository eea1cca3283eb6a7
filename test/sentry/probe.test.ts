import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/receiver/envelope.js';
import { parseDsn, type Dsn } from '../../src/sentry/dsn.js';
import { probeEnvelope } from '../../src/sentry/envelope.js';
import { DIRECT } from '../../src/sentry/network.js';
import { probeIngest } from '../../src/sentry/probe.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// doctor's probe: one request to the envelope endpoint that Sentry authenticates and that
// creates nothing.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

const dsnOf = (raw: string): Dsn => {
  const parsed = parseDsn(raw);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.dsn;
};

describe('the probe envelope', () => {
  it('holds one client report that lists no discarded events', () => {
    const sentAt = new Date('2026-03-01T12:00:00.250Z');
    const { headers, items } = parseEnvelope(probeEnvelope(sentAt));
    expect(headers).toEqual({ sent_at: '2026-03-01T12:00:00.250Z', sdk: { name: 'cronmon', version: expect.any(String) } });
    expect(items.map((item) => [item.headers, JSON.parse(item.payload.toString())])).toEqual([
      [
        { type: 'client_report', length: 46 },
        { timestamp: 1772366400, discarded_events: [] },
      ],
    ]);
  });
});

describe('probeIngest', () => {
  it('gets an answer with the Date of the server, and creates nothing there', async () => {
    const records = sentry.records.length;
    const lines: string[] = [];
    const before = Date.now();
    const probe = await probeIngest(dsnOf(sentry.dsn), DIRECT, 10_000, (line) => lines.push(line));
    expect(probe.outcome.ok && probe.outcome.value.status).toBe(200);
    expect(probe.outcome.ok && probe.outcome.value.headers.date).toEqual(expect.any(String));
    expect(probe.midpointMs).toBeGreaterThanOrEqual(before);
    expect(probe.midpointMs).toBeLessThanOrEqual(Date.now());
    expect(sentry.records.length).toBe(records);
    expect(sentry.requests.at(-1)?.url.pathname).toBe('/api/42/envelope/');
    expect(lines).toEqual([
      expect.stringMatching(
        /^POST http:\/\/127\.0\.0\.1:\d+\/api\/42\/envelope\/\?sentry_version=7&sentry_key=\*\*\*&sentry_client=cronmon%2F[\d.]+ \(probe\) → 200 in \d+ ms$/,
      ),
    ]);
    expect(lines.join('')).not.toContain(sentry.key);
  });

  it('is refused with a key the server does not know', async () => {
    const probe = await probeIngest(dsnOf(`http://${'f'.repeat(32)}@127.0.0.1:${sentry.port}/42`), DIRECT, 10_000);
    expect(probe.outcome.ok && probe.outcome.value.status).toBe(401);
  });

  it('reports a connection that fails as the error', async () => {
    const closed = await startSentryServer();
    await closed.close();
    const probe = await probeIngest(dsnOf(closed.dsn), DIRECT, 10_000);
    expect(probe.outcome.ok).toBe(false);
    expect(!probe.outcome.ok && (probe.outcome.error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });
});
