import { Command } from 'commander';
import { basename, isAbsolute } from 'node:path';
import { usageError } from '../errors.js';
import { addOutputOptions } from './options.js';

export function makeCrontabCommand(): Command {
  const command = new Command('crontab')
    .description('find the jobs of a crontab and show them wrapped in `cronmon exec`; --apply writes that back')
    .argument('[file]', 'crontab file to read, - for standard input (default: your crontab, from crontab -l)')
    .option('--apply', 'write the wrapped lines back: to the file after saving <file>.cronmon-backup-<time>, or with crontab - after saving a copy in the cache directory')
    .option('--json', 'print the jobs as a JSON array (line, schedule, timezone, command, slug, state, reason)')
    .option('--cronmon-path <path>', 'cronmon command to put in the lines (default: the absolute path of this cronmon)')
    .option('--timezone <iana>', "time zone cron runs the jobs in, for jobs without a CRON_TZ line (default: this system's)");
  addOutputOptions(command);
  return command.action(async (file: string | undefined, flags: Record<string, unknown>) => {
    const [adopt, parse, io, { cacheDir }, { isValidTimezone }, { createLog }] = await Promise.all([
      import('../crontab/adopt.js'),
      import('../crontab/parse.js'),
      import('../crontab/io.js'),
      import('../config/paths.js'),
      import('../monitor/timezone.js'),
      import('../log.js'),
    ]);
    const quiet = flags.quiet === true || process.env.CRONMON_QUIET === '1';
    const log = createLog({
      quiet,
      verbose: flags.verbose === true || process.env.CRONMON_DEBUG === '1',
      stderrIsTTY: process.stderr.isTTY === true,
    });
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
      backup = file === undefined ? await io.installUserCrontab(newText, text, cacheDir()) : await io.writeCrontabFile(file, newText);
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
  });
}

interface JobView {
  line: number;
  slug: string | null;
  state: 'wrapped' | 'already-wrapped' | 'skipped';
  reason?: string;
  before: string;
  after: string;
}

// The human-readable listing: each job line, and what becomes of it.
function report(jobs: readonly JobView[], source: string, apply: boolean, backup: string | undefined): string {
  if (jobs.length === 0) return `No cron jobs in ${source}.\n`;
  const out: string[] = [];
  for (const job of jobs) {
    if (job.state === 'wrapped') {
      out.push(`line ${job.line}: ${apply ? 'wrapped' : 'to wrap'}, slug ${job.slug ?? ''}`, `  - ${job.before}`, `  + ${job.after}`);
      if (job.reason !== undefined) out.push(`  note: ${job.reason}`);
    } else if (job.state === 'already-wrapped') {
      const what = job.slug === null ? 'already wrapped' : `already wrapped, slug ${job.slug}`;
      out.push(`line ${job.line}: ${what}${job.reason !== undefined ? ` (${job.reason})` : ''}`, `    ${job.before}`);
    } else {
      out.push(`line ${job.line}: left alone: ${job.reason ?? ''}`, `    ${job.before}`);
    }
  }
  const count = (state: JobView['state']) => jobs.filter((job) => job.state === state).length;
  const wrapped = count('wrapped');
  out.push(
    '',
    `${jobs.length} job${jobs.length === 1 ? '' : 's'} in ${source}: ${wrapped} ${apply ? 'wrapped' : 'to wrap'}, ` +
      `${count('already-wrapped')} already wrapped, ${count('skipped')} left alone.`,
  );
  if (wrapped === 0) out.push('Nothing to change.');
  else if (backup !== undefined) out.push(`Wrote ${source}; the previous version is saved as ${backup}.`);
  else out.push('Run again with --apply to write this (a backup is saved first).');
  return `${out.join('\n')}\n`;
}

const envOf = (line: { kind: string; env?: Readonly<Record<string, string>> } | undefined): Readonly<Record<string, string>> =>
  line?.env ?? {};

// The installed cronmon, by absolute path (crontabs run with PATH=/usr/bin:/bin); a bare
// `cronmon` when this one was not started through its bin script or lives in an npx cache.
function defaultCronmonPath(): string {
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
