import { cacheDir } from '../util/paths.js';
import { isSet } from '../config/flag.js';
import { QUIET } from '../config/flags.js';
import { APPLY, type CrontabFlags } from '../config/command-flags.js';
import { createCommandLog } from './reporting-settings.js';
import { usageError } from '../util/errors.js';
import * as adopt from '../crontab/adopt.js';
import * as io from '../crontab/io.js';
import * as parse from '../crontab/parse.js';
import { report } from './crontab-report.js';
import { runSystemCrontabs } from './crontab-system.js';
import { interpreterFor, jobJson, lineSettings, warnAboutLines } from './crontab-settings.js';

// `cronmon crontab [file|-]`: reads the crontab, shows each job beside its wrapped form, and with
// --apply writes the result back after saving a backup. `--system [path…]`: see run-system.ts.
export async function runCrontab(paths: readonly string[], flags: CrontabFlags, env: NodeJS.ProcessEnv, stderrIsTTY: boolean): Promise<void> {
  if (flags.system === true) return runSystemCrontabs(paths, flags, env, stderrIsTTY);
  const log = createCommandLog(flags, env, stderrIsTTY);
  const quiet = isSet(QUIET, flags.quiet, env);
  const apply = flags.apply === true;
  if (paths.length > 1) throw usageError('one crontab at a time: several files are read together only with --system');
  const file = paths[0];
  if (apply && file === '-') {
    throw usageError(`${APPLY.long} cannot write back to standard input: name the crontab file, or leave it out to change your own crontab`);
  }
  if (file !== undefined && file !== '-') io.refuseAnacrontab(file);
  if (file !== undefined && file !== '-' && io.isSystemCrontabPath(file)) {
    throw usageError(`${file} is a system crontab (its lines name a user): read it with cronmon crontab --system ${file}`);
  }
  const settings = lineSettings(flags);

  const source = file === undefined ? 'your crontab' : file === '-' ? 'standard input' : file;
  const text = file === undefined ? await io.readUserCrontab() : await io.readCrontabFile(file);
  const parsed = parse.parseCrontabText(text);
  const hint = parse.systemCrontabHint(parsed);
  if (hint) throw usageError(`${source} looks like a system crontab: ${hint}; read it with --system`);
  const interpreter = interpreterFor(parsed, flags);
  const result = adopt.adoptCrontab(text, { ...settings, ...(interpreter === undefined ? {} : { interpreter }) });
  warnAboutLines(log, { source, parsed, jobs: result.jobs, interpreter }, settings);

  let backup: string | undefined;
  if (apply && result.jobs.some((job) => job.state === 'wrapped')) {
    const newText = adopt.crontabText(result.lines);
    backup = file === undefined ? await io.installUserCrontab(newText, text, cacheDir(env)) : await io.writeCrontabFile(file, newText);
  }

  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(result.jobs.map(jobJson), null, 2)}\n`);
    if (backup !== undefined && !quiet) log.print(`cronmon: wrote ${source}; the previous version is saved as ${backup}\n`);
  } else {
    process.stdout.write(report(result.jobs, source, apply, backup));
  }
}
