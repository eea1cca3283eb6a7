import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, cronEnv, runCliOrKill, startCli, type CliResult, type CliRun } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

// Every test gets its own slug (locks are machine-wide) and its own marker and release files.
let counter = 0;
const created: string[] = [];
function scenario() {
  const slug = `lock-${process.pid}-${++counter}`;
  const dir = mkdtempSync(join(tmpdir(), 'cronmon-lock-e2e-'));
  const marker = join(dir, 'marker');
  const release = join(dir, 'release');
  writeFileSync(marker, '');
  const env = cronEnv({ SENTRY_DSN: sentry.dsn });
  created.push(dir, env.HOME ?? '');
  return {
    slug,
    env,
    marker,
    // The job appends "start <pid>", then holds until the release file exists.
    job: [process.execPath, join(JOBS, 'locked-job.mjs'), marker, release],
    release: () => writeFileSync(release, ''),
    lines: () => readFileSync(marker, 'utf8').split('\n').filter(Boolean),
  };
}

const running: { run: CliRun; release: () => void }[] = [];
afterEach(async () => {
  for (const { run, release } of running.splice(0)) {
    release();
    run.child.kill('SIGKILL');
    await run.result;
  }
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function start(s: ReturnType<typeof scenario>, flags: string[], env = s.env): CliRun {
  const run = startCli(['exec', '--slug', s.slug, ...flags, '--', ...s.job], { env });
  running.push({ run, release: s.release });
  return run;
}

const busyLine = (slug: string, pid: number | undefined, tail = '') =>
  new RegExp(
    `^cronmon: ${slug} \\(production\\) is already running \\(pid ${pid}, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\); not started${tail}\\n$`,
  );

describe('cronmon exec --lock', () => {
  it('does not start a second run while the first holds the lock: exit 75, one line, no check-in', async () => {
    const s = scenario();
    const first = start(s, ['--lock']);
    await ready(first);
    await sentry.waitFor(() => sentry.checkIns(s.slug).length === 1);

    const second = await start(s, ['--lock']).result;
    expect(second.code).toBe(75);
    expect(second.stdout.toString()).toBe('');
    expect(second.stderr).toMatch(busyLine(s.slug, first.child.pid));

    s.release();
    expect((await first.result).code).toBe(0);
    await sentry.waitFor(() => sentry.checkIns(s.slug).length >= 2);
    const checkIns = sentry.checkIns(s.slug);
    expect(checkIns.map((c) => c.status)).toEqual(['in_progress', 'ok']);
    expect(checkIns[1]?.checkInId).toBe(checkIns[0]?.checkInId);
    expect(s.lines()).toEqual([`start ${pidOf(first)}`, `end ${pidOf(first)}`]);
  });

  it('is private to the user, and found by a run from a login shell and one from cron alike', async () => {
    const s = scenario();
    const runtimeDir = mkdtempSync(join(tmpdir(), 'cronmon-xdg-'));
    created.push(runtimeDir);
    const first = start(s, ['--lock'], { ...s.env, XDG_RUNTIME_DIR: runtimeDir });
    await ready(first);
    const locks = join(s.env.CRONMON_CACHE_DIR ?? '', 'locks');
    expect(statSync(locks).mode & 0o777).toBe(0o700);
    const file = join(locks, `${s.slug}@production.lock`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: first.child.pid, slug: s.slug, environment: 'production' });

    const second = await start(s, ['--lock']).result;
    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(busyLine(s.slug, first.child.pid));
    s.release();
    expect((await first.result).code).toBe(0);
    expect(readdirSync(locks)).toEqual([]);
  });

  it('is not blocked by a run that was SIGKILLed', async () => {
    const s = scenario();
    const first = start(s, ['--lock']);
    await ready(first);
    first.child.kill('SIGKILL');
    expect((await first.result).signal).toBe('SIGKILL');
    // The first job is still running, orphaned; it does not hold the lock (close-on-exec).
    const second = start(s, ['--lock']);
    await ready(second);
    s.release();
    expect((await second.result).code).toBe(0);
    expect(s.lines().filter((line) => line.startsWith('start'))).toHaveLength(2);
  });

  it('--lock-wait waits for the holder to finish, then runs', async () => {
    const s = scenario();
    const first = start(s, ['--lock']);
    await ready(first);
    const second = start(s, ['--lock-wait', '60s']);
    // Give the second run time to find the lock taken; the order of the marker lines below is
    // what the test asserts, so a slow start only makes the test weaker, never red.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(s.lines()).toHaveLength(1);
    s.release();
    expect((await first.result).code).toBe(0);
    expect((await second.result).code).toBe(0);
    const [a, b] = [pidOf(first), pidOf(second)];
    expect(s.lines()).toEqual([`start ${a}`, `end ${a}`, `start ${b}`, `end ${b}`]);
  });

  it('--lock-wait gives up with 75 when the holder does not finish', async () => {
    const s = scenario();
    const first = start(s, ['--lock']);
    await ready(first);
    const second = await start(s, ['--lock-wait', '500ms']).result;
    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(busyLine(s.slug, first.child.pid, ' after waiting 500ms'));
    expect(second.ms).toBeGreaterThanOrEqual(500);
    expect(s.lines()).toHaveLength(1);
  });

  it('rejects a bad --lock-wait before taking any lock', async () => {
    const s = scenario();
    const result = await start(s, ['--lock-wait', 'soon']).result;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cronmon: --lock-wait "soon" is not a duration/);
    expect(s.lines()).toEqual([]);
  });

  it('never takes the job for the lock file when -- is missing', async () => {
    const s = scenario();
    const script = join(tmpdir(), `cronmon-lock-job-${process.pid}-${counter}.sh`);
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    created.push(script);
    const result = await startCli(['exec', '--slug', s.slug, '--lock', script, 'x'], { env: s.env }).result;
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a cronmon lock file/);
    expect(readFileSync(script, 'utf8')).toBe('#!/bin/sh\necho hi\n');
  });

  it('of 50 concurrent runs of one slug, exactly one runs its job and 49 exit 75', { timeout: 180_000 }, async () => {
    const s = scenario();
    const runs = Array.from({ length: 50 }, () => start(s, ['--lock']));
    const results: CliResult[] = [];
    for (const run of runs) void run.result.then((result) => results.push(result));
    // Wait until every run has either ended or started its job (the job holds until released).
    for (let waited = 0; results.length + s.lines().length < 50; waited += 100) {
      if (waited > 150_000) throw new Error(`${results.length} ended, ${s.lines().length} started`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(s.lines()).toHaveLength(1);
    expect(results.map((r) => r.code)).toEqual(Array(49).fill(75));
    const winner = runs.find((run) => run.child.exitCode === null && run.child.signalCode === null);
    // The holder names itself when it answers in time; on a machine this busy it may not.
    const unnamed = new RegExp(`^cronmon: ${s.slug} \\(production\\) is already running; not started\\n$`);
    for (const result of results)
      expect(result.stderr).toMatch(busyLine(s.slug, winner?.child.pid).test(result.stderr) ? busyLine(s.slug, winner?.child.pid) : unnamed);

    s.release();
    const all = await Promise.all(runs.map((run) => run.result));
    expect(all.filter((r) => r.code === 0)).toHaveLength(1);
    expect(all.filter((r) => r.code === 75)).toHaveLength(49);
    await sentry.waitFor(() => sentry.checkIns(s.slug).length >= 2);
    expect(sentry.statusesOf(s.slug)).toEqual(['in_progress', 'ok']);
  });
});

// strace can hold a run between its socket's bind(2) and listen(2): a run there refuses
// connections, as the socket of a run that was killed does.
const delayListen = (us: number) => ['strace', '-f', '-o', '/dev/null', '-e', 'trace=listen', '-e', `inject=listen:delay_enter=${us}`];
const canDelayListen = spawnSync(delayListen(1)[0] ?? '', [...delayListen(1).slice(1), 'true']).status === 0;
if (!canDelayListen) console.warn('lock.test: the bind-to-listen test is skipped (needs strace that may trace)');

describe.runIf(canDelayListen)('cronmon exec --lock, a run caught between bind and listen', () => {
  it('is not taken for a dead holder: of it and a run that finds it there, exactly one runs its job', async () => {
    const s = scenario();
    const locks = join(s.env.CRONMON_CACHE_DIR ?? '', 'locks');
    const slow = startCli(['exec', '--slug', s.slug, '--lock', '--', ...s.job], { env: s.env, under: delayListen(3_000_000) });
    running.push({ run: slow, release: s.release });
    const results: CliResult[] = [];
    void slow.result.then((result) => results.push(result));
    const bound = () => {
      try {
        return readdirSync(locks, { withFileTypes: true }).some((entry) => entry.isSocket());
      } catch {
        return false;
      }
    };
    // Its socket is bound (under whatever name) and not yet listening.
    for (let waited = 0; !bound(); waited += 20) {
      if (waited > 60_000 || results.length > 0) throw new Error(`the run under strace never bound its socket: ${results[0]?.stderr ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const other = start(s, ['--lock']);
    void other.result.then((result) => results.push(result));
    for (let waited = 0; results.length + s.lines().length < 2; waited += 100) {
      if (waited > 60_000) throw new Error(`${results.length} ended, ${s.lines().length} started`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(s.lines()).toHaveLength(1);
    expect(results.map((result) => result.code)).toEqual([75]);
  });
});

describe.runIf(process.platform === 'linux')('cronmon exec --lock on a kernel filesystem (/proc, /sys)', () => {
  // These used to spin at 100% CPU, deaf to SIGTERM (Node's recursive mkdir under /proc).
  for (const file of ['/proc/self/job.lock', '/proc/cronmon/job.lock', '/sys/kernel/job.lock']) {
    it(`refuses --lock ${file}: one line, exit 2, the job does not run`, async () => {
      const s = scenario();
      const result = await runCliOrKill(['exec', '--slug', s.slug, `--lock=${file}`, '--', ...s.job], { env: s.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        new RegExp(`^cronmon: --lock: ${file} is on (procfs|sysfs), a kernel filesystem that cannot hold a lock file; name a file elsewhere\\n$`),
      );
      expect(s.lines()).toEqual([]);
      expect(sentry.checkIns(s.slug)).toEqual([]);
    });
  }

  it('does not use an $XDG_RUNTIME_DIR there, and still excludes a second run', async () => {
    const s = scenario();
    const first = start(s, ['--lock'], { ...s.env, XDG_RUNTIME_DIR: '/proc' });
    await ready(first);
    expect(readdirSync(join(s.env.CRONMON_CACHE_DIR ?? '', 'locks'))).toContain(`${s.slug}@production.lock`);
    const second = await runCliOrKill(['exec', '--slug', s.slug, '--lock', '--', ...s.job], { env: { ...s.env, XDG_RUNTIME_DIR: '/proc/self' } });
    expect(second.code).toBe(75);
    s.release();
    expect((await first.result).code).toBe(0);
  });
});

// Another local user: everything it can try against root's default lock, none of which works.
const canBeNobody = process.getuid?.() === 0 && spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true']).status === 0;
if (!canBeNobody) console.warn('lock.test: the second-user test is skipped (needs root and setpriv)');

describe.runIf(canBeNobody)('another user', () => {
  it('cannot see, take or block the default lock', async () => {
    const s = scenario();
    const squatter = join(tmpdir(), `cronmon-squat-${process.pid}.cjs`);
    created.push(squatter);
    // Holds the names a default lock of this slug could have, as the other user.
    writeFileSync(
      squatter,
      `
      const net = require('net');
      const hash = (text) => require('crypto').createHash('sha256').update(text).digest('hex');
      for (const id of ['default:0:${s.slug}@production', 'default:${s.slug}@production']) net.createServer().listen('\\0cronmon-lock-' + hash(id));
      console.log('squatting');
      setTimeout(() => process.exit(0), 20000);
    `,
      { mode: 0o644 },
    );
    const asNobody = (args: string[]) =>
      spawn('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const other = asNobody([process.execPath, squatter]);
    try {
      await new Promise((resolve) => other.stdout.once('data', resolve));
      const first = start(s, ['--lock']);
      await ready(first);
      // The lock's directory is not even listable by the other user.
      const locks = join(s.env.CRONMON_CACHE_DIR ?? '', 'locks');
      const list = asNobody(['ls', locks]);
      expect(await new Promise((resolve) => list.on('close', resolve))).not.toBe(0);
      s.release();
      expect((await first.result).code).toBe(0);
      expect(s.lines()).toHaveLength(2);
    } finally {
      other.kill();
    }
  });
});

// Resolves once the run's job has printed "ready"; fails (rather than hangs) if the run ends first.
function ready(run: CliRun): Promise<void> {
  return Promise.race([
    run.waitForStdout('ready'),
    run.result.then((result) => {
      throw new Error(`cronmon ended (${result.code ?? result.signal}) before its job was ready: ${result.stderr}`);
    }),
  ]);
}

// The job's pid, from its "ready <pid>" line.
function pidOf(run: CliRun): string {
  return /ready (\d+)/.exec(run.stdoutSoFar())?.[1] ?? 'unknown';
}
