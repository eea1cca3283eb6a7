// What `cronmon crontab` puts in the lines it writes, for user and system crontabs alike: the
// cronmon to run (and the node to run it with, where cron's PATH has none) and the time zone.

import { basename, isAbsolute } from 'node:path';
import { compiledExecutable } from '../util/runtime.js';
import type { Log } from '../util/log.js';
import { usageError } from '../util/errors.js';
import { isValidTimezone } from '../monitor/timezone.js';
import * as adopt from '../crontab/adopt.js';
import * as io from '../crontab/io.js';
import type { CrontabLine } from '../crontab/parse.js';
import { CRONMON_PATH, TIMEZONE } from '../config/flags.js';
import type { CrontabFlags } from '../config/command-flags.js';

export interface LineSettings {
  cronmonPath: string;
  /** The zone cron schedules jobs in when no CRON_TZ line says; undefined for UTC. */
  defaultTimezone?: string;
}

export function lineSettings(flags: CrontabFlags): LineSettings {
  const cronmonPath = typeof flags.cronmonPath === 'string' ? flags.cronmonPath : defaultCronmonPath();
  try {
    adopt.checkCronmonPath(cronmonPath);
  } catch (error) {
    throw usageError(`${CRONMON_PATH.long}: ${(error as Error).message}`);
  }
  if (typeof flags.timezone !== 'string') {
    const zone = systemTimezone();
    return zone === undefined ? { cronmonPath } : { cronmonPath, defaultTimezone: zone };
  }
  if (!isValidTimezone(flags.timezone)) {
    throw usageError(`${TIMEZONE.long} ${JSON.stringify(flags.timezone)} is not a tz database name Sentry accepts, e.g. Europe/Vienna`);
  }
  return { cronmonPath, defaultTimezone: flags.timezone };
}

const cronPathOf = (line: CrontabLine | undefined): string => (line?.kind === 'job' ? line.env.PATH : undefined) ?? io.CRON_DEFAULT_PATH;

/**
 * The node to name by its absolute path in a crontab's lines: bin/cronmon starts with
 * `#!/usr/bin/env node`, which fails where cron's PATH for a job has no node. Undefined when
 * every job's PATH has one, or the lines name a chosen cronmon (--cronmon-path) or the single
 * executable.
 */
export function interpreterFor(parsed: readonly CrontabLine[], flags: CrontabFlags): string | undefined {
  if (flags.cronmonPath !== undefined || !runsOnNode()) return undefined;
  const paths = new Set(parsed.filter((line) => line.kind === 'job').map(cronPathOf));
  return [...paths].some((path) => !io.findOnPath('node', path)) ? process.execPath : undefined;
}

export interface AdoptedCrontab {
  /** How messages name it: `your crontab`, `standard input`, a file. */
  source: string;
  parsed: readonly CrontabLine[];
  jobs: readonly adopt.AdoptedJob[];
  interpreter: string | undefined;
}

/**
 * Warns about lines cron would refuse, and wrapped jobs that cron's PATH could not start
 * (`nameSource`: say in which crontab, where several are read).
 */
export function warnAboutLines(log: Log, crontab: AdoptedCrontab, settings: LineSettings, nameSource = false): void {
  const { source, parsed, jobs, interpreter } = crontab;
  for (const line of parsed) {
    if (line.kind === 'invalid') log.warn(`line ${line.number} of ${source} is left alone: ${line.reason}`);
  }
  const paths = new Set(jobs.filter((job) => job.state === 'wrapped').map((job) => cronPathOf(parsed[job.line - 1])));
  for (const path of paths) {
    const reason = io.unreachableReason(settings.cronmonPath, path, interpreter === undefined ? process.execPath : undefined);
    if (reason)
      log.warn(`cron could not start the wrapped jobs${nameSource ? ` of ${source}` : ''}: ${reason}; add a PATH=… line above them or use --cronmon-path`);
  }
}

/** The --json form of a job. */
export function jobJson({ line, schedule, timezone, command, slug, state, reason }: adopt.AdoptedJob) {
  return { line, schedule, timezone: timezone ?? null, command, slug, state, ...(reason === undefined ? {} : { reason }) };
}

const runsOnNode = () => compiledExecutable() === undefined;

// This cronmon by its absolute path (crontabs run with PATH=/usr/bin:/bin): the single
// executable itself, or bin/cronmon; a bare `cronmon` when this one was not started through
// its bin script or lives in an npx cache.
function defaultCronmonPath(): string {
  const executable = compiledExecutable();
  if (executable !== undefined) return executable;
  const script = process.argv[1];
  if (script !== undefined && isAbsolute(script) && basename(script) === 'cronmon' && !script.includes('/_npx/')) return script;
  return 'cronmon';
}

// The zone cron schedules in when no CRON_TZ says otherwise: the system's. UTC is Sentry's
// default, so it is left out.
function systemTimezone(): string | undefined {
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || /^(Etc\/)?(UTC|UCT|GMT|Universal|Zulu|GMT[+-]?0)$/.test(zone) || !isValidTimezone(zone)) return undefined;
  return zone;
}
