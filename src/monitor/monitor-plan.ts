import type { MonitorConfig } from './monitor-config.js';

// What `cronmon upsert` wants a monitor to be, and how that differs from what Sentry has.

export interface DesiredMonitor {
  slug: string;
  name?: string | undefined;
  muted?: boolean | undefined;
  config: MonitorConfig;
}

// The parts of the REST API's monitor serialisation that cronmon reads.
export interface ApiMonitor {
  id: string;
  slug: string;
  name: string;
  status: string;
  isMuted?: boolean;
  owner?: { type: string; id: string; name?: string } | null;
  project?: { slug: string; name?: string } | null;
  config: {
    schedule_type: 'crontab' | 'interval';
    schedule: string | [number, string];
    checkin_margin?: number | null;
    max_runtime?: number | null;
    timezone?: string | null;
    failure_issue_threshold?: number | null;
    recovery_threshold?: number | null;
  };
  environments?: { name: string; status: string; isMuted?: boolean; lastCheckIn?: string | null; nextCheckIn?: string | null }[];
}

export interface Change {
  field: string;
  from: string;
  to: string;
}

type RestConfig = Record<string, unknown>;

// The REST form of a schedule: a crontab string or a [value, unit] tuple, with schedule_type.
export function restConfig(config: MonitorConfig): RestConfig {
  const { schedule, owner: _owner, ...rest } = config;
  return schedule.type === 'crontab'
    ? { schedule_type: 'crontab', schedule: schedule.value, ...rest }
    : { schedule_type: 'interval', schedule: [schedule.value, schedule.unit], ...rest };
}

// Sentry ignores isMuted when it creates a monitor (a new one is never muted): muting a new
// monitor takes an update after the create.
export function createBody(desired: DesiredMonitor, project: string): Record<string, unknown> {
  return {
    project,
    name: desired.name ?? desired.slug,
    slug: desired.slug,
    ...(desired.config.owner ? { owner: desired.config.owner } : {}),
    config: restConfig(desired.config),
  };
}

export function describeSchedule(config: Pick<ApiMonitor['config'], 'schedule_type' | 'schedule'>): string {
  if (Array.isArray(config.schedule)) {
    const [value, unit] = config.schedule;
    return `every ${value} ${unit}${value === 1 ? '' : 's'}`;
  }
  return String(config.schedule);
}

const show = (value: unknown): string => (value === undefined || value === null || value === '' ? '(none)' : String(value));

// Only what the user declared is compared and changed: unset fields keep Sentry's values.
export function diffMonitor(existing: ApiMonitor, desired: DesiredMonitor): Change[] {
  const changes: Change[] = [];
  const compare = (field: string, from: unknown, to: unknown) => {
    if (to !== undefined && show(from) !== show(to)) changes.push({ field, from: show(from), to: show(to) });
  };
  compare('name', existing.name, desired.name);
  compare('muted', existing.isMuted, desired.muted);
  const owner = existing.owner ? `${existing.owner.type}:${existing.owner.id}` : undefined;
  compare('owner', owner, desired.config.owner);
  const wanted = restConfig(desired.config);
  compare('schedule', describeSchedule(existing.config), describeSchedule(wanted as ApiMonitor['config']));
  for (const key of ['checkin_margin', 'max_runtime', 'timezone', 'failure_issue_threshold', 'recovery_threshold'] as const) {
    compare(key, existing.config[key], wanted[key]);
  }
  return changes;
}

// A partial update: the config is merged into the existing one by Sentry.
export function updateBody(desired: DesiredMonitor): Record<string, unknown> {
  return {
    ...(desired.name !== undefined ? { name: desired.name } : {}),
    ...(desired.muted !== undefined ? { isMuted: desired.muted } : {}),
    ...(desired.config.owner ? { owner: desired.config.owner } : {}),
    config: restConfig(desired.config),
  };
}
