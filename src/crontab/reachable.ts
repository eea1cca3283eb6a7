// Whether another user can start the cronmon a system crontab line names. Cron runs each line
// of /etc/crontab and /etc/cron.d as its user field says: a cronmon installed under /root (nvm,
// say) is out of reach of `www-data`, and wrapping its jobs would stop them.

import { existsSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface Program {
  path: string;
  /** The permission bits others need on the file: 0o001 to execute it, 0o004 to read it. */
  others: number;
}

const EXECUTE = 0o001;
const READ = 0o004;

// The directories to pass on the way to `path`: its parents, up to the root.
function parents(path: string): string[] {
  const dirs: string[] = [];
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dirname(dir) === dir) return dirs;
  }
}

function blocker(program: Program): string | undefined {
  const real = realpathSync(program.path);
  for (const dir of new Set([...parents(program.path), ...parents(real)])) {
    if ((statSync(dir).mode & EXECUTE) === 0) return `other users cannot enter ${dir} (on the way to ${program.path})`;
  }
  const missing = program.others & ~statSync(real).mode;
  if (missing === 0) return undefined;
  return `other users cannot ${missing & READ ? 'read' : 'run'} ${program.path}`;
}

/**
 * Why a user who is neither root nor the owner could start these programs only through a group,
 * or not at all: a directory on the way (before or after symlinks) that others cannot enter, or
 * a file others cannot read or execute. Undefined when anyone can. Judged by the permissions for
 * others, since that user's groups are not known here. A path that does not exist here (a
 * --cronmon-path for another machine) is not judged.
 */
export function othersCannotRun(programs: readonly Program[]): string | undefined {
  for (const program of programs) {
    if (!program.path.startsWith('/')) continue;
    try {
      const reason = blocker(program);
      if (reason !== undefined) return reason;
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (code !== 'ENOENT') return `cannot check ${program.path}: ${message}`;
    }
  }
  return undefined;
}

/**
 * The programs a wrapped line starts: the interpreter (executed) and cronmon (read by it), or
 * cronmon alone (executed, and read when it is a script). bin/cronmon loads the bundle beside it.
 */
export function launcherPrograms(cronmonPath: string, interpreter: string | undefined): Program[] {
  const programs: Program[] =
    interpreter === undefined
      ? [{ path: cronmonPath, others: EXECUTE | READ }]
      : [
          { path: interpreter, others: EXECUTE },
          { path: cronmonPath, others: READ },
        ];
  try {
    const bundle = join(dirname(realpathSync(cronmonPath)), '..', 'dist', 'cronmon.cjs');
    if (existsSync(bundle)) programs.push({ path: bundle, others: READ });
  } catch {
    // Not there: nothing to load beside it.
  }
  return programs;
}
