import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from './temp-dirs.js';

// The cronmon under test: bin/cronmon on this Node (the npm package), or the single executable
// that CRONMON_BIN names (`CRONMON_BIN=build/cronmon-linux-x64 npx vitest run test/e2e`).
export const BINARY = process.env.CRONMON_BIN ? resolve(process.env.CRONMON_BIN) : undefined;
export const CLI = BINARY ?? fileURLToPath(new URL('../../bin/cronmon', import.meta.url));
// Tests of what only the npm package has (bin/cronmon's code cache, the modules Node loads) are
// skipped for a single executable, which has neither.
export const ON_BINARY = BINARY !== undefined;

/** The command line that starts cronmon with these arguments: file first. */
export function cliCommand(args: readonly string[]): [string, ...string[]] {
  return BINARY === undefined ? [process.execPath, CLI, ...args] : [BINARY, ...args];
}
export const JOBS = fileURLToPath(new URL('../fixtures/jobs/', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

export interface CliRun {
  child: ChildProcess;
  result: Promise<CliResult>;
  // Resolves once stdout contains the text (a job fixture's "ready" line).
  waitForStdout(text: string): Promise<void>;
  // Everything the process has written to stdout so far.
  stdoutSoFar(): string;
}

// A minimal environment, as cron gives one: no SENTRY_* from the developer's shell, and a
// private cache directory so that stored rate limits never leak between tests. The home is
// removed after the test file.
export function cronEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const home = makeTempDir('cronmon-home-');
  return { PATH: process.env.PATH, HOME: home, CRONMON_CACHE_DIR: join(home, 'cache'), ...extra };
}

// Spawns the built CLI exactly as a crontab line would: `cronmon <args>` with its own env.
// `under` is a command that runs cronmon in turn (strace); it must exit as cronmon does.
export function startCli(
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; input?: Buffer | string; cwd?: string; under?: readonly string[] } = {},
): CliRun {
  const started = performance.now();
  const [file, ...argv] = [...(options.under ?? []), ...cliCommand(args)] as [string, ...string[]];
  const child = spawn(file, argv, {
    env: options.env ?? cronEnv(),
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk);
    const text = Buffer.concat(stdout).toString('latin1');
    for (const waiter of waiters.filter((w) => text.includes(w.text))) waiter.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.on('error', () => {});
  child.stdin.end(options.input ?? '');
  const result = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) =>
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString('utf8'), ms: performance.now() - started }),
    );
  });
  const waitForStdout = (text: string) =>
    new Promise<void>((resolve) => {
      if (Buffer.concat(stdout).toString('latin1').includes(text)) resolve();
      else waiters.push({ text, resolve });
    });
  return { child, result, waitForStdout, stdoutSoFar: () => Buffer.concat(stdout).toString('utf8') };
}

export const runCli = (args: readonly string[], options?: Parameters<typeof startCli>[1]): Promise<CliResult> => startCli(args, options).result;

// For runs that used to hang: one still running after `killAfterMs` (far longer than any loaded
// machine needs) is killed, and its result then has signal SIGKILL and no exit code.
export async function runCliOrKill(args: readonly string[], options?: Parameters<typeof startCli>[1], killAfterMs = 20_000): Promise<CliResult> {
  const run = startCli(args, options);
  const timer = setTimeout(() => run.child.kill('SIGKILL'), killAfterMs);
  try {
    return await run.result;
  } finally {
    clearTimeout(timer);
  }
}
