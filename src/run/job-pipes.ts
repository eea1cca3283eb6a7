import { spawnSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmdirSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bunPipe } from '../util/runtime.js';

// The job's stdout and stderr, when cronmon keeps a tail: real pipes, as a shell pipeline gives.
// Node's own 'pipe' stdio is a Unix socket pair, on which `> /dev/stdout` fails (ENXIO) and a
// vanished reader shows as ECONNRESET instead of SIGPIPE. Node has no pipe(2), so each pipe is
// a FIFO made in a fresh private directory, opened at both ends and unlinked at once: only the
// two open descriptors remain, and nobody else can reach them. (Bun on Linux makes real pipes.)
export interface JobPipe {
  // cronmon's end: non-blocking, for the event loop.
  readFd: number;
  // The job's end: blocking, as a pipe to a process is, and closed in cronmon once the job has it.
  writeFd: number;
}

// Undefined where FIFOs cannot be made (no mkfifo, a read-only temp dir): the caller then
// falls back to Node's socket pairs, which still carry every byte.
export function openJobPipes(count: number): JobPipe[] | undefined {
  const direct = openDirectPipes(count);
  if (direct !== undefined) return direct;
  let dir: string | undefined;
  let paths: string[] = [];
  const opened: number[] = [];
  try {
    dir = mkdtempSync(join(tmpdir(), 'cronmon-'));
    paths = Array.from({ length: count }, (_, index) => join(dir ?? '', String(index)));
    if (spawnSync('mkfifo', ['-m', '600', ...paths], { stdio: 'ignore' }).status !== 0) return undefined;
    return paths.map((path) => {
      // The reading end first: opening it non-blocking never waits, and then the writing end
      // finds a reader and opens at once, in blocking mode for the job.
      const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
      opened.push(readFd);
      const writeFd = openSync(path, constants.O_WRONLY | constants.O_NOFOLLOW);
      opened.push(writeFd);
      return { readFd, writeFd };
    });
  } catch {
    for (const fd of opened) closeSync(fd);
    return undefined;
  } finally {
    if (dir !== undefined) removeFifos(dir, paths);
  }
}

// The directory holds nothing but the FIFOs, if made: unlinking them and the directory costs
// a tenth of a recursive rmSync (about 1 ms on Node, which loads its rimraf for that).
function removeFifos(dir: string, paths: readonly string[]): void {
  try {
    for (const path of paths) unlinkSync(path);
    rmdirSync(dir);
  } catch {
    // A FIFO never made (mkfifo failed): the recursive removal, which the run must not fail on.
    rmSync(dir, { recursive: true, force: true });
  }
}

// Real pipes without FIFOs, where the runtime can make them (Bun on Linux, see runtime.ts).
function openDirectPipes(count: number): JobPipe[] | undefined {
  const pipes: JobPipe[] = [];
  for (let pipe = bunPipe(); pipe !== undefined; pipe = pipes.length < count ? bunPipe() : undefined) pipes.push(pipe);
  if (pipes.length === count) return pipes;
  for (const pipe of pipes) for (const fd of [pipe.readFd, pipe.writeFd]) closeSync(fd);
  return undefined;
}
