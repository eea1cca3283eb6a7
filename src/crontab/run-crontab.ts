import { basename, isAbsolute } from 'node:path';
import { cacheDir } from '../config/paths.js';
import { createCommandLog, isOn } from '../config/reporting-settings.js';
import { usageError } from '../errors.js';
import { isValidTimezone } from '../monitor/timezone.js';
import { compiledExecutable } from '../runtime.js';
import * as adopt from './adopt.js';
import * as io from './io.js';
import * as parse from './parse.js';
import { report } from './report.js';

export interface CrontabFlags {
  apply?: boolean;
  json?: boolean;
  cronmonPath?: string;
  timezone?: string;
  quiet?: boolean;
  verbose?: boolean;
}

// `cronmon crontab [file|-]`: reads the crontab, shows each job beside its wrapped form, and with
// --apply writes the result back after saving a backup.
export async function runCrontab(file: string | undefined, flags: CrontabFlags, env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Promise<void> {
  const log = createCommandLog(flags, env, stderrIsTTY);
  const quiet = flags.quiet === true || isOn(env.CRONMON_QUIET);
  const apply = flags.apply === true;
  if (apply && file === '-') {
    throw usageError('--apply cannot write back to standard input: name the crontab file, or leave it out to change your own crontab');
  }
  if (file !== undefined && file !== '-' && io.isSystemCrontabPath(file)) {
    throw usageError(`${file} is a system crontab (its lines name a user); only user crontabs are supported (crontab -l, or a file in that format)`);
  }
  const cronmonPath = typeof flags.cronmonPath === 'string' ? flags.cronmonPath : defaultCronmonPath();
  try {
    adopt.checkCronmonPath(cronmonPath);
  } catch (error) {
    throw usageError(`--cronmon-path: ${(error as Error).message}`);
  }
  let defaultTimezone: string | undefined;
  if (typeof flags.timezone === 'string') {
    if (!isValidTimezone(flags.timezone)) {
      throw usageError(`--timezone ${JSON.stringify(flags.timezone)} is not a tz database name Sentry accepts, e.g. Europe/Vienna`);
    }
    defaultTimezone = flags.timezone;
  } else {
    defaultTimezone = systemTimezone(isValidTimezone);
  }

  const source = file === undefined ? 'your crontab' : file === '-' ? 'standard input' : file;
  const text = file === undefined ? await io.readUserCrontab() : await io.readCrontabFile(file);
  const parsed = parse.parseCrontabText(text);
  const hint = parse.systemCrontabHint(parsed);
  if (hint) throw usageError(`${source} looks like a system crontab: ${hint}; only user crontabs are supported`);
  const result = adopt.adoptCrontab(text, defaultTimezone === undefined ? { cronmonPath } : { cronmonPath, defaultTimezone });

  for (const line of parsed) {
    if (line.kind === 'invalid') log.warn(`line ${line.number} of ${source} is left alone: ${line.reason}`);
  }
  const toWrap = result.jobs.filter((job) => job.state === 'wrapped');
  const paths = new Set(toWrap.map((job) => envOf(parsed[job.line - 1]).PATH ?? io.CRON_DEFAULT_PATH));
  for (const path of paths) {
    const reason = io.unreachableReason(cronmonPath, path);
    if (reason) log.warn(`cron could not start the wrapped jobs: ${reason}; add a PATH=… line above them or use --cronmon-path`);
  }

  let backup: string | undefined;
  if (apply && toWrap.length > 0) {
    const newText = adopt.crontabText(result.lines);
    backup = file === undefined ? await io.installUserCrontab(newText, text, cacheDir(env)) : await io.writeCrontabFile(file, newText);
  }

  if (flags.json === true) {
    const jobs = result.jobs.map(({ line, schedule, timezone, command, slug, state, reason }) => ({
      line,
      schedule,
      timezone: timezone ?? null,
      command,
      slug,
      state,
      ...(reason === undefined ? {} : { reason }),
    }));
    process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
    if (backup !== undefined && !quiet) log.print(`cronmon: wrote ${source}; the previous version is saved as ${backup}\n`);
  } else {
    process.stdout.write(report(result.jobs, source, apply, backup));
  }
}

const envOf = (line: { kind: string; env?: Readonly<Record<string, string>> } | undefined): Readonly<Record<string, string>> =>
  line?.env ?? {};

// The installed cronmon, by absolute path (crontabs run with PATH=/usr/bin:/bin): the single
// executable, or the bin script; a bare `cronmon` when this one was not started through its bin
// script or lives in an npx cache.
function defaultCronmonPath(): string {
  const executable = compiledExecutable();
  if (executable !== undefined) return executable;
  const script = process.argv[1];
  if (script !== undefined && isAbsolute(script) && basename(script) === 'cronmon' && !script.includes('/_npx/')) return script;
  return 'cronmon';
}

// The zone cron schedules in when no CRON_TZ says otherwise: the system's. UTC is Sentry's
// default, so it is left out.
function systemTimezone(isValid: (zone: string) => boolean): string | undefined {
  const zone = new Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || /^(Etc\/)?(UTC|UCT|GMT|Universal|Zulu|GMT[+-]?0)$/.test(zone) || !isValid(zone)) return undefined;
  return zone;
}
