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
import {
  isAssignment,
  lexShell,
  parseCrontabText,
  simpleCommands,
  type CrontabLine,
  type Directive,
  type JobLine,
  type ShellLex,
  type ShellWord,
} from './parse.js';

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
const FALLBACK_SLUG = 'cron-job';
const MAX_SLUG = 50;

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

// --- Recognising cronmon lines ----------------------------------------------------------------

// Options of `cronmon exec` that take a value as the next word (see src/cli/exec.ts, options.ts).
const EXEC_VALUE_OPTIONS = new Set([
  '--dsn', '-e', '--environment', '--slug', '-s', '--schedule', '--interval', '--timezone', '--checkin-margin', '--check-in-margin', '--failure-issue-threshold',
  '--max-runtime', '--failure-threshold', '--recovery-threshold', '--owner', '--timeout', '--kill-grace',
  '--lock-wait', '--tail-bytes', '--log-on', '--send-timeout', '--config',
]);

interface CronmonCall {
  subcommand: string;
  slug?: string;
  timezone?: string;
  /** The job after `--` (or after the options), as written; '' when not found. */
  command: string;
}

const isCronmon = (word: string, cronmonPath: string): boolean =>
  word === cronmonPath || word === 'cronmon' || word.endsWith('/cronmon');

// The first `cronmon …` among the simple commands of the line (`cd /x && cronmon exec …` too).
function readCronmonCall(text: string, lex: ShellLex, cronmonPath: string): CronmonCall | undefined {
  for (const words of simpleCommands(lex)) {
    const call = readCronmonWords(text, words, cronmonPath);
    if (call) return call;
  }
  return undefined;
}

function readCronmonWords(text: string, words: readonly ShellWord[], cronmonPath: string): CronmonCall | undefined {
  const assignments: Record<string, string> = {};
  let at = 0;
  for (; at < words.length; at++) {
    const word = words[at] as ShellWord;
    if (!isAssignment(text, word)) break;
    const eq = word.value.indexOf('=');
    assignments[word.value.slice(0, eq)] = word.value.slice(eq + 1);
  }
  // `/usr/local/bin/node /opt/cronmon/bin/cronmon exec …`, as written where cron's PATH has no node.
  const [first, second] = [words[at], words[at + 1]];
  if (first && second && /(^|\/)node(js)?$/.test(first.value) && isCronmon(second.value, cronmonPath)) at++;
  const program = words[at];
  if (!program || !isCronmon(program.value, cronmonPath)) return undefined;
  const call: CronmonCall = { subcommand: words[at + 1]?.value ?? '', command: '' };
  if (call.subcommand !== 'exec') return call;
  const slugFromEnv = assignments.CRONMON_SLUG;
  if (slugFromEnv !== undefined) call.slug = slugFromEnv;
  for (let i = at + 2; i < words.length; i++) {
    const word = words[i] as ShellWord;
    const value = word.value;
    if (value === '--' || !value.startsWith('-')) {
      const first = value === '--' ? words[i + 1] : word;
      if (first) call.command = text.slice(first.start).trimEnd();
      break;
    }
    const eq = value.indexOf('=');
    const name = eq > 0 && value.startsWith('--') ? value.slice(0, eq) : value;
    let optionValue: string | undefined;
    if (eq > 0 && value.startsWith('--')) optionValue = value.slice(eq + 1);
    else if (EXEC_VALUE_OPTIONS.has(name)) optionValue = words[++i]?.value;
    // An optional value is taken, as commander takes it, when the next word is no option.
    else if (name === '--lock' && words[i + 1] !== undefined && !words[i + 1]?.value.startsWith('-')) optionValue = words[++i]?.value;
    if (optionValue === undefined) continue;
    if (name === '--slug') call.slug = optionValue;
    if (name === '--timezone') call.timezone = optionValue;
  }
  return call;
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

// --- Slugs ------------------------------------------------------------------------------------

// Commands that set things up before the job (`cd /app && ./run`, `sleep $((RANDOM % 60)); …`).
const SETUP = new Set(['cd', '.', 'source', 'export', 'set', 'umask', 'ulimit', 'sleep', 'test', '[', '[[', 'true', ':', 'pushd']);

interface Launcher {
  // Options that take the next word as their value.
  withValue?: readonly string[];
  // Positional arguments before the job (timeout's duration, flock's lock file).
  positional?: number;
  // An option whose value is itself the program (python -m module).
  program?: string;
  // An option whose value is a shell command (sh -c '…', flock -c '…').
  script?: string;
}

// Programs that run another program: the slug is about the program they run.
const LAUNCHERS: Readonly<Record<string, Launcher>> = {
  env: { withValue: ['-u', '-C', '-S', '--unset', '--chdir', '--split-string'] },
  nice: { withValue: ['-n', '--adjustment'] },
  ionice: { withValue: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'] },
  nohup: {},
  chronic: {},
  caffeinate: {},
  setsid: {},
  'run-one': {},
  command: {},
  exec: { withValue: ['-a'] },
  time: {},
  stdbuf: { withValue: ['-i', '-o', '-e'] },
  timeout: { withValue: ['-s', '-k', '--signal', '--kill-after'], positional: 1 },
  flock: { withValue: ['-w', '-E', '--timeout', '--wait', '--conflict-exit-code'], positional: 1, script: '-c' },
  sudo: { withValue: ['-u', '-g', '-C', '-D', '-h', '-p', '-r', '-t', '-U', '--user', '--group'] },
  doas: { withValue: ['-u', '-C'] },
  npx: { withValue: ['-p', '--package'] },
  sh: { withValue: ['-o', '-O'], script: '-c' },
  bash: { withValue: ['-o', '-O'], script: '-c' },
  dash: { withValue: ['-o'], script: '-c' },
  zsh: { withValue: ['-o'], script: '-c' },
  ksh: { withValue: ['-o'], script: '-c' },
  python: { withValue: ['-W', '-X', '-Q'], program: '-m' },
  node: { withValue: ['-r', '--require', '--import', '--loader', '--env-file'] },
  nodejs: { withValue: ['-r', '--require', '--import', '--loader'] },
  bun: {},
  deno: {},
  php: { withValue: ['-c', '-d', '-z'] },
  ruby: { withValue: ['-I', '-r', '-C'] },
  perl: { withValue: ['-I', '-M', '-m'] },
};

const launcherOf = (program: string): Launcher | undefined =>
  LAUNCHERS[/^python[0-9.]*$/.test(program) ? 'python' : /^php[0-9.]*$/.test(program) ? 'php' : program];

const basename = (word: string): string => word.replace(/\/+$/, '').replace(/^.*\//, '');
const stem = (word: string): string => basename(word).replace(/(?<=[^.])\.[A-Za-z0-9]{1,4}$/, '');
const slugPart = (word: string): string => normaliseSlug(word.replace(/[^\p{L}\p{N}_]+/gu, '-'));

/**
 * The slug for a command: the name of the program it runs (basename, without extension), past
 * `cd …`/`sleep …` set-up commands and launchers (`nice`, `flock`, `python`, `php`, `bash`…),
 * plus its first argument that is not an option (basename, without extension), or else its first
 * long option (`--full`). Normalised as
 * Sentry does; `cron-job` when nothing usable is left.
 *
 *   /usr/local/bin/backup.sh                          backup
 *   cd /srv/app && php artisan schedule:run           artisan-schedule-run
 *   flock -n /tmp/lock /usr/bin/python3 -m app.sync   app-sync
 */
export function deriveSlug(text: string, lex: ShellLex, depth = 0): string {
  const commands = simpleCommands(lex).map((words) => {
    let at = 0;
    while (at < words.length && isAssignment(text, words[at] as ShellWord)) at++;
    return words.slice(at).map((word) => word.value);
  });
  const chosen = commands.find((words) => words[0] !== undefined && !SETUP.has(words[0])) ?? commands[0] ?? [];
  const words = [...chosen];
  let program = words.shift();
  // `python -m app.sync`: a module name, whose dots are not an extension.
  let isModule = false;
  for (let launcher = program && launcherOf(basename(program)); launcher && words.length > 0; launcher = program && launcherOf(basename(program))) {
    let positional = launcher.positional ?? 0;
    let next: string | undefined;
    while ((next = words.shift()) !== undefined) {
      if (launcher.script !== undefined && next === launcher.script && depth < 3) {
        const script = words.shift() ?? '';
        return deriveSlug(script, lexShell(script), depth + 1);
      }
      if (launcher.program !== undefined && next === launcher.program) {
        next = words.shift();
        isModule = true;
        break;
      }
      if (next.startsWith('-')) {
        if (launcher.withValue?.includes(next)) words.shift();
        continue;
      }
      if (basename(program ?? '') === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(next)) continue;
      if (positional > 0) {
        positional--;
        continue;
      }
      break;
    }
    if (next === undefined) break;
    program = next;
  }
  const name = slugPart(isModule ? (program ?? '') : stem(program ?? ''));
  const usable = (part: string) => part !== '' && part !== name;
  const argument =
    words
      .filter((word) => !word.startsWith('-') && !/^[0-9]+$/.test(word) && !word.startsWith('/dev/'))
      .map((word) => slugPart(stem(word)))
      .find(usable) ??
    // No such argument: the first long option (`backup.sh --full`).
    words
      .filter((word) => /^--[^-]/.test(word))
      .map((word) => slugPart(word.replace(/=.*$/, '')))
      .find(usable);
  const slug = normaliseSlug([name, argument].filter((part) => part !== undefined && part !== '').join('-'));
  return slug === '' ? FALLBACK_SLUG : slug;
}

/** `base`, or `base-2`, `base-3`… (cut to fit 50 characters), whichever is not used yet. */
export function uniqueSlug(base: string, used: ReadonlyMap<string, unknown> | ReadonlySet<string>): string {
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, MAX_SLUG - suffix.length).replace(/[-_]+$/, '')}${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}
