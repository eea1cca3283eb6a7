import { describe, expect, it } from 'vitest';
import { buildMonitorConfig, type MonitorConfig } from '../../src/monitor/monitor-config.js';
import { MONITOR_FLAG_LABELS as FLAG_LABELS } from '../../src/config/flags.js';
import { EXISTING_MONITOR } from '../support/api-monitor.js';
import { createBody, describeSchedule, diffMonitor, restConfig, updateBody } from '../../src/monitor/monitor-plan.js';

const config = (input: Parameters<typeof buildMonitorConfig>[0]): MonitorConfig => {
  const built = buildMonitorConfig(input, FLAG_LABELS);
  if (!built) throw new Error('expected a config');
  return built;
};

const existing = EXISTING_MONITOR;

describe('REST bodies', () => {
  it('writes crontab and interval schedules in the REST form', () => {
    expect(restConfig(config({ schedule: '@daily', owner: 'team:6', checkinMargin: 5 }))).toEqual({
      schedule_type: 'crontab',
      schedule: '0 0 * * *',
      checkin_margin: 5,
    });
    expect(restConfig(config({ interval: '2 hours' }))).toEqual({ schedule_type: 'interval', schedule: [2, 'hour'] });
  });

  it('creates with project, name (defaulting to the slug) and owner; never isMuted, which Sentry ignores on create', () => {
    expect(createBody({ slug: 'job', config: config({ schedule: '@hourly', owner: 'user:2' }) }, 'jobs')).toEqual({
      project: 'jobs',
      name: 'job',
      slug: 'job',
      owner: 'user:2',
      config: { schedule_type: 'crontab', schedule: '0 * * * *' },
    });
    const muted = createBody({ slug: 'job', name: 'Job', muted: true, config: config({ schedule: '@hourly' }) }, 'jobs');
    expect(muted).toMatchObject({ name: 'Job' });
    expect(muted).not.toHaveProperty('isMuted');
  });

  it('updates only what was declared', () => {
    expect(updateBody({ slug: 'job', config: config({ schedule: '@hourly' }) })).toEqual({ config: { schedule_type: 'crontab', schedule: '0 * * * *' } });
    expect(updateBody({ slug: 'job', name: 'Job', muted: false, config: config({ schedule: '@hourly' }) })).toMatchObject({ name: 'Job', isMuted: false });
  });
});

describe('describeSchedule', () => {
  it('prints intervals as "every N unit(s)" and crontabs as they are', () => {
    expect(describeSchedule({ schedule_type: 'interval', schedule: [1, 'hour'] })).toBe('every 1 hour');
    expect(describeSchedule({ schedule_type: 'interval', schedule: [10, 'minute'] })).toBe('every 10 minutes');
    expect(describeSchedule({ schedule_type: 'crontab', schedule: '0 3 * * *' })).toBe('0 3 * * *');
  });
});

describe('diffMonitor', () => {
  it('reports nothing when the declared settings match', () => {
    expect(
      diffMonitor(existing, { slug: 'nightly-backup', config: config({ schedule: '0 3 * * *', checkinMargin: 5, timezone: 'UTC', owner: 'team:6' }) }),
    ).toEqual([]);
  });

  it('reports each declared difference, leaving undeclared fields alone', () => {
    const changes = diffMonitor(existing, {
      slug: 'nightly-backup',
      name: 'Backup',
      muted: true,
      config: config({ interval: '1 day', maxRuntime: 30, owner: 'user:1' }),
    });
    expect(changes).toEqual([
      { field: 'name', from: 'Nightly backup', to: 'Backup' },
      { field: 'muted', from: 'false', to: 'true' },
      { field: 'owner', from: 'team:6', to: 'user:1' },
      { field: 'schedule', from: '0 3 * * *', to: 'every 1 day' },
      { field: 'max_runtime', from: '(none)', to: '30' },
    ]);
  });
});
