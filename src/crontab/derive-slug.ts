// The slug of a crontab job that names none: derived from the command it runs. Pure: no I/O.

import { normaliseSlug } from '../monitor/slug.js';
import { isAssignment, lexShell, simpleCommands, type ShellLex, type ShellWord } from './shell-lex.js';

const FALLBACK_SLUG = 'cron-job';
const MAX_SLUG = 50;

// Commands that set things up before the job (`cd /app && ./run`, `sleep $((RANDOM % 60)); …`).
const SETUP = new Set(['cd', '.', 'source', 'export', 'set', 'umask', 'ulimit', 'sleep', 'test', '[', '[[', 'true', ':', 'pushd']);

// Words of the shell's grammar before a command (`test -x /x || { cd / && run-parts …; }`).
const GROUPING = new Set(['{', '}', '!']);

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
    while (at < words.length && (isAssignment(text, words[at] as ShellWord) || GROUPING.has(words[at]?.value ?? ''))) at++;
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
