// Reading a crontab command that already runs cronmon (`cronmon exec --slug x … -- job`,
// `/usr/bin/node /opt/cronmon/bin/cronmon exec …`): which subcommand, slug and time zone, and the
// job after `--`. This is what makes adopting a crontab idempotent. Pure: no I/O.

import { SLUG, TIMEZONE } from '../config/flags.js';
import { execWords } from '../config/command-flags.js';
import { isAssignment, simpleCommands, type ShellLex, type ShellWord } from './shell-lex.js';

// exec's options, by whether the next word is their value.
const EXEC_WORDS = execWords();
const TAKES_VALUE = new Set(EXEC_WORDS.value);
const TAKES_OPTIONAL_VALUE = new Set(EXEC_WORDS.optionalValue);

export interface CronmonCall {
  subcommand: string;
  slug?: string;
  timezone?: string;
  /** The job after `--` (or after the options), as written; '' when not found. */
  command: string;
}

const isCronmon = (word: string, cronmonPath: string): boolean => word === cronmonPath || word === 'cronmon' || word.endsWith('/cronmon');

// The first `cronmon …` among the simple commands of the line (`cd /x && cronmon exec …` too).
export function readCronmonCall(text: string, lex: ShellLex, cronmonPath: string): CronmonCall | undefined {
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
    else if (TAKES_VALUE.has(name)) optionValue = words[++i]?.value;
    // An optional value is taken, as commander takes it, when the next word is no option.
    else if (TAKES_OPTIONAL_VALUE.has(name) && words[i + 1] !== undefined && !words[i + 1]?.value.startsWith('-')) optionValue = words[++i]?.value;
    if (optionValue === undefined) continue;
    if (name === SLUG.long) call.slug = optionValue;
    if (name === TIMEZONE.long) call.timezone = optionValue;
  }
  return call;
}
