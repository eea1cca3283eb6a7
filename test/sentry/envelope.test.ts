import { describe, expect, it } from 'vitest';
import { buildCheckIn } from '../../src/sentry/check-in.js';
import { checkInEnvelope, eventEnvelope } from '../../src/sentry/envelope.js';
import { buildFailureEvent } from '../../src/sentry/failure-event.js';
import { vectors } from '../support/vectors.js';

const vector = (name: string) => vectors.envelopes.find((v: { name: string }) => v.name === name);
const sentAt = (body: string) => new Date(JSON.parse(body.split('\n')[0] ?? '{}').sent_at);
const CHECK_IN_ID = 'a460c25ff2554577b920fcfacae4e5eb';
const TRACE_ID = '8f431b7aa08441bbbd5a0100fd91f9fe';
const base = { checkInId: CHECK_IN_ID, slug: 'nightly-backup', environment: 'production', traceId: TRACE_ID };

describe('envelopes are byte-for-byte the protocol vectors', () => {
  it('opening check-in with monitor_config', () => {
    const { body, body_bytes } = vector('in_progress_with_upsert');
    const checkIn = buildCheckIn({
      ...base,
      status: 'in_progress',
      monitorConfig: {
        schedule: { type: 'crontab', value: '0 3 * * *' },
        checkin_margin: 5,
        max_runtime: 60,
        timezone: 'Europe/Vienna',
        failure_issue_threshold: 2,
        recovery_threshold: 1,
      },
    });
    const bytes = checkInEnvelope(checkIn, sentAt(body));
    expect(bytes.toString('utf8')).toBe(body);
    expect(bytes.byteLength).toBe(body_bytes);
  });

  it('closing check-in with the duration in seconds', () => {
    const { body } = vector('ok_with_duration');
    const bytes = checkInEnvelope(buildCheckIn({ ...base, status: 'ok', durationMs: 12_500 }), sentAt(body));
    expect(bytes.toString('utf8')).toBe(body);
  });

  it('error check-in, then the event with the output tail as an attachment', () => {
    const { body, followed_by } = vector('error_checkin_then_event_with_attachment');
    expect(checkInEnvelope(buildCheckIn({ ...base, status: 'error', durationMs: 7_250 }), sentAt(body)).toString('utf8')).toBe(body);

    const event = buildFailureEvent({
      eventId: '9ec79c33ec9942ab8353589fcb2e04dc',
      spanId: 'b0e6f15b45c36b12',
      traceId: TRACE_ID,
      endedAt: new Date(1_767_236_407_250),
      slug: 'nightly-backup',
      environment: 'production',
      failed: true,
      message: 'nightly-backup failed with exit code 3',
      exitCode: 3,
      command: ['./backup.sh', '--full'],
      durationMs: 7_250,
    });
    const tail = Buffer.from('starting backup\nrsync: connection unexpectedly closed\nbackup failed\n');
    const bytes = eventEnvelope(event, [{ filename: 'output-tail.log', contentType: 'text/plain', data: tail }], sentAt(followed_by.body));
    expect(bytes.toString('utf8')).toBe(followed_by.body);
    expect(bytes.byteLength).toBe(followed_by.body_bytes);
  });

  it('keeps binary output bytes exact and counts them as bytes', () => {
    const tail = Buffer.from([0, 255, 10, 13, 0xe2, 0x82, 0xac]);
    const event = buildFailureEvent({
      eventId: '9ec79c33ec9942ab8353589fcb2e04dc',
      spanId: 'b0e6f15b45c36b12',
      traceId: TRACE_ID,
      endedAt: new Date(0),
      slug: 's',
      environment: 'production',
      failed: true,
      message: 'm',
      exitCode: 1,
      command: ['x'],
      durationMs: 1,
    });
    const bytes = eventEnvelope(event, [{ filename: 'output-tail.log', contentType: 'text/plain', data: tail }], new Date(0));
    const header = Buffer.from('"length":7,"filename":"output-tail.log"');
    expect(bytes.includes(header)).toBe(true);
    expect(bytes.subarray(bytes.byteLength - 8)).toEqual(Buffer.concat([tail, Buffer.from('\n')]));
  });
});
