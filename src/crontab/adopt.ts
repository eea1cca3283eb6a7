// Rewrites the jobs of a crontab so that each runs under `cronmon exec`, reporting to a monitor
// whose schedule (and time zone) is the line's own. Pure: no I/O.
//
//   0 3 * * * /usr/local/bin/backup.sh --full
// becomes
//   0 3 * * * cronmon exec --slug backup-full --schedule '0 3 * * *' -- /usr/local/bin/backup.sh --full
//
// In a system crontab (/etc/crontab, /etc/cron.d/*) the user field stays where it is, before
// the command: `0 3 * * * root cronmon exec … -- …`. Several crontabs adopted together
// (adoptCrontabs) share their slugs: no derived slug repeats one used in any of them.
//
// Rules, in the order they are applied to each job line:
// - A line whose command already runs cronmon (`cronmon …`, `/path/to/cronmon …`, or the
//   configured --cronmon-path) is left alone: `cronmon exec` lines are reported as
//   already-wrapped with their slug, other cronmon subcommands as skipped. This is what makes
//   adopting idempotent: a wrapped line is always recognised as such.
// - `# cronmon: skip` (at the end of the line or on the line directly above) leaves it alone.
// - @reboot has no schedule Sentry could check against; such lines are left alone.
// - A schedule or CRON_TZ that Sentry would refuse is left alone with the reason, because
//   `cronmon exec` refuses bad values before running the job, which would stop the job.
// - Otherwise the line is wrapped. The slug is, in order of precedence: `# cronmon: slug=<slug>`
//   at the end of the line, the same comment on the line directly above, or one derived from the
//   command (deriveSlug). Derived slugs never repeat a slug used elsewhere in the file: the
//   second `backup` becomes `backup-2`, then `backup-3`.
//
// How the command is kept: cron runs `<shell> -c '<command>'`. When the command is one simple
// command (words, quotes, expansions, redirections), it is kept exactly as written after `--`,
// so the shell expands it as before and `cronmon exec` receives the job's argv. When it is
// more than that (`cd /app && ./run`, pipes, `;`, `VAR=x cmd`, shell keywords or builtins),
// wrapping it as-is would monitor only its first part, or run `cd` as a program; it is then
// handed to the crontab's shell instead: `-- /bin/sh -c '<command>'`.
//
// `%` (see parse.ts splitCronInput): cron processes `%` on the whole line before the shell sees
// it, so the job's text is never re-escaped for it. A command kept verbatim keeps its `%`s and
// `\%`s as they are. In the `sh -c '…'` form only the part before the first unescaped `%` goes
// inside the quotes and the `%…` stdin part follows the closing quote unchanged; turning each
// `'` into `'\''` changes no backslash-`%` pairing, so cron splits the new line at the same `%`
// and hands the inner shell the same text as before.

import { parseCrontab } from '../monitor/schedule.js';
import { normaliseSlug } from '../monitor/slug.js';
import { isValidTimezone } from '../monitor/timezone.js';
import { readCronmonCall } from './cronmon-line.js';
import { deriveSlug, uniqueSlug } from './derive-slug.js';
import { parseCrontabText, type CrontabLine, type Directive, type JobLine } from './parse.js';
import { lexShell, simpleCommands } from './shell-lex.js';
import { needsShell, quoteScript, shellQuote } from './shell-words.js';

export type JobState = 'wrapped' | 'already-wrapped' | 'skipped';

export interface AdoptedJob {
  /** 1-based line number in the crontab. */
  line: number;
  /** The user field of a system crontab's line. */
  user?: string;
  /** The schedule as cron reads it (five fields joined by single spaces, or the @-alias). */
  schedule: string;
  /** The time zone of the monitor, when known. */
  timezone?: string;
  /** The job's command: as written (without a `# cronmon:` comment); for wrapped lines, what follows `--`. */
  command: string;
  /** The monitor the line reports to; null when it reports to none (skipped, or no slug found). */
  slug: string | null;
  /** wrapped: the line is (or, without --apply, would be) rewritten. */
  state: JobState;
  /** Why a line is left alone, or something to check about a wrapped one. */
  reason?: string;
  /** The line before and after. Equal unless state is wrapped. */
  before: string;
  after: string;
}

export interface AdoptResult {
  /** The lines of the new crontab; crontabText() joins them. */
  lines: string[];
  jobs: AdoptedJob[];
}

export interface AdoptOptions {
  /** The cronmon command put in wrapped lines; default `cronmon`. Crontabs have a minimal PATH. */
  cronmonPath?: string;
  /** The zone cron evaluates schedules in when no CRON_TZ line says (the system's). */
  defaultTimezone?: string;
  /** The runtime to start cronmonPath with, by absolute path, where cron's PATH has none. */
  interpreter?: string;
  /** A system crontab: a user field between the schedule and the command, kept as it is. */
  userField?: boolean;
  /**
   * Why `user` could not start the programs a wrapped line names (cronmon, its interpreter), or
   * undefined when it can. A job that could not start is left as it is.
   */
  unreachableFor?: (user: string) => string | undefined;
}

export interface CrontabInput {
  text: string;
  options?: AdoptOptions;
  /** How notes about another crontab's lines name this one (a file name). */
  name?: string;
}

const DEFAULT_SHELL = '/bin/sh';
// cron's @midnight is Sentry's @daily; the other aliases cronmon exec accepts as they are.
const ALIAS_SCHEDULES: Readonly<Record<string, string>> = { '@midnight': '0 0 * * *' };

/** The crontab text for adopted lines; always ending in a newline, as cron requires. */
export const crontabText = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join('');

/** Throws when a cronmon path cannot be written into a crontab line. */
export function checkCronmonPath(path: string): void {
  if (path === '') throw new Error('the cronmon path is empty');
  if (/[%\n\r\0]/.test(path)) throw new Error(`the cronmon path ${JSON.stringify(path)} contains %, a newline or NUL, which a crontab line cannot carry`);
}

interface Pending {
  job: JobLine;
  index: number;
  result: AdoptedJob;
  // Set for lines to wrap: how to build the line once the slug is known.
  build?: (slug: string) => string;
  explicitSlug?: string;
}

interface Context {
  cronmonPath: string;
  launcher: string;
  options: AdoptOptions;
}

// A user name as the user field of a system crontab holds it (POSIX portable names; `@` for
// directory users, a final `$` for machine accounts). Anything else, a path say, means the file is
// a user crontab read as a system one: wrapping it would put cronmon in the middle of the command.
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]*\$?$/;

export function adoptCrontab(text: string, options: AdoptOptions = {}): AdoptResult {
  return adoptCrontabs([{ text, options }])[0] as AdoptResult;
}

/** Adopts several crontabs at once: their slugs are unique across all of them. */
export function adoptCrontabs(inputs: readonly CrontabInput[]): AdoptResult[] {
  const files = inputs.map(({ text, options = {} }, file) => {
    const cronmonPath = options.cronmonPath ?? 'cronmon';
    checkCronmonPath(cronmonPath);
    if (options.interpreter !== undefined) checkCronmonPath(options.interpreter);
    const launcher = (options.interpreter === undefined ? [cronmonPath] : [options.interpreter, cronmonPath]).map(shellQuote).join(' ');
    const parsed = parseCrontabText(text, { userField: options.userField === true });
    const pending: Pending[] = [];
    parsed.forEach((line, index) => {
      if (line.kind === 'job') pending.push(classify(line, index, parsed[index - 1], { cronmonPath, launcher, options }));
    });
    return { file, parsed, pending };
  });
  const everyJob = files.flatMap(({ file, pending }) => pending.map((item) => ({ file, item })));

  // Slugs named explicitly (directives, already-wrapped lines) are taken first, so that a
  // derived slug never takes one that a later line asks for.
  const used = new Map<string, { file: number; line: number }>();
  const where = (at: { file: number; line: number }, from: number) =>
    at.file === from ? `line ${at.line}` : `line ${at.line} of ${inputs[at.file]?.name ?? `crontab ${at.file + 1}`}`;
  for (const { file, item } of everyJob) {
    const slug = item.explicitSlug ?? (item.result.state === 'already-wrapped' ? item.result.slug : null);
    if (slug === null || slug === undefined) continue;
    const earlier = used.get(slug);
    if (earlier !== undefined && item.explicitSlug !== undefined) {
      addReason(item.result, `slug ${slug} is also used by ${where(earlier, file)}: both lines report to one monitor`);
    }
    if (earlier === undefined) used.set(slug, { file, line: item.result.line });
  }
  for (const { file, item } of everyJob) {
    if (!item.build) continue;
    let slug = item.explicitSlug;
    if (slug === undefined) {
      const shellText = withoutComment(item.job);
      slug = uniqueSlug(deriveSlug(shellText, lexShell(shellText)), used);
      used.set(slug, { file, line: item.result.line });
    }
    item.result.slug = slug;
    item.result.after = item.build(slug);
  }
  return files.map(({ parsed, pending }) => {
    const lines = parsed.map((line) => line.text);
    for (const item of pending) lines[item.index] = item.result.after;
    return { lines, jobs: pending.map((item) => item.result) };
  });
}

function classify(job: JobLine, index: number, above: CrontabLine | undefined, { cronmonPath, launcher, options }: Context): Pending {
  const command = withoutDirective(job);
  const result: AdoptedJob = {
    line: job.number,
    schedule: job.schedule,
    command,
    slug: null,
    state: 'skipped',
    before: job.text,
    after: job.text,
  };
  if (job.user !== undefined) result.user = job.user;
  const pending: Pending = { job, index, result };
  const skip = (reason: string): Pending => {
    result.reason = reason;
    return pending;
  };
  if (job.user !== undefined && !USER_NAME.test(job.user)) {
    return skip(`${JSON.stringify(job.user)} in the user field is not a user name: is this a user crontab, read as a system one?`);
  }
  const timezone = job.cronTz ?? options.defaultTimezone;
  if (timezone !== undefined) result.timezone = timezone;

  const shellText = withoutComment(job);
  const lex = lexShell(shellText);
  const wrapped = readCronmonCall(shellText, lex, cronmonPath);
  if (wrapped) {
    if (wrapped.subcommand !== 'exec') return skip(`it runs cronmon ${wrapped.subcommand || ''}`.trimEnd());
    result.state = 'already-wrapped';
    result.command = wrapped.command === '' ? command : wrapped.command + job.inputText;
    // The monitor has the zone the line passes, whatever cron's zone is.
    if (wrapped.timezone !== undefined) result.timezone = wrapped.timezone;
    else delete result.timezone;
    const slug = wrapped.slug ?? job.env.CRONMON_SLUG;
    const normalised = slug === undefined ? '' : normaliseSlug(slug);
    if (normalised !== '') result.slug = normalised;
    else result.reason = 'no --slug found on the line';
    return pending;
  }

  const directive: Directive | undefined = job.directive ?? (above?.kind === 'comment' && above.directive ? above.directive : undefined);
  if (directive?.kind === 'skip') return skip('marked # cronmon: skip');
  if (directive?.kind === 'unknown') {
    return skip(`unknown directive ${JSON.stringify(directive.text)} (use "# cronmon: slug=<slug>" or "# cronmon: skip")`);
  }
  if (job.schedule === '@reboot') return skip('@reboot runs once at boot; Sentry Crons has no schedule to check it against');

  const firstWord = simpleCommands(lex)[0]?.[0];
  if (options.userField !== true && firstWord?.value === 'root') {
    return skip('"root" after the schedule looks like the user field of a system crontab (read those with --system)');
  }

  const scheduleArg = ALIAS_SCHEDULES[job.schedule] ?? job.schedule;
  try {
    parseCrontab(scheduleArg, 'the schedule');
  } catch (error) {
    return skip(`${error instanceof Error ? error.message : String(error)}; Sentry would refuse it`);
  }
  if (timezone !== undefined && !isValidTimezone(timezone)) {
    const source = job.cronTz !== undefined ? 'CRON_TZ' : 'the time zone';
    return skip(`${source} ${JSON.stringify(timezone)} is not a tz database name Sentry accepts`);
  }
  const tzOnlyInEnvironment = job.cronTz === undefined && job.env.TZ !== undefined && job.env.TZ !== '';
  if (tzOnlyInEnvironment) {
    addReason(result, `TZ=${job.env.TZ} only sets the job's environment; cron schedules it in ${timezone ?? 'the system time zone'} (use CRON_TZ on cronie)`);
  }
  // cronmon exec would take the job's TZ for the schedule's zone: name cron's zone instead.
  const lineZone = timezone ?? (tzOnlyInEnvironment ? 'UTC' : undefined);

  if (directive?.kind === 'slug') {
    const slug = normaliseSlug(directive.value);
    if (slug === '') return skip(`slug ${JSON.stringify(directive.value)} has no letters or digits Sentry keeps`);
    pending.explicitSlug = slug;
  }

  const unreachable = job.user === undefined ? undefined : options.unreachableFor?.(job.user);
  if (unreachable !== undefined) return skip(`user ${job.user} could not start cronmon: ${unreachable}`);

  result.state = 'wrapped';
  const quotedSchedule = scheduleArg.startsWith('@') ? scheduleArg : `'${scheduleArg}'`;
  const timezoneArg = lineZone !== undefined ? ` --timezone ${lineZone}` : '';
  pending.build = (slug) => {
    const head = `${launcher} exec --slug ${slug} --schedule ${quotedSchedule}${timezoneArg} -- `;
    if (!needsShell(shellText, lex)) return job.prefix + head + job.command;
    const shell = job.env.SHELL !== undefined && job.env.SHELL !== '' && !/[%\n]/.test(job.env.SHELL) ? job.env.SHELL : DEFAULT_SHELL;
    const body = trimCommentGap(shellText);
    const comment = job.shellText.slice(body.length);
    return `${job.prefix}${head}${shellQuote(shell)} -c ${quoteScript(body)}${comment}${job.inputText}`;
  };
  return pending;
}

// The shell text without a trailing `# cronmon:` comment (other comments are kept).
function withoutComment(job: JobLine): string {
  return job.directive !== undefined && job.commentStart !== undefined ? job.shellText.slice(0, job.commentStart) : job.shellText;
}

// The command as reported: without a `# cronmon:` comment and the blanks before it.
function withoutDirective(job: JobLine): string {
  if (job.directive === undefined) return job.command;
  return trimCommentGap(withoutComment(job)) + job.inputText;
}

function addReason(job: AdoptedJob, reason: string): void {
  job.reason = job.reason === undefined ? reason : `${job.reason}; ${reason}`;
}

// Drops the blanks before a comment, but not a blank escaped with a backslash.
function trimCommentGap(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t') && text[end - 2] !== '\\') end--;
  return text.slice(0, end);
}
