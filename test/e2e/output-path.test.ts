import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJobPipes } from '../../src/run/job-pipes.js';
import { JOBS, cliCommand, cronEnv, runCli, startCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// The job sees what it would see bare: real pipes, SIGPIPE, its signals; and cronmon ends when
// the job does, whatever the reader of its output or the job's leftovers do.
let sentry: TestSentry;
const dirs: string[] = [];
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(async () => {
  await sentry.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
const uniqueSlug = () => `pipe-${process.pid}-${++counter}`;
const env = (extra: Record<string, string> = {}) => cronEnv({ SENTRY_DSN: sentry.dsn, ...extra });
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cronmon-pipe-'));
  dirs.push(dir);
  return dir;
};
const processGone = (pid: number) => {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
};
const until = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!condition()) throw new Error(`gave up waiting: ${what}`);
};

describe('the job gets real pipes', () => {
  it('can write to /dev/stdout and /dev/stderr, and tee into them', async () => {
    const slug = uniqueSlug();
    const script = 'echo out > /dev/stdout && echo err > /dev/stderr && echo both | tee /dev/stderr';
    const result = await runCli(['exec', '--slug', slug, '--', 'sh', '-c', script], { env: env() });
    expect(result.stderr).toBe('err\nboth\n');
    expect(result.stdout.toString()).toBe('out\nboth\n');
    expect(result.code).toBe(0);
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'ok']);
  });

  it('dies quietly of SIGPIPE when the reader goes away, as in `yes | head -1`', async () => {
    const slug = uniqueSlug();
    const cronmon = cliCommand(['exec', '--slug', slug, '--', 'yes'])
      .map((word) => `"${word}"`)
      .join(' ');
    const pipeline = `${cronmon} | head -1; echo "status \${PIPESTATUS[*]}" >&2`;
    const bare = await runShell('yes | head -1; echo "status ${PIPESTATUS[*]}" >&2');
    const wrapped = await runShell(pipeline, env());
    expect(bare.stderr).toBe('status 141 0\n');
    expect(wrapped.stdout).toBe('y\n');
    expect(wrapped.stderr).toBe('status 141 0\n');
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
  });
});

describe("cronmon's own output", () => {
  it('reaches a reader that takes its time in full, however much there is', async () => {
    // A report of thousands of adopted crontab lines: several times what a pipe holds.
    const crontab = Array.from({ length: 3000 }, (_, i) => `${i % 60} 3 * * * ./job-${i}.sh`).join('\n');
    const file = join(tempDir(), 'crontab');
    writeFileSync(file, `${crontab}\n`);
    const direct = await runCli(['crontab', file, '--cronmon-path', '/usr/local/bin/cronmon'], { env: env({ TZ: 'UTC' }) });
    expect(direct.code).toBe(0);
    expect(direct.stdout.length).toBeGreaterThan(4 * 65536);
    const cronmon = cliCommand(['crontab', file, '--cronmon-path', '/usr/local/bin/cronmon'])
      .map((word) => `"${word}"`)
      .join(' ');
    const slow = await runShell(`${cronmon} | (sleep 0.5; cat)`, env({ TZ: 'UTC' }));
    expect(slow.stdout).toBe(direct.stdout.toString());
  });
});

describe('a background process the job leaves behind', () => {
  it('does not keep cronmon from closing the run and exiting, nor hold its lock', async () => {
    const slug = uniqueSlug();
    const pidFile = join(tempDir(), 'writer.pid');
    const script = `(while :; do echo tick; sleep 0.1; done) & echo $! > "${pidFile}"; exit 0`;
    const runEnv = env();
    const first = await runCli(['exec', '--slug', slug, '--lock', '--', 'sh', '-c', script], { env: runEnv });
    expect(first.code).toBe(0);
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'ok']);
    // Its next write after cronmon stopped reading meets a closed pipe.
    const writer = Number(readFileSync(pidFile, 'utf8'));
    await until(() => processGone(writer), 'the background writer to end');
    const second = await runCli(['exec', '--slug', slug, '--lock', '--', 'true'], { env: runEnv });
    expect(second.code).toBe(0);
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'ok', 'in_progress', 'ok']);
  });
});

describe('a reader that stalls', () => {
  // cronmon's stdout is a pipe that nobody reads: `cronmon exec … | (sleep 15; cat)`.
  function startStalled(args: string[]) {
    const [pipe] = openJobPipes(1) ?? [];
    if (!pipe) throw new Error('no FIFO');
    const [file, ...argv] = cliCommand(args);
    const child = spawn(file, argv, { env: env(), stdio: ['ignore', pipe.writeFd, 'pipe'] });
    closeSync(pipe.writeFd);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null }>((resolve) => child.on('exit', (code) => resolve({ code })));
    const cleanUp = () => closeSync(pipe.readFd);
    return { child, exited, stderr: () => stderr, cleanUp };
  }

  it('does not keep --timeout from ending the job, nor the check-ins from going out', async () => {
    const slug = uniqueSlug();
    const run = startStalled(['exec', '--slug', slug, '--timeout', '1s', '--', 'yes']);
    try {
      expect((await run.exited).code).toBe(124);
      expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
      expect(run.stderr()).toBe(`cronmon: ${slug} timed out after 1s; exit 124\n`);
    } finally {
      run.cleanUp();
    }
  });

  it('still forwards SIGTERM to the job', async () => {
    const slug = uniqueSlug();
    const run = startStalled(['exec', '--slug', slug, '--', 'yes']);
    try {
      await sentry.waitFor(() => sentry.statusesOf(slug).length === 1);
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(143);
      expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
    } finally {
      run.cleanUp();
    }
  });
});

describe('signals meant for the job', () => {
  // Prints "ready", then reports each signal it gets; exits 0 on TERM.
  const trapping = `for s in USR1 USR2 ALRM; do trap "echo got $s" $s; done; trap 'exit 0' TERM; echo ready; while :; do sleep 0.05; done`;

  it('SIGUSR1, SIGUSR2 and SIGALRM reach the job; none ends cronmon or opens a debugger', async () => {
    const slug = uniqueSlug();
    const run = startCli(['exec', '--slug', slug, '--', 'sh', '-c', trapping], { env: env() });
    await run.waitForStdout('ready');
    for (const [signal, line] of [
      ['SIGUSR1', 'got USR1'],
      ['SIGUSR2', 'got USR2'],
      ['SIGALRM', 'got ALRM'],
    ] as const) {
      run.child.kill(signal);
      await run.waitForStdout(line);
    }
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('ready\ngot USR1\ngot USR2\ngot ALRM\n');
    expect(result.stderr).not.toMatch(/Debugger|inspector/i);
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'ok']);
  });

  it('a signal that ends the job is reported with 128+N', async () => {
    const slug = uniqueSlug();
    const run = startCli(['exec', '--slug', slug, '--', process.execPath, join(JOBS, 'wait-for-signal.mjs')], { env: env() });
    await run.waitForStdout('ready');
    run.child.kill('SIGUSR2');
    const result = await run.result;
    expect(result.code).toBe(128 + 12);
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
  });

  it('SIGUSR1 to any other command opens no debugger', async () => {
    const run = startCli(['listen', '--port', '0'], { env: cronEnv() });
    await run.waitForStdout('SENTRY_DSN=');
    run.child.kill('SIGUSR1');
    // Node prints "Debugger listening" on stderr as soon as it opens one.
    await new Promise((resolve) => setTimeout(resolve, 200));
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.stderr).not.toMatch(/Debugger|inspector/i);
  });
});

function runShell(script: string, shellEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH }) {
  return new Promise<{ stdout: string; stderr: string }>((resolve) => {
    const child = spawn('bash', ['-c', script], { env: shellEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', () => resolve({ stdout, stderr }));
  });
}
