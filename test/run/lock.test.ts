import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isCronmonError } from '../../src/util/errors.js';
import { acquireLock, defaultLockFile, type Lock, type LockOptions } from '../../src/run/lock.js';

const HOLD_LOCK = fileURLToPath(new URL('../fixtures/jobs/hold-lock.mjs', import.meta.url));
const HAMMER_LOCK = fileURLToPath(new URL('../fixtures/jobs/hammer-lock.mjs', import.meta.url));
const LOCK_SOURCE = fileURLToPath(new URL('../../src/run/lock.ts', import.meta.url));

let dir: string;
let bundle: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cronmon-lock-'));
  // The child processes run the real module, bundled, as plain Node can load it.
  bundle = join(dir, 'lock.mjs');
  await build({ entryPoints: [LOCK_SOURCE], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'error' });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const held: Lock[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const lock of held.splice(0)) lock.release();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

let counter = 0;
const uniqueSlug = () => `unit-${process.pid}-${++counter}`;

async function take(options: LockOptions): Promise<Lock> {
  const lock = await acquireLock(options);
  held.push(lock);
  return lock;
}

async function busy(options: LockOptions): Promise<string> {
  const error = await acquireLock(options).then(
    (lock) => {
      held.push(lock);
      throw new Error('the lock was free');
    },
    (reason: unknown) => reason,
  );
  if (!isCronmonError(error)) throw error;
  expect(error.code).toBe('lock-busy');
  expect(error.exitCode).toBe(75);
  return error.message;
}

// A separate process that takes the lock (waiting for it as `options` say) and holds it.
function holdInChild(options: LockOptions): { child: ChildProcess; locked: Promise<ChildProcess> } {
  const child = spawn(process.execPath, [HOLD_LOCK, bundle, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  const locked = new Promise<ChildProcess>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('locked')) resolve(child);
    });
    child.once('exit', (code, signal) => reject(new Error(`the holder ended (${code ?? signal}) without holding the lock`)));
  });
  locked.catch(() => {});
  return { child, locked };
}

const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

const mechanisms = process.platform === 'linux' ? (['private-socket', 'socket', 'file'] as const) : (['private-socket', 'file'] as const);

describe.each(mechanisms)('acquireLock (%s)', (mechanism) => {
  const options = (extra: Partial<LockOptions> = {}): LockOptions => ({
    slug: uniqueSlug(),
    environment: 'production',
    waitMs: 0,
    cacheDir: join(dir, 'cache'),
    mechanism,
    ...extra,
  });

  it('is busy while held, names the holder, and is free again after release', async () => {
    const opts = options();
    const lock = await take(opts);
    expect(lock.file).toBe(join(dir, 'cache', 'locks', `${opts.slug}@production.lock`));
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, slug: opts.slug, environment: 'production' });
    const message = await busy(opts);
    expect(message).toMatch(
      new RegExp(`^${opts.slug} \\(production\\) is already running \\(pid ${process.pid}, since \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\); not started$`),
    );
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
    await take(opts);
  });

  it('keeps slugs and environments apart', async () => {
    const opts = options();
    await take(opts);
    await take({ ...opts, environment: 'staging' });
    await take({ ...opts, slug: `${opts.slug}-2` });
    await busy({ ...opts, environment: 'staging' });
  });

  it('waits for the holder to release', async () => {
    const opts = options();
    const first = await take(opts);
    let released = false;
    setTimeout(() => {
      released = true;
      first.release();
    }, 300);
    await take({ ...opts, waitMs: 20_000 });
    expect(released).toBe(true);
  });

  it('gives up after --lock-wait', async () => {
    const opts = options();
    await take(opts);
    expect(await busy({ ...opts, waitMs: 300 })).toMatch(/; not started after waiting 300ms$/);
  });

  it('is held by another process, and freed when that process is SIGKILLed', async () => {
    const opts = options();
    const child = await holdInChild(opts).locked;
    expect(await busy(opts)).toContain(`(pid ${child.pid}, since `);
    await killed(child);
    await take(opts);
  });

  it('lets one waiting process in at a time', async () => {
    const opts = options();
    const first = await take(opts);
    const waiting = [1, 2, 3].map(() => holdInChild({ ...opts, waitMs: 20_000 }));
    const holders = new Set<ChildProcess>();
    for (const { locked } of waiting)
      void locked.then(
        (child) => holders.add(child),
        () => {},
      );
    first.release();
    const winner = await Promise.any(waiting.map((w) => w.locked));
    expect(await busy(opts)).toContain(`(pid ${winner.pid}, since `);
    await killed(winner);
    const next = await Promise.any(waiting.filter((w) => w.child !== winner).map((w) => w.locked));
    expect(await busy(opts)).toContain(`(pid ${next.pid}, since `);
    expect(holders).toEqual(new Set([winner, next]));
  });

  it('is never mistaken for a foreign file while other processes take and release it', async () => {
    // Four processes take and release one lock as fast as they can. A run that checks the file
    // just as its holder removes or replaces it must see a lock file or none, never "not a
    // cronmon lock file". 4 × 400 rounds: a few seconds on a loaded machine, and before this
    // was fixed, a false refusal in most runs.
    const opts = options({ file: join(dir, `hammer-${mechanism}`, 'job.lock') });
    const hammers = [1, 2, 3, 4].map(() => {
      const child = spawn(process.execPath, [HAMMER_LOCK, bundle, JSON.stringify(opts), '400'], { stdio: ['pipe', 'pipe', 'inherit'] });
      children.push(child);
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const ready = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('ready') && resolve()));
      const done = new Promise<string>((resolve) => child.once('close', () => resolve(out)));
      return { child, ready, done };
    });
    await Promise.all(hammers.map((h) => h.ready));
    for (const { child } of hammers) child.stdin?.end('go\n');
    const outputs = await Promise.all(hammers.map((h) => h.done));
    for (const out of outputs) expect(out).toMatch(/^ready\ndone \d+ \d+\n$/);
    const taken = outputs.reduce((sum, out) => sum + Number(/done (\d+)/.exec(out)?.[1]), 0);
    expect(taken).toBeGreaterThan(0);
  });

  it('takes an explicit file, shared by whoever names it', async () => {
    const file = join(dir, `explicit-${mechanism}`, 'job.lock');
    const lock = await take(options({ file }));
    expect(lock.file).toBe(file);
    expect(await busy(options({ file }))).toMatch(/is already running \(pid \d+/);
  });
});

describe.runIf(process.platform === 'linux')('acquireLock on Linux', () => {
  it('names an explicit file by its real path', async () => {
    const real = mkdtempSync(join(dir, 'real-'));
    const link = join(dir, `link-${counter}`);
    symlinkSync(real, link);
    await take({ slug: uniqueSlug(), environment: 'production', waitMs: 0, cacheDir: dir, file: join(real, 'x.lock') });
    await busy({ slug: uniqueSlug(), environment: 'production', waitMs: 0, cacheDir: dir, file: join(link, 'x.lock') });
  });

  it('does not trust a lock file left behind', async () => {
    const slug = uniqueSlug();
    const file = defaultLockFile({ slug, environment: 'production', cacheDir: join(dir, 'cache') });
    mkdirSync(join(dir, 'cache', 'locks'), { recursive: true });
    writeFileSync(file, JSON.stringify({ pid: process.ppid, started: new Date().toISOString(), slug, environment: 'production' }));
    await take({ slug, environment: 'production', waitMs: 0, cacheDir: join(dir, 'cache') });
  });
});

describe('the file-based fallback', () => {
  it('takes over a lock file whose process is gone, and not one whose process lives', async () => {
    const slug = uniqueSlug();
    const cacheDir = join(dir, 'cache');
    const file = defaultLockFile({ slug, environment: 'production', cacheDir });
    mkdirSync(join(cacheDir, 'locks'), { recursive: true });
    const gone = spawn(process.execPath, ['-e', '']);
    await new Promise((resolve) => gone.once('exit', resolve));
    writeFileSync(file, JSON.stringify({ pid: gone.pid, started: new Date().toISOString(), slug, environment: 'production' }));
    const lock = await take({ slug, environment: 'production', waitMs: 0, cacheDir, mechanism: 'file' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    writeFileSync(file, JSON.stringify({ pid: process.ppid, started: '2020-01-01T00:00:00.000Z', slug, environment: 'production' }));
    expect(await busy({ slug, environment: 'production', waitMs: 0, cacheDir, mechanism: 'file' })).toContain(
      `(pid ${process.ppid}, since 2020-01-01T00:00:00Z)`,
    );
  });
});

describe('an explicit file', () => {
  it('is never a file or directory that is not a cronmon lock file', async () => {
    const script = join(dir, 'job.sh');
    writeFileSync(script, '#!/bin/sh\necho hi\n');
    for (const mechanism of mechanisms) {
      for (const file of [script, dir]) {
        const error: unknown = await acquireLock({ slug: uniqueSlug(), environment: 'production', waitMs: 0, cacheDir: dir, file, mechanism }).then(
          (lock) => lock.release(),
          (reason: unknown) => reason,
        );
        expect(isCronmonError(error) && error.code).toBe('usage');
        expect((error as Error).message).toContain('is not a cronmon lock file');
      }
    }
    expect(readFileSync(script, 'utf8')).toBe('#!/bin/sh\necho hi\n');
  });

  it('may exist empty', async () => {
    const file = join(dir, 'touched.lock');
    writeFileSync(file, '');
    const lock = await take({ slug: uniqueSlug(), environment: 'production', waitMs: 0, cacheDir: dir, file });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });
});

describe('defaultLockFile', () => {
  it('is in the cache directory, whatever $XDG_RUNTIME_DIR (cron does not set it)', () => {
    expect(defaultLockFile({ slug: 'a', environment: 'production', cacheDir: '/c' })).toBe('/c/locks/a@production.lock');
  });

  it('keeps distinct environments distinct in a safe file name', () => {
    const name = (environment: string) => defaultLockFile({ slug: 'a', environment, cacheDir: '/c' }).slice('/c/locks/'.length);
    expect(name('staging 2')).toBe('a@staging%202.lock');
    expect(name('staging%202')).toBe('a@staging%25202.lock');
    expect(name('..')).toBe('a@...lock');
    expect(name('prod\\uction')).toBe('a@prod%5Cuction.lock');
    expect(name('é'.repeat(64))).toMatch(/^a@sha256-[0-9a-f]{32}\.lock$/);
  });
});

describe('the default lock', () => {
  const usageErrorOf = async (options: LockOptions): Promise<string> => {
    const error: unknown = await acquireLock(options).then(
      (lock) => {
        held.push(lock);
        return new Error('the lock was taken');
      },
      (reason: unknown) => reason,
    );
    expect(isCronmonError(error) && error.code).toBe('usage');
    return (error as Error).message;
  };

  it('is refused in a lock directory others can write', async () => {
    const cacheDir = mkdtempSync(join(dir, 'shared-'));
    mkdirSync(join(cacheDir, 'locks'), { mode: 0o777 });
    chmodSync(join(cacheDir, 'locks'), 0o777);
    expect(await usageErrorOf({ slug: uniqueSlug(), environment: 'production', waitMs: 0, cacheDir })).toMatch(
      /^--lock: the lock directory .*locks is not private: other users can write it \(mode 777\); /,
    );
  });

  it('replaces a socket left by a run that was killed, unless another run is replacing it', async () => {
    const cacheDir = mkdtempSync(join(dir, 'stale-'));
    const slug = uniqueSlug();
    const locks = join(cacheDir, 'locks');
    // A holder that dies without closing leaves its socket file behind.
    const first = await take({ slug, environment: 'production', waitMs: 0, cacheDir });
    const socket = readdirSync(locks).find((name) => name.endsWith('.sock')) ?? '';
    const killed = spawn(process.execPath, [
      '-e',
      `require('net').createServer().listen(${JSON.stringify(join(locks, `${socket}.x`))}, () => process.exit(0))`,
    ]);
    await new Promise((resolve) => killed.once('exit', resolve));
    first.release();
    renameSync(join(locks, `${socket}.x`), join(locks, socket));
    // Another run is at it: busy for now.
    mkdirSync(join(locks, `${socket}.recovering`));
    await busy({ slug, environment: 'production', waitMs: 0, cacheDir });
    // That run died long ago: its marker is abandoned, and the stale socket replaced.
    utimesSync(join(locks, `${socket}.recovering`), new Date(0), new Date(0));
    await busy({ slug, environment: 'production', waitMs: 0, cacheDir });
    const lock = await take({ slug, environment: 'production', waitMs: 0, cacheDir });
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid });
  });
});

describe('--lock FILE', () => {
  it('is refused in a directory every user can write without the sticky bit, and allowed with it', async () => {
    const open = mkdtempSync(join(dir, 'open-'));
    chmodSync(open, 0o777);
    const error: unknown = await acquireLock({ slug: uniqueSlug(), environment: 'production', waitMs: 0, cacheDir: dir, file: join(open, 'x.lock') }).catch(
      (reason: unknown) => reason,
    );
    expect((error as Error).message).toMatch(/can be written by every user and has no sticky bit/);
    chmodSync(open, 0o1777);
    await take({ slug: uniqueSlug(), environment: 'production', waitMs: 0, cacheDir: dir, file: join(open, 'x.lock') });
  });

  it('is never a symlink, which it would follow', async () => {
    const target = join(dir, `target-${++counter}`);
    writeFileSync(target, 'precious\n');
    const link = join(dir, `link-lock-${counter}`);
    symlinkSync(target, link);
    const error: unknown = await acquireLock({ slug: uniqueSlug(), environment: 'production', waitMs: 0, cacheDir: dir, file: link }).catch(
      (reason: unknown) => reason,
    );
    expect(isCronmonError(error) && error.code).toBe('usage');
    expect(readFileSync(target, 'utf8')).toBe('precious\n');
  });
});
