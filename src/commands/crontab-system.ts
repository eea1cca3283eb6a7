import type { Stats } from 'node:fs';
import { userInfo } from 'node:os';
import { isSet } from '../config/flag.js';
import { QUIET } from '../config/flags.js';
import { APPLY, type CrontabFlags } from '../config/command-flags.js';
import { createCommandLog } from './reporting-settings.js';
import type { Log } from '../util/log.js';
import { printableJson } from '../util/safe-text.js';
import { usageError } from '../util/errors.js';
import * as adopt from '../crontab/adopt.js';
import * as io from '../crontab/io.js';
import { parseCrontabText } from '../crontab/parse.js';
import { launcherPrograms, othersCannotRun } from '../crontab/reachable.js';
import { systemReport } from './crontab-report.js';
import { interpreterFor, jobJson, lineSettings, warnAboutLines, type LineSettings } from './crontab-settings.js';
import { readSystemCrontabs, refusedByCron, type IgnoredFile } from '../crontab/system-files.js';

interface Crontab {
  path: string;
  text: string;
  stats?: Stats;
}

interface AdoptedFile {
  path: string;
  jobs: adopt.AdoptedJob[];
  backup?: string;
}

// `cronmon crontab --system [path…]`: the system crontabs (/etc/crontab and /etc/cron.d/*, or the
// files and directories named), whose lines run as the user they name. Wrapped like a user
// crontab, the user field kept; with --apply each changed file is written back after a backup.
export async function runSystemCrontabs(paths: readonly string[], flags: CrontabFlags, env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Promise<void> {
  const log = createCommandLog(flags, env, stderrIsTTY);
  const quiet = isSet(QUIET, flags.quiet, env);
  const apply = flags.apply === true;
  if (paths.includes('-') && paths.length > 1) throw usageError('- (standard input) is read alone, not with other files');
  if (apply && paths[0] === '-')
    throw usageError(`${APPLY.long} cannot write back to standard input: name the files, or leave them out for /etc/crontab and /etc/cron.d`);
  for (const path of paths) io.refuseAnacrontab(path);
  const settings = lineSettings(flags);

  let crontabs: Crontab[];
  let ignored: IgnoredFile[] = [];
  if (paths[0] === '-') {
    crontabs = [{ path: 'standard input', text: await io.readCrontabFile('-') }];
  } else {
    ({ files: crontabs, ignored } = readSystemCrontabs(paths.length === 0 ? undefined : paths));
  }

  const inputs = crontabs.map((crontab) => {
    const parsed = parseCrontabText(crontab.text, { userField: true });
    const interpreter = interpreterFor(parsed, flags);
    const options: adopt.AdoptOptions = { ...settings, userField: true, unreachableFor: unreachableFor(settings, interpreter) };
    if (interpreter !== undefined) options.interpreter = interpreter;
    return { crontab, parsed, interpreter, options };
  });
  const results = adopt.adoptCrontabs(inputs.map(({ crontab, options }) => ({ text: crontab.text, options, name: crontab.path })));

  const files: AdoptedFile[] = [];
  inputs.forEach(({ crontab, parsed, interpreter }, n) => {
    const { jobs } = results[n] as adopt.AdoptResult;
    const refused = crontab.stats === undefined ? undefined : refusedByCron(crontab.stats);
    if (refused !== undefined) log.warn(`cron may not read ${crontab.path}: ${refused}`);
    warnAboutLines(log, { source: crontab.path, parsed, jobs, interpreter }, settings, true);
    files.push({ path: crontab.path, jobs });
  });

  if (apply) await writeChanged(files, results, log);

  if (flags.json === true) {
    const entries = [
      ...files.flatMap((file) =>
        file.jobs.map((job) => {
          const { line, ...rest } = jobJson(job);
          return { file: file.path, line, user: job.user ?? null, ...rest };
        }),
      ),
      ...ignored.map((file) => ({ file: file.path, state: 'ignored', reason: file.reason })),
    ];
    process.stdout.write(`${printableJson(entries, 2)}\n`);
    if (!quiet)
      for (const file of files.filter((f) => f.backup !== undefined))
        log.print(`cronmon: wrote ${file.path}; the previous version is saved as ${file.backup ?? ''}\n`);
  } else {
    process.stdout.write(systemReport(files, ignored, apply));
  }
}

// Writes each file that has jobs to wrap, after a backup cron does not read (a hidden file).
// When one cannot be written, the ones already written are named before the error.
async function writeChanged(files: AdoptedFile[], results: readonly adopt.AdoptResult[], log: Log): Promise<void> {
  for (const [n, file] of files.entries()) {
    const result = results[n] as adopt.AdoptResult;
    if (!result.jobs.some((job) => job.state === 'wrapped')) continue;
    try {
      file.backup = await io.writeCrontabFile(file.path, adopt.crontabText(result.lines), { hiddenBackup: true });
    } catch (error) {
      for (const done of files.slice(0, n).filter((f) => f.backup !== undefined)) {
        log.print(`cronmon: wrote ${done.path}; the previous version is saved as ${done.backup ?? ''}\n`);
      }
      throw error;
    }
  }
}

// Cron runs a line as its user: one who is not root (nor this user) must be able to reach the
// cronmon the line names, or the job would not start at all.
function unreachableFor(settings: LineSettings, interpreter: string | undefined): (user: string) => string | undefined {
  let reason: { value: string | undefined } | undefined;
  const self = currentUser();
  return (user) => {
    if (user === 'root' || user === self) return undefined;
    reason ??= { value: othersCannotRun(launcherPrograms(settings.cronmonPath, interpreter)) };
    return reason.value;
  };
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
