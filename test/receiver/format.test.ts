import { describe, expect, it } from 'vitest';
import { formatRecord, recordJson } from '../../src/receiver/format.js';
import type { ReceiverRecord } from '../../src/receiver/ingest.js';

const time = new Date('2026-01-01T03:00:00Z');
const event = (payload: Record<string, unknown>): ReceiverRecord => ({
  type: 'event',
  time,
  projectId: '1',
  eventId: 'a'.repeat(32),
  event: payload,
  attachments: [],
});
const checkIn = (monitorConfig: Record<string, unknown>): ReceiverRecord => ({
  type: 'check_in',
  time,
  projectId: '1',
  via: 'envelope',
  notes: [],
  checkInId: 'b'.repeat(32),
  slug: 'job',
  sentSlug: 'job',
  status: 'ok',
  environment: 'production',
  monitorConfig,
  ignoredKeys: [],
});

describe('how cronmon listen shows an event', () => {
  it('gives an event without a level the one relay gives it, error', () => {
    expect(recordJson(event({ message: 'boom' }))).toMatchObject({ level: 'error' });
    expect(formatRecord(event({ message: 'boom' }))).toMatch(/event +- {2}- {2}error {2}"boom"$/);
    expect(recordJson(event({ message: 'boom', level: 'warning' }))).toMatchObject({ level: 'warning' });
  });

  it("shows an exception event's last exception, as Sentry titles it", () => {
    const exception = {
      values: [
        { type: 'OSError', value: 'disk full' },
        { type: 'BackupFailed', value: 'nightly backup failed' },
      ],
    };
    expect(recordJson(event({ exception }))).toMatchObject({ message: 'BackupFailed: nightly backup failed' });
    expect(formatRecord(event({ exception }))).toContain('"BackupFailed: nightly backup failed"');
    expect(recordJson(event({ exception: { values: [{ type: 'Error' }] } }))).toMatchObject({ message: 'Error' });
    expect(recordJson(event({ exception: { values: [{ value: 'no type' }] } }))).toMatchObject({ message: 'no type' });
    expect(recordJson(event({ message: 'said', exception }))).toMatchObject({ message: 'said' });
  });

  it('shows no message for exceptions it cannot read', () => {
    for (const exception of [undefined, null, 'boom', { values: 'x' }, { values: [] }, { values: [null] }, { values: [{ type: 3, value: {} }] }]) {
      expect(recordJson(event({ exception })).message, JSON.stringify(exception)).toBeUndefined();
    }
  });
});

describe('how cronmon listen shows a check-in schedule', () => {
  it('says intervals as people do: every 1 minute, every 10 minutes', () => {
    expect(formatRecord(checkIn({ schedule: { type: 'interval', value: 10, unit: 'minute' } }))).toContain('schedule every 10 minutes');
    expect(formatRecord(checkIn({ schedule: { type: 'interval', value: 1, unit: 'hour' }, timezone: 'Europe/Vienna' }))).toContain(
      'schedule every 1 hour Europe/Vienna',
    );
    expect(formatRecord(checkIn({ schedule: { type: 'crontab', value: '0 3 * * *' } }))).toContain('schedule 0 3 * * *');
  });
});
