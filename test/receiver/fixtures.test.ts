import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatRecord } from '../../src/receiver/format.js';
import { createIngest, type IngestRequest, type ReceiverRecord } from '../../src/receiver/ingest.js';
import { vectors } from '../support/vectors.js';

// What real Sentry clients (sentry-cli, @sentry/node) sent to a stand-in server, byte for byte
// (test/fixtures/README.md): the receiver must accept all of it, as Sentry does.
interface Capture {
  scenario: string;
  requests: { raw_text: string; parsed: { response: { status: number; body: unknown } } }[];
}

const DIR = new URL('../fixtures/captures/', import.meta.url);
const captures = readdirSync(DIR)
  .filter((name) => name.endsWith('.json'))
  .map((name) => JSON.parse(readFileSync(new URL(name, DIR), 'utf8')) as Capture);

// The request line and headers as received, then the body (already de-chunked).
function toRequest(raw: string): IngestRequest {
  const split = raw.indexOf('\r\n\r\n');
  const [requestLine = '', ...headerLines] = raw.slice(0, split).split('\r\n');
  const [method = '', target = ''] = requestLine.split(' ');
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { method, url: new URL(target, 'http://127.0.0.1'), headers, body: Buffer.from(raw.slice(split + 4), 'utf8') };
}

// One receiver per scenario, as one `cronmon listen` would see the client's run.
function replay(capture: Capture) {
  const ingest = createIngest();
  return capture.requests.map((request) => ({ expected: request.parsed.response, answer: ingest.handle(toRequest(request.raw_text)) }));
}

describe('captures of real Sentry clients', () => {
  it('are all here', () => {
    expect(captures.map((capture) => capture.scenario).sort()).toEqual([
      'sentry-cli-env',
      'sentry-cli-exit3',
      'sentry-cli-ok',
      'sentry-cli-schedule',
      'sentry-cli-schedule-full',
      'sentry-cli-sigterm',
      'sentry-node-checkin-monitor-config',
      'sentry-node-checkin-ok',
      'sentry-node-exception-attachment',
    ]);
  });

  it.each(captures.map((capture) => [capture.scenario, capture] as const))(
    '%s: every request is accepted, and answered as Sentry answered it',
    (_, capture) => {
      for (const { expected, answer } of replay(capture)) {
        expect(answer.records.filter((record) => record.type === 'rejected')).toEqual([]);
        expect(answer.status).toBe(expected.status);
        expect(JSON.parse(answer.body)).toEqual(expected.body);
      }
    },
  );

  const shown = (scenario: string): string[] => {
    const capture = captures.find((c) => c.scenario === scenario);
    if (!capture) throw new Error(`no capture ${scenario}`);
    return replay(capture).flatMap(({ answer }) => answer.records.map((record: ReceiverRecord) => formatRecord(record).slice(10)));
  };

  it('shows a sentry-cli run as its two check-ins', () => {
    // Without a schedule the monitor must exist already: this receiver has not seen it.
    const unknown = ' {2}\\(Sentry drops this unless monitor my-cron already exists';
    expect(shown('sentry-cli-exit3')).toEqual([
      expect.stringMatching(new RegExp(`^check-in {2}my-cron {2}production {2}in_progress {2}id [0-9a-f]{32}${unknown}`)),
      expect.stringMatching(new RegExp(`^check-in {2}my-cron {2}production {2}error {2}\\d+\\.\\d+s {2}id [0-9a-f]{32}${unknown}`)),
    ]);
    expect(shown('sentry-cli-schedule-full')[0]).toContain('schedule 0 * * * * Europe/Vienna');
  });

  it("shows an SDK's interval schedule, and the release it sends on every check-in once", () => {
    const lines = shown('sentry-node-checkin-monitor-config');
    expect(lines[0]).toMatch(/schedule every 10 minutes .*\(Sentry ignores release\)/);
    expect(lines[1]).not.toContain('Sentry ignores');
  });

  it("shows an SDK's exception event with its level, exception and attachment", () => {
    expect(shown('sentry-node-exception-attachment')).toEqual([
      expect.stringMatching(/^event {5}- {2}capture-env {2}error {2}"Error: capture: job failed" {2}attachment job-output\.txt 14 B$/),
    ]);
  });
});

describe('the protocol vectors', () => {
  it('point to a description that exists', () => {
    const see = String(vectors._meta.see);
    expect(existsSync(new URL(`../../${see}`, import.meta.url)), see).toBe(true);
  });
});
