import type { CronZone } from '../monitor/cron-zone.js';
import { check, type Check, type CheckName } from './check.js';

// The checks of this machine as cron will use it: the config file, the time zone schedules
// carry, the runtime cron starts cronmon with, and the directories cronmon keeps state and locks
// in. Pure: run-doctor.ts gathers the facts.

export interface ConfigFacts {
  // The config file in use, if any.
  file?: string | undefined;
  // Why it cannot be used (exec would stop with exit 2 before running the job).
  error?: string | undefined;
  // Config files (cronmon's, .sentryclirc) found but not read, and why.
  ignored: readonly string[];
  cwd: string;
}

export function configCheck(facts: ConfigFacts): Check {
  if (facts.error !== undefined) {
    return check(
      'config',
      'fail',
      `${facts.error}: exec stops with exit 2 and the job does not run`,
      'correct the file, or name another with --config or CRONMON_CONFIG',
    );
  }
  const found = facts.file ?? `none found from ${facts.cwd}`;
  if (facts.ignored.length > 0) {
    return check(
      'config',
      'warn',
      `${found}; ${facts.ignored.join('; ')}`,
      'make those files yours, in a directory only you (or root) can write, or remove them',
    );
  }
  return check('config', 'ok', found);
}

// `here`: the zone schedules sent from this environment carry; `system`: the one cron itself
// runs in, which a TZ of this shell does not change.
export function zoneCheck(here: CronZone, system: CronZone | undefined): Check {
  const shown = `${here.zone} (${here.source})`;
  if ((here.source === 'TZ' || here.source === 'CRON_TZ') && system && system.zone !== here.zone) {
    return check(
      'timezone',
      'warn',
      `${shown} here, but cron evaluates schedules in ${system.zone} (${system.source}) unless the crontab sets CRON_TZ or TZ`,
      'run doctor from the crontab to see what cron uses, or pass --timezone to exec',
    );
  }
  return check('timezone', 'ok', shown);
}

export interface RuntimeFacts {
  // The program running cronmon: node, or cronmon's single executable.
  executable: string;
  singleExecutable: boolean;
  // The PATH cron gives jobs when the crontab sets none.
  cronPath: string;
  // bin/cronmon, when cronmon was started through it.
  script?: string | undefined;
  // What cron's PATH finds.
  node?: string | undefined;
  cronmon?: string | undefined;
  // `<script> --version` run with cron's PATH, as a crontab line runs it.
  trial?: { status: number | null; stdout: string; stderr: string; error?: string | undefined } | undefined;
  version: string;
}

export function runtimeCheck(facts: RuntimeFacts): Check {
  const { cronPath, script } = facts;
  if (facts.singleExecutable) return check('runtime', 'ok', `${facts.executable} is the single executable: cron needs no node to start it`);
  const launcher = script ?? 'bin/cronmon';
  const fix = `name node in the crontab line (${facts.executable} ${launcher} exec …, as cronmon crontab --apply writes it), set PATH=… in the crontab, or use the single executable`;
  if (!facts.node) {
    return check(
      'runtime',
      'fail',
      `no node on cron's PATH (${cronPath}): a crontab line starting ${launcher} fails with exit 127, and the job never runs`,
      fix,
    );
  }
  const { trial } = facts;
  // `cronmon --version` says `cronmon <version> (<runtime>)`.
  if (trial && (trial.status !== 0 || trial.stdout.split(' ')[1] !== facts.version)) {
    const said =
      trial.error ??
      trial.stderr
        .split('\n')
        .find((line) => line.trim() !== '')
        ?.replace(/^cronmon: /, '') ??
      `exit ${trial.status ?? 'by signal'}`;
    return check('runtime', 'fail', `${launcher} with cron's PATH (${cronPath}) runs ${facts.node}, and fails: ${said}`, fix);
  }
  const byPath = facts.cronmon ? '' : `; cron's PATH has no cronmon: start crontab lines with ${launcher}`;
  return check('runtime', 'ok', `${facts.node} on cron's PATH (${cronPath})${trial ? ` runs cronmon ${facts.version}` : ''}${byPath}`);
}

export type DirState =
  | { kind: 'private' }
  // Not there yet: cronmon creates it (mode 700) in `parent`, the nearest directory that exists,
  // if it can write there. In a parent others can write (without the sticky bit), they could
  // replace what cronmon creates.
  | { kind: 'missing'; parent: string; parentState: 'writable' | 'read-only' | 'shared' }
  | { kind: 'kernel'; filesystem: string }
  | { kind: 'not-a-directory' }
  | { kind: 'foreign'; uid: number }
  | { kind: 'shared'; mode: number }
  | { kind: 'read-only' };

const USE_OWN = 'set CRONMON_CACHE_DIR to a directory of your own';

// The cache directory (rate limits, outages, compiled code) and the lock directory: cronmon uses
// either only when it is the user's alone.
export function dirCheck(name: Extract<CheckName, 'cache-dir' | 'lock-dir'>, dir: string, state: DirState): Check {
  const what = name === 'cache-dir' ? 'cronmon keeps no state there (rate limits, outages, compiled code)' : 'locks there are not private';
  switch (state.kind) {
    case 'private':
      return check(name, 'ok', `${dir}: yours, private, writable`);
    case 'missing':
      if (state.parentState === 'writable') return check(name, 'ok', `${dir}: not there yet; cronmon creates it (mode 700) when needed`);
      if (state.parentState === 'shared') {
        return check(
          name,
          'fail',
          `${dir} is not there yet, and ${state.parent} can be written by others: ${what}`,
          `chmod go-w ${state.parent}, or ${USE_OWN}`,
        );
      }
      return check(name, 'fail', `${dir} cannot be created: ${state.parent} is not writable`, USE_OWN);
    case 'kernel':
      return check(name, 'fail', `${dir} is on ${state.filesystem}, a kernel filesystem`, USE_OWN);
    case 'not-a-directory':
      return check(name, 'fail', `${dir} is not a directory`, `remove it, or ${USE_OWN}`);
    case 'foreign':
      return check(name, 'fail', `${dir} belongs to another user (uid ${state.uid}): ${what}`, `remove it (as its owner), or ${USE_OWN}`);
    case 'shared':
      return check(name, 'fail', `${dir} can be written by others (mode ${state.mode.toString(8)}): ${what}`, `chmod 700 ${dir}`);
    case 'read-only':
      return check(name, 'fail', `${dir} is not writable`, `chmod u+rwx ${dir}, or ${USE_OWN}`);
  }
}
