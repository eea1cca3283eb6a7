import { describe, expect, it } from 'vitest';
import { formatMonitorTable, healthOf } from '../../src/commands/monitor-table.js';
import { PLAIN, type Paint } from '../../src/util/colour.js';
import { EXISTING_MONITOR } from '../support/api-monitor.js';

const existing = EXISTING_MONITOR;

describe('formatMonitorTable', () => {
  it('lists slug, name, schedule with time zone, status and environments', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const table = formatMonitorTable(
      [
        { ...existing, environments: [{ name: 'production', status: 'ok', lastCheckIn: '2026-01-01T11:59:30Z' }] },
        { ...existing, slug: 'hourly', name: 'Hourly', isMuted: true, config: { schedule_type: 'interval', schedule: [1, 'hour'] }, environments: [] },
      ],
      PLAIN,
      now,
    );
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^SLUG\s+NAME\s+SCHEDULE\s+STATUS\s+ENVIRONMENTS$/);
    expect(lines[1]).toMatch(/^nightly-backup\s+Nightly backup\s+0 3 \* \* \* \(UTC\)\s+active\s+production: ok 30s ago$/);
    expect(lines[2]).toMatch(/^hourly\s+Hourly\s+every 1 hour\s+active, muted\s+no check-ins yet$/);
  });

  it('classifies statuses by health', () => {
    expect(healthOf('ok')).toBe('good');
    for (const status of ['error', 'missed_checkin', 'timeout']) expect(healthOf(status)).toBe('bad');
    expect(healthOf('active')).toBe('idle');
  });
});

describe('formatMonitorTable colours', () => {
  // Each painter marks its text, so the test sees which meaning each cell got.
  const TAGGED: Paint = { good: (t) => `<good>${t}`, bad: (t) => `<bad>${t}`, busy: (t) => `<busy>${t}`, dim: (t) => `<dim>${t}` };

  it('paints each environment by its health, and an unused monitor dim', () => {
    const environments = [
      { name: 'production', status: 'ok', lastCheckIn: null },
      { name: 'staging', status: 'missed_checkin', lastCheckIn: null },
      { name: 'dev', status: 'active', lastCheckIn: null },
    ];
    const table = formatMonitorTable(
      [
        { ...existing, environments },
        { ...existing, slug: 'unused', environments: [] },
      ],
      TAGGED,
    );
    const [, used, unused] = table.split('\n');
    expect(used).toContain('<good>production: ok never, <bad>staging: missed_checkin never, <dim>dev: active never');
    expect(unused).toContain('<dim>no check-ins yet');
  });
});
