import { isRecord } from '../util/is-record.js';
import type { ApiMonitor } from '../monitor/monitor-plan.js';

// What cronmon reads of a monitor the REST API returned, checked before use: a proxy's page or
// a broken server must become one clear error, not a crash halfway through the table.

const isText = (value: unknown): value is string => typeof value === 'string';
const absentOr = (value: unknown, check: (value: unknown) => boolean) => value === undefined || value === null || check(value);

const isSchedule = (value: unknown) => isText(value) || (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && isText(value[1]));

const isEnvironment = (value: unknown) => isRecord(value) && isText(value.name) && isText(value.status) && absentOr(value.lastCheckIn, isText);

export function isApiMonitor(value: unknown): value is ApiMonitor {
  if (!isRecord(value) || !isText(value.slug) || !isText(value.name) || !isText(value.status)) return false;
  const { config, environments, project, owner, isMuted } = value;
  return (
    isRecord(config) &&
    isSchedule(config.schedule) &&
    absentOr(config.timezone, isText) &&
    (isMuted === undefined || typeof isMuted === 'boolean') &&
    absentOr(project, (p) => isRecord(p) && isText(p.slug)) &&
    absentOr(owner, (o) => isRecord(o) && isText(o.type)) &&
    (environments === undefined || (Array.isArray(environments) && environments.every(isEnvironment)))
  );
}
