import type { ApiMonitor } from '../../src/monitor/monitor-plan.js';

// A monitor as Sentry's REST API returns it.
export const EXISTING_MONITOR: ApiMonitor = {
  id: '1',
  slug: 'nightly-backup',
  name: 'Nightly backup',
  status: 'active',
  isMuted: false,
  owner: { type: 'team', id: '6' },
  config: {
    schedule_type: 'crontab',
    schedule: '0 3 * * *',
    checkin_margin: 5,
    max_runtime: null,
    timezone: 'UTC',
    failure_issue_threshold: 1,
    recovery_threshold: 1,
  },
};
