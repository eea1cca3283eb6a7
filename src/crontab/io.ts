// The I/O of `cronmon crontab`: reading a crontab (file, stdin, or the user's via crontab(1)),
// writing it back with a backup, and checking what cron's PATH can find.

import { spawn } from 'node:child_process';
import { constants, existsSync, realpathSync, statSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CronmonError, usageError } from '../util/errors.js';
import { makeDirs, writeFileAtomic } from '../util/safe-fs.js';

/** A failure of crontab(1) or of writing the result: exit 1, as server failures elsewhere. */
const systemError = (message: string, options?: { cause?: unknown }) => new CronmonError('system', message, options);

/** The PATH cron gives jobs when the crontab sets none (Vixie cron, cronie, macOS). */
export const CRON_DEFAULT_PATH = '/usr/bin:/bin';

const ERROR_TEXTS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOSPC: 'no space left on the device',
  EFBIG: 'file too large (a file size limit)',
};

const errorText = (error: unknown): string => {
  const { code, message } = error as NodeJS.ErrnoException;
  return (code !== undefined && ERROR_TEXTS[code]) || message;
};

/** Reads a crontab file, or standard input for `-`. Unreadable input is a usage error. */
export async function readCrontabFile(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw usageError(`cannot read ${file}: ${errorText(error)}`);
  }
}

/** Whether a path names a system crontab, whose lines carry a user field (read with --system). */
export function isSystemCrontabPath(file: string): boolean {
  const path = resolve(file);
  return path === '/etc/crontab' || path.startsWith('/etc/cron.d/');
}

/** A usage error for anacron's table, whose lines (period, delay, job name, command) are no crontab's. */
export function refuseAnacrontab(file: string): void {
  if (resolve(file) === '/etc/anacrontab')
    throw usageError(`${file} is anacron's table (period, delay, name, command), not a crontab: cronmon crontab does not read it`);
}

interface CrontabRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCrontab(args: readonly string[], input?: string): Promise<CrontabRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('crontab', [...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.stdin.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(systemError(error.code === 'ENOENT' ? 'crontab(1) was not found on PATH' : `cannot run crontab(1): ${error.message}`, { cause: error })),
    );
    child.on('close', (code) =>
      resolvePromise({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8').trim() }),
    );
    child.stdin.end(input ?? '');
  });
}

/** The user's crontab (`crontab -l`); '' when the user has none. */
export async function readUserCrontab(): Promise<string> {
  const run = await runCrontab(['-l']);
  if (run.code === 0) return run.stdout;
  if (/no crontab for/i.test(run.stderr)) return '';
  throw systemError(`crontab -l failed (exit ${run.code ?? 'by signal'})${run.stderr ? `: ${run.stderr}` : ''}`);
}

/** `20250102T030405Z`: sorts by time and is safe in a file name. */
export const backupStamp = (now: Date): string =>
  now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');

// Writes `text` to `<base>`, `<base>-2`, … whichever does not exist yet; returns the path.
async function writeNew(base: string, write: (path: string) => Promise<void>): Promise<string> {
  for (let n = 1; ; n++) {
    const path = n === 1 ? base : `${base}-${n}`;
    try {
      await write(path);
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

/**
 * Saves `<file>.cronmon-backup-<time>` (a copy of the file as it is now), then replaces the file
 * with `text`: written beside it and renamed over it, with its mode and owner. A live crontab is
 * never left half-written: on a full disk the file stays as it was. A symlink stays a symlink
 * (its target is replaced). Returns the backup's path.
 *
 * `hiddenBackup`: name the backup `.<name>.cronmon-backup-<time>`. Cron reads every file in
 * /etc/cron.d whose name does not start with a dot (cronie): a backup named otherwise would run
 * its jobs a second time. The temp file is hidden for the same reason.
 */
export async function writeCrontabFile(file: string, text: string, options: { hiddenBackup?: boolean; now?: Date } = {}): Promise<string> {
  const name = `${options.hiddenBackup === true ? join(dirname(file), `.${basename(file)}`) : file}.cronmon-backup-${backupStamp(options.now ?? new Date())}`;
  let backup: string;
  try {
    backup = await writeNew(name, (path) => copyFile(file, path, constants.COPYFILE_EXCL));
  } catch (error) {
    throw systemError(`cannot save a backup of ${file}, nothing was changed: ${errorText(error)}`, { cause: error });
  }
  try {
    const target = realpathSync(file);
    const { mode, uid, gid } = statSync(target);
    writeFileAtomic(target, text, { mode: mode & 0o7777, owner: { uid, gid }, durable: true, hiddenTemp: true });
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'EPERM' ? 'cannot give the new file its owner and group' : errorText(error);
    throw systemError(`cannot write ${file}: ${why}; it is unchanged (a copy is saved as ${backup})`, { cause: error });
  }
  return backup;
}

/**
 * Saves `original` as `<cache dir>/crontab.cronmon-backup-<time>`, then installs `text` as the
 * user's crontab with `crontab -`. Returns the backup's path.
 */
export async function installUserCrontab(text: string, original: string, cacheDirectory: string, now: Date = new Date()): Promise<string> {
  let backup: string;
  try {
    makeDirs(cacheDirectory, 0o700);
    backup = await writeNew(join(cacheDirectory, `crontab.cronmon-backup-${backupStamp(now)}`), (path) =>
      writeFile(path, original, { encoding: 'utf8', flag: 'wx', mode: 0o600 }),
    );
  } catch (error) {
    throw systemError(`cannot save a backup of your crontab in ${cacheDirectory}, nothing was changed: ${errorText(error)}`, { cause: error });
  }
  const run = await runCrontab(['-'], text);
  if (run.code !== 0) {
    throw systemError(
      `crontab - failed (exit ${run.code ?? 'by signal'})${run.stderr ? `: ${run.stderr}` : ''}; your crontab is unchanged (a copy is in ${backup})`,
    );
  }
  return backup;
}

/** The first directory of a PATH value that holds an executable-looking `name`, if any. */
export function findOnPath(name: string, path: string): string | undefined {
  return path
    .split(':')
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, name))
    .find((candidate) => existsSync(candidate));
}

/**
 * Why cron could not start `cronmonPath` with the given PATH, or undefined when it can: a bare
 * `cronmon` must be on that PATH, and the `#!/usr/bin/env node` of bin/cronmon needs `node` there
 * (`nodePath`: the node that runs cronmon that way; undefined when the line names its runtime).
 */
export function unreachableReason(cronmonPath: string, path: string, nodePath?: string): string | undefined {
  if (!cronmonPath.includes('/') && !findOnPath(cronmonPath, path)) return `${cronmonPath} is not found on PATH=${path}`;
  if (nodePath !== undefined && /^node(js)?(\.exe)?$/.test(basename(nodePath)) && !findOnPath('node', path)) {
    return `node (which runs cronmon, #!/usr/bin/env node) is not found on PATH=${path}`;
  }
  return undefined;
}
