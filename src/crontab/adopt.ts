// Rewrites the jobs of a user crontab so that each runs under `cronmon exec`, reporting to a
// monitor whose schedule (and time zone) is the line's own. Pure: no I/O.
//
//   0 3 * * * /usr/local/bin/backup.sh --full
// becomes
//   0 3 * * * cronmon exec --slug backup-full --schedule '0 3 * * *' -- /usr/local/bin/backup.sh --full
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
import { isAssignment, lexShell, simpleCommands, type ShellLex } from './shell-lex.js';

export type JobState = 'wrapped' | 'already-wrapped' | 'skipped';

export interface AdoptedJob {
  /** 1-based line number in the crontab. */
  line: number;
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
}

const DEFAULT_SHELL = '/bin/sh';
// cron's @midnight is Sentry's @daily; the other aliases cronmon exec accepts as they are.
const ALIAS_SCHEDULES: Readonly<Record<string, string>> = { '@midnight': '0 0 * * *' };

/** The crontab text for adopted lines; always ending in a newline, as cron requires. */
export const crontabText = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join('');

/** A word for the shell, quoted only when needed. Cron's `%` must not occur in it. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command line as one shell word: '…' when it has no `'`; else "…" when it has none of
 * `"$\`` (so the shell changes nothing inside, and no backslash moves a `%`); else '…' with
 * each `'` written `'\''`.
 */
export function quoteScript(script: string): string {
  if (!script.includes("'")) return `'${script}'`;
  if (!/["$`\\]/.test(script)) return `"${script}"`;
  return `'${script.replace(/'/g, `'\\''`)}'`;
}

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

export function adoptCrontab(text: string, options: AdoptOptions = {}): AdoptResult {
  const cronmonPath = options.cronmonPath ?? 'cronmon';
  checkCronmonPath(cronmonPath);
  if (options.interpreter !== undefined) checkCronmonPath(options.interpreter);
  const launcher = [options.interpreter, cronmonPath].filter((word) => word !== undefined).map(shellQuote).join(' ');
  const parsed = parseCrontabText(text);
  const pending: Pending[] = [];
  parsed.forEach((line, index) => {
    if (line.kind === 'job') pending.push(classify(line, index, parsed[index - 1], cronmonPath, launcher, options.defaultTimezone));
  });

  // Slugs named explicitly (directives, already-wrapped lines) are taken first, so that a
  // derived slug never takes one that a later line asks for.
  const used = new Map<string, number>();
  for (const item of pending) {
    const slug = item.explicitSlug ?? (item.result.state === 'already-wrapped' ? item.result.slug : null);
    if (slug === null || slug === undefined) continue;
    const earlier = used.get(slug);
    if (earlier !== undefined && item.explicitSlug !== undefined) {
      addReason(item.result, `slug ${slug} is also used by line ${earlier}: both lines report to one monitor`);
    }
    if (earlier === undefined) used.set(slug, item.result.line);
  }
  const lines = parsed.map((line) => line.text);
  for (const item of pending) {
    if (!item.build) continue;
    let slug = item.explicitSlug;
    if (slug === undefined) {
      const shellText = withoutComment(item.job);
      slug = uniqueSlug(deriveSlug(shellText, lexShell(shellText)), used);
      used.set(slug, item.result.line);
    }
    item.result.slug = slug;
    item.result.after = item.build(slug);
    lines[item.index] = item.result.after;
  }
  return { lines, jobs: pending.map((item) => item.result) };
}

function classify(
  job: JobLine,
  index: number,
  above: CrontabLine | undefined,
  cronmonPath: string,
  launcher: string,
  defaultTimezone: string | undefined,
): Pending {
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
  const pending: Pending = { job, index, result };
  const skip = (reason: string): Pending => {
    result.reason = reason;
    return pending;
  };
  const timezone = job.cronTz ?? defaultTimezone;
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

  const directive: Directive | undefined =
    job.directive ?? (above?.kind === 'comment' && above.directive ? above.directive : undefined);
  if (directive?.kind === 'skip') return skip('marked # cronmon: skip');
  if (directive?.kind === 'unknown') {
    return skip(`unknown directive ${JSON.stringify(directive.text)} (use "# cronmon: slug=<slug>" or "# cronmon: skip")`);
  }
  if (job.schedule === '@reboot') return skip('@reboot runs once at boot; Sentry Crons has no schedule to check it against');

  const firstWord = simpleCommands(lex)[0]?.[0];
  if (firstWord?.value === 'root') {
    return skip('"root" after the schedule looks like the user field of a system crontab, which is not supported');
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

// --- Does the command need its own shell? -----------------------------------------------------

// Words that only mean something to the shell: keywords, builtins that exec(3) cannot run, and
// builtins whose program namesake behaves differently (dash's echo expands `\n`, /bin/echo not).
const SHELL_WORDS = new Set([
  '!', '{', '}', '[[', ']]', 'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac',
  'select', 'function', 'time', 'coproc', 'cd', '.', 'source', 'exec', 'export', 'set', 'unset', 'eval', 'readonly',
  'local', 'declare', 'typeset', 'alias', 'ulimit', 'umask', 'trap', 'wait', 'read', 'shift', 'exit', 'return',
  'builtin', 'command', 'hash', 'type', 'let', ':', 'echo', 'printf', 'test', '[', 'kill', 'pwd', 'true', 'false',
]);

/**
 * Whether the command is more than one simple command, so that `cronmon exec -- <command>`
 * would change what runs. Errs on the side of yes: `sh -c` is always correct, only longer.
 */
export function needsShell(text: string, lex: ShellLex): boolean {
  if (!lex.complete) return true;
  if (lex.tokens.some((token) => token.type === 'operator')) return true;
  const first = lex.tokens.find((token) => token.type === 'word');
  if (!first) return true;
  if (isAssignment(text, first)) return true;
  return text.slice(first.start, first.end) === first.value && SHELL_WORDS.has(first.value);
}
