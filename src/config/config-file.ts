import { CronmonError, isCronmonError } from '../util/errors.js';
import { normaliseEnvironment } from '../monitor/environment.js';
import { buildMonitorConfig, type MonitorConfigInput } from '../monitor/monitor-config.js';
import { requireSlug } from '../monitor/slug.js';
import { parseDuration } from '../util/duration.js';
import { checkHeader } from './headers.js';
import { isRecord as isObject } from '../util/is-record.js';

// One monitor declared in the config file (monitors as code).
export interface MonitorEntry extends MonitorConfigInput {
  name?: string | undefined;
  muted?: boolean | undefined;
  timeout?: string | undefined;
  killGrace?: string | undefined;
}

export interface CronmonConfig {
  file: string;
  dsn?: string | undefined;
  environment?: string | undefined;
  org?: string | undefined;
  project?: string | undefined;
  url?: string | undefined;
  // false: failure events leave out the host name (as --no-server-name).
  serverName?: boolean | undefined;
  // A proxy for every request (the environment's *_PROXY variables win), and extra headers.
  proxy?: string | undefined;
  headers?: Record<string, string> | undefined;
  // Keyed by the normalised slug.
  monitors: Record<string, MonitorEntry>;
}

const TOP_KEYS = ['dsn', 'environment', 'org', 'project', 'url', 'proxy', 'headers', 'serverName', 'monitors'] as const;
const NUMBER_KEYS = ['checkinMargin', 'maxRuntime', 'failureThreshold', 'recoveryThreshold'] as const;
const STRING_KEYS = ['schedule', 'interval', 'timezone', 'owner', 'name', 'timeout', 'killGrace'] as const;
const MONITOR_KEYS: readonly string[] = [...STRING_KEYS, ...NUMBER_KEYS, 'muted'];

// Checks a loaded config against cronmon's schema and Sentry's rules. Every error names the
// file, the key and the rule (exit 2).
export function validateConfig(raw: unknown, file: string): CronmonConfig {
  const fail = (key: string, rule: string): never => {
    throw new CronmonError('config', `${file}: ${key} ${rule}`);
  };
  if (!isObject(raw)) return fail('(top level)', 'must be an object');
  for (const key of Object.keys(raw)) {
    if (!(TOP_KEYS as readonly string[]).includes(key)) fail(key, `is not a known key (expected one of: ${TOP_KEYS.join(', ')})`);
  }
  const text = (key: string, value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : fail(key, 'must be a string');
  };
  const config: CronmonConfig = {
    file,
    dsn: text('dsn', raw.dsn),
    environment: text('environment', raw.environment),
    org: text('org', raw.org),
    project: text('project', raw.project),
    url: text('url', raw.url),
    serverName: raw.serverName === undefined || typeof raw.serverName === 'boolean' ? raw.serverName : fail('serverName', 'must be true or false'),
    proxy: text('proxy', raw.proxy),
    headers: validateHeaders(raw.headers, fail, file),
    // No prototype: a monitor named "constructor" must not collide with Object.prototype, and a
    // lookup of an undeclared slug must find nothing.
    monitors: Object.create(null) as Record<string, MonitorEntry>,
  };
  inFile(file, () => config.environment !== undefined && normaliseEnvironment(config.environment, 'environment'));
  if (raw.monitors === undefined) return config;
  if (!isObject(raw.monitors)) return fail('monitors', 'must be a map of slug to monitor settings');
  for (const [key, value] of Object.entries(raw.monitors)) {
    const path = `monitors.${key}`;
    if (!isObject(value)) return fail(path, 'must be an object of monitor settings');
    const slug = inFile(file, () => requireSlug(key, `monitors key "${key}"`));
    if (config.monitors[slug]) fail(path, `has the same slug as another monitor (${slug})`);
    config.monitors[slug] = validateMonitor(value, path, fail, file);
  }
  return config;
}

function validateMonitor(value: Record<string, unknown>, path: string, fail: (key: string, rule: string) => never, file: string): MonitorEntry {
  const entry: MonitorEntry = {};
  for (const [key, field] of Object.entries(value)) {
    if (!MONITOR_KEYS.includes(key)) fail(`${path}.${key}`, `is not a known key (expected one of: ${MONITOR_KEYS.join(', ')})`);
    if ((STRING_KEYS as readonly string[]).includes(key) && typeof field !== 'string') fail(`${path}.${key}`, 'must be a string');
    if ((NUMBER_KEYS as readonly string[]).includes(key) && typeof field !== 'number') fail(`${path}.${key}`, 'must be a whole number');
    if (key === 'muted' && typeof field !== 'boolean') fail(`${path}.${key}`, 'must be true or false');
    (entry as Record<string, unknown>)[key] = field;
  }
  const label = (key: string) => `${path}.${key}`;
  inFile(file, () => {
    buildMonitorConfig(entry, {
      schedule: label('schedule'),
      interval: label('interval'),
      timezone: label('timezone'),
      checkinMargin: label('checkinMargin'),
      maxRuntime: label('maxRuntime'),
      failureThreshold: label('failureThreshold'),
      recoveryThreshold: label('recoveryThreshold'),
      owner: label('owner'),
    });
    if (entry.timeout !== undefined) parseDuration(entry.timeout, label('timeout'));
    if (entry.killGrace !== undefined) parseDuration(entry.killGrace, label('killGrace'));
  });
  if (entry.name !== undefined && (entry.name.length === 0 || entry.name.length > 128)) fail(label('name'), 'must be 1 to 128 characters');
  return entry;
}

// `headers: { Name: value }`: the same rules as --header.
function validateHeaders(value: unknown, fail: (key: string, rule: string) => never, file: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) return fail('headers', 'must be a map of header name to value');
  const headers: Record<string, string> = {};
  for (const [name, field] of Object.entries(value)) {
    if (typeof field !== 'string') fail(`headers.${name}`, 'must be a string');
    inFile(file, () => checkHeader(name, String(field), 'headers'));
    headers[name] = String(field);
  }
  return headers;
}

// Re-labels a validation error from the shared rules as a config error in this file.
function inFile<T>(file: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (isCronmonError(error) && error.code === 'usage') throw new CronmonError('config', `${file}: ${error.message}`);
    throw error;
  }
}
