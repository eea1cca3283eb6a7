import { readFileSync, readlinkSync } from 'node:fs';
import { isValidTimezone } from './timezone.js';

// The time zone cron evaluates a crontab schedule in, so that Sentry expects each run when
// cron starts it. Without one Sentry reads the schedule in UTC, and on a host in any other zone
// reports every run as missed. cron itself uses CRON_TZ (cronie, and set in the crontab it
// reaches the job's environment), else the zone of its own process: TZ, else the system zone.
export interface CronZone {
  zone: string;
  // Where it came from, for --dry-run and -v.
  source: string;
}

export interface ZoneSources {
  readLink(path: string): string;
  readFile(path: string): string;
  intlZone(): string | undefined;
}

const SYSTEM: ZoneSources = {
  readLink: (path) => readlinkSync(path),
  readFile: (path) => readFileSync(path, 'utf8'),
  intlZone: () => Intl.DateTimeFormat().resolvedOptions().timeZone,
};

// "Europe/Vienna", ":Europe/Vienna" or a path into a zoneinfo directory, as TZ and
// /etc/localtime give it; undefined when that is no name Sentry knows (a POSIX rule like
// "CET-1CEST", a file of another layout).
export function zoneName(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const name = value
    .trim()
    .replace(/^:/, '')
    .replace(/^.*\/zoneinfo\/(?:posix\/|right\/)?/, '');
  return name !== '' && isValidTimezone(name) ? name : undefined;
}

export function cronZone(env: NodeJS.ProcessEnv, sources: ZoneSources = SYSTEM): CronZone {
  for (const [value, source] of [
    [env.CRON_TZ, 'CRON_TZ'],
    [env.TZ, 'TZ'],
  ] as const) {
    const zone = zoneName(value);
    if (zone !== undefined) return { zone, source };
  }
  return systemZone(sources) ?? { zone: 'UTC', source: 'no time zone found, UTC' };
}

// The zone the cron daemon runs in: the system's, as /etc/localtime (or Debian's /etc/timezone)
// names it; Intl's guess last.
export function systemZone(sources: ZoneSources = SYSTEM): CronZone | undefined {
  const candidates: [() => string | undefined, string][] = [
    [() => sources.readLink('/etc/localtime'), 'the system time zone, /etc/localtime'],
    [() => sources.readFile('/etc/timezone'), 'the system time zone, /etc/timezone'],
    [() => sources.intlZone(), 'the system time zone'],
  ];
  for (const [read, source] of candidates) {
    try {
      const zone = zoneName(read());
      if (zone !== undefined) return { zone, source };
    } catch {
      // Not there: the next one.
    }
  }
  return undefined;
}
