// A crontab (crontab(5), as Vixie cron and cronie read it), split into lines that keep their
// text exactly, so that a crontab can be rewritten one job line at a time.
//
// A user crontab's jobs are `<5 fields> <command>` or `@alias <command>`. A system crontab
// (/etc/crontab, /etc/cron.d/*) has a user name between the schedule and the command: read with
// `{ userField: true }`. Read as a user crontab, that name would be taken for the command; see
// systemCrontabHint().
//
// Pure: no I/O.

import { lexShell } from './shell-lex.js';

export type Directive = { kind: 'slug'; value: string } | { kind: 'skip' } | { kind: 'unknown'; text: string };

export interface BlankLine {
  kind: 'blank';
  number: number;
  text: string;
}

export interface CommentLine {
  kind: 'comment';
  number: number;
  text: string;
  /** A `# cronmon: slug=<slug>` or `# cronmon: skip` comment. */
  directive?: Directive;
}

export interface EnvLine {
  kind: 'env';
  number: number;
  text: string;
  name: string;
  /** The value as cron sets it: surrounding quotes removed, unquoted values trimmed. */
  value: string;
}

export interface JobLine {
  kind: 'job';
  number: number;
  text: string;
  /**
   * The text before the command, as written: indentation, the schedule, the blanks after it (and
   * in a system crontab the user field and the blanks after that).
   */
  prefix: string;
  /** The user the job runs as: the user field of a system crontab; absent in a user crontab. */
  user?: string;
  /** The schedule as cron reads it: the five fields joined by single spaces, or the @-alias. */
  schedule: string;
  /** The command as written, to the end of the line (`text === prefix + command`). */
  command: string;
  /**
   * The start of `command` up to its first unescaped `%`: what cron hands to the shell (after
   * turning each `\%` into `%`). Equal to `command` when there is no such `%`.
   */
  shellText: string;
  /** The rest of `command` from that `%` on (`%` included), or ''. Cron feeds it to stdin. */
  inputText: string;
  /** Where a shell comment starts in `shellText` (an unquoted `#` at the start of a word). */
  commentStart?: number;
  /** A `# cronmon: …` comment ending `shellText`. */
  directive?: Directive;
  /** CRON_TZ in effect for this job (cronie): the zone cron evaluates the schedule in. */
  cronTz?: string;
  /** The environment lines in effect for this job (last assignment wins). */
  env: Readonly<Record<string, string>>;
}

export interface InvalidLine {
  kind: 'invalid';
  number: number;
  text: string;
  reason: string;
}

export type CrontabLine = BlankLine | CommentLine | EnvLine | JobLine | InvalidLine;

/** Cron's @-words (Vixie cron, cronie). Matched case-sensitively, as cron does. */
export const CRON_ALIASES = ['@reboot', '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

const BLANK = /^[ \t\r\f\v]*$/;
const COMMENT = /^[ \t]*#/;
// NAME=value, NAME = value, "NAME"='value' (cronie's load_env): the name ends at `=` or a
// blank, a quoted value must be followed by nothing but blanks, an unquoted one is trimmed.
const ENV = /^[ \t]*(?:"([^"]*)"|'([^']*)'|([^\s="'][^\s=]*))[ \t]*=[ \t]*(?:"([^"]*)"|'([^']*)'|([^"'\s].*?)?)\s*$/;
const FIVE_FIELDS = /^[ \t]*(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+)(?:[ \t]+|$)/;
const ALIAS = /^[ \t]*(@\S*)(?:[ \t]+|$)/;
const USER_FIELD = /^(\S+)(?:[ \t]+|$)/;
const DIRECTIVE = /^#[ \t]*cronmon[ \t]*:[ \t]*(.*?)\s*$/;

/** The lines of a crontab. A final newline does not start another line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export interface ParseOptions {
  /** A system crontab: each job has a user field between the schedule and the command. */
  userField?: boolean;
}

/** Parses crontab text; every line is kept, in order, with its text unchanged. */
export function parseCrontabText(text: string, options: ParseOptions = {}): CrontabLine[] {
  const env: Record<string, string> = {};
  return splitLines(text).map((line, index): CrontabLine => {
    const number = index + 1;
    if (BLANK.test(line)) return { kind: 'blank', number, text: line };
    if (COMMENT.test(line)) {
      const directive = parseDirective(line.trim());
      return directive ? { kind: 'comment', number, text: line, directive } : { kind: 'comment', number, text: line };
    }
    const envMatch = ENV.exec(line);
    if (envMatch) {
      const name = envMatch[1] ?? envMatch[2] ?? envMatch[3] ?? '';
      const value = envMatch[4] ?? envMatch[5] ?? envMatch[6] ?? '';
      env[name] = value;
      return { kind: 'env', number, text: line, name, value };
    }
    return parseJob(line, number, env, options.userField === true);
  });
}

function parseJob(line: string, number: number, env: Readonly<Record<string, string>>, userField: boolean): JobLine | InvalidLine {
  const invalid = (reason: string): InvalidLine => ({ kind: 'invalid', number, text: line, reason });
  let prefix: string;
  let schedule: string;
  const alias = line.trimStart().startsWith('@') ? ALIAS.exec(line) : null;
  if (alias) {
    schedule = alias[1] ?? '';
    if (!(CRON_ALIASES as readonly string[]).includes(schedule)) {
      return invalid(`cron does not know ${JSON.stringify(schedule)} (it knows ${CRON_ALIASES.join(', ')})`);
    }
    prefix = alias[0];
  } else {
    const five = FIVE_FIELDS.exec(line);
    if (!five) return invalid(`neither a job (5 schedule fields, ${userField ? 'a user and ' : ''}a command), an environment setting nor a comment`);
    schedule = five.slice(1, 6).join(' ');
    prefix = five[0];
  }
  let user: string | undefined;
  if (userField) {
    const field = USER_FIELD.exec(line.slice(prefix.length));
    if (!field) return invalid(`the schedule ${JSON.stringify(schedule)} has no user and command after it`);
    user = field[1] ?? '';
    prefix += field[0];
  }
  const command = line.slice(prefix.length);
  if (command.trim() === '') {
    const what = user === undefined ? 'has no command after it' : `and the user ${JSON.stringify(user)} have no command after them`;
    return invalid(`the schedule ${JSON.stringify(schedule)} ${what}`);
  }
  const split = splitCronInput(command);
  const job: JobLine = {
    kind: 'job',
    number,
    text: line,
    prefix,
    schedule,
    command,
    shellText: split.shellText,
    inputText: split.inputText,
    env: { ...env },
  };
  if (user !== undefined) job.user = user;
  const cronTz = env.CRON_TZ;
  if (cronTz !== undefined && cronTz !== '') job.cronTz = cronTz;
  const { commentStart } = lexShell(split.shellText);
  if (commentStart !== undefined) {
    job.commentStart = commentStart;
    const directive = parseDirective(split.shellText.slice(commentStart));
    if (directive) job.directive = directive;
  }
  return job;
}

function parseDirective(comment: string): Directive | undefined {
  const match = DIRECTIVE.exec(comment);
  if (!match) return undefined;
  const body = match[1] ?? '';
  if (body === 'skip') return { kind: 'skip' };
  const slug = /^slug[ \t]*=[ \t]*(\S.*)$/.exec(body);
  if (slug) return { kind: 'slug', value: slug[1] ?? '' };
  return { kind: 'unknown', text: comment.trim() };
}

/**
 * Cron's `%` rule (do_command.c in Vixie cron and cronie): the first `%` not preceded by a
 * backslash ends the command; the rest becomes the job's stdin, each further `%` a newline.
 * `\%` stands for a literal `%` (cron drops the backslash). Cron does this to the whole line
 * before any shell sees it, whatever the shell quoting: a `%` inside '…' still splits.
 */
export function splitCronInput(command: string): { shellText: string; inputText: string } {
  let escaped = false;
  for (let i = 0; i < command.length; i++) {
    const ch = command[i];
    if (escaped) {
      escaped = false;
    } else if (ch === '\\') {
      escaped = true;
    } else if (ch === '%') {
      return { shellText: command.slice(0, i), inputText: command.slice(i) };
    }
  }
  return { shellText: command, inputText: '' };
}

/** What cron passes to the shell for `shellText`: each `\%` becomes `%`. */
export const cronUnescape = (shellText: string): string => shellText.replace(/\\([\s\S])/g, (all, ch: string) => (ch === '%' ? '%' : all));

/**
 * A hint that the text is a system crontab (with a user field), which this parser does not
 * read: the header comment Debian and others put above such tables.
 */
export function systemCrontabHint(lines: readonly CrontabLine[]): string | undefined {
  const header = lines.find((line) => line.kind === 'comment' && /\bdow\s+user\s+(?:command|cmd)\b|\buser-name\s+command\b/i.test(line.text));
  return header ? `line ${header.number} (${JSON.stringify(header.text.trim())}) describes a user field` : undefined;
}
