// What the shell makes of a crontab command, and how to write words for it. Pure: no I/O.

import { isAssignment, type ShellLex } from './shell-lex.js';

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

// Words that only mean something to the shell: keywords, builtins that exec(3) cannot run, and
// builtins whose program namesake behaves differently (dash's echo expands `\n`, /bin/echo not).
const SHELL_WORDS = new Set([
  '!',
  '{',
  '}',
  '[[',
  ']]',
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'select',
  'function',
  'time',
  'coproc',
  'cd',
  '.',
  'source',
  'exec',
  'export',
  'set',
  'unset',
  'eval',
  'readonly',
  'local',
  'declare',
  'typeset',
  'alias',
  'ulimit',
  'umask',
  'trap',
  'wait',
  'read',
  'shift',
  'exit',
  'return',
  'builtin',
  'command',
  'hash',
  'type',
  'let',
  ':',
  'echo',
  'printf',
  'test',
  '[',
  'kill',
  'pwd',
  'true',
  'false',
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
