import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kernelFilesystemOf, makeDirs, readIfRegular, writeFileAtomic, writeTempFile } from '../../src/util/safe-fs.js';
import { otherUser } from '../support/other-user.js';

// For child processes (with limits of their own): the module bundled, as plain Node loads it.
let bundleDir: string;
let bundle: string;
beforeAll(async () => {
  bundleDir = mkdtempSync(join(tmpdir(), 'cronmon-safe-fs-bundle-'));
  bundle = join(bundleDir, 'safe-fs.mjs');
  const entryPoints = [fileURLToPath(new URL('../../src/util/safe-fs.ts', import.meta.url))];
  await build({ entryPoints, bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: bundle, logLevel: 'error' });
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cronmon-safe-fs-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('writeFileAtomic', () => {
  it('replaces the file, with exactly the mode and owner asked for', (context) => {
    const file = join(root, 'crontab');
    writeFileSync(file, 'old\n');
    writeFileAtomic(file, 'new\n', { mode: 0o640 });
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(statSync(file).mode & 0o7777).toBe(0o640);
    const nobody = otherUser(context);
    writeFileAtomic(file, 'newer\n', { mode: 0o604, owner: nobody, durable: true });
    expect(statSync(file)).toMatchObject({ uid: nobody.uid, gid: nobody.gid });
    expect(statSync(file).mode & 0o7777).toBe(0o604);
    expect(readdirSync(root)).toEqual(['crontab']);
  });

  it('with hiddenTemp, writes through a hidden temp file (which cron skips in /etc/cron.d)', () => {
    const file = join(root, 'job');
    writeFileSync(file, 'old\n');
    // Something planted at the hidden temp name is removed, not followed: the name was used.
    const victim = join(root, 'victim');
    writeFileSync(victim, 'victim\n');
    symlinkSync(victim, join(root, `.job.${process.pid}.tmp`));
    writeFileAtomic(file, 'new\n', { mode: 0o644, hiddenTemp: true });
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(readFileSync(victim, 'utf8')).toBe('victim\n');
    expect(readdirSync(root).sort()).toEqual(['job', 'victim']);
  });

  it('leaves the old file whole, and no temp file, when the write fails', () => {
    const file = join(root, 'crontab');
    writeFileSync(file, 'old\n');
    // The file is 4 bytes; the new content goes past a 1 KiB file size limit (RLIMIT_FSIZE),
    // as it would past the end of a full disk.
    const script = `
      const { writeFileAtomic } = await import(process.argv[1]);
      try { writeFileAtomic(process.argv[2], 'x'.repeat(4096), { mode: 0o644 }); } catch (error) { console.log(error.code); }`;
    const out = execFileSync('sh', ['-c', 'ulimit -f 2 && exec "$@"', 'sh', process.execPath, '--input-type=module', '-e', script, bundle, file], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('EFBIG');
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    expect(readdirSync(root)).toEqual(['crontab']);
  });
});

describe('writeTempFile', () => {
  it('never writes through a symlink at its path', () => {
    const victim = join(root, 'victim');
    writeFileSync(victim, 'precious\n');
    const path = join(root, 'temp');
    symlinkSync(victim, path);
    writeTempFile(path, 'data', { mode: 0o600 });
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readFileSync(path, 'utf8')).toBe('data');
  });
});

describe('readIfRegular', () => {
  it('reads a regular file, following a symlink only when asked', () => {
    const file = join(root, 'file');
    writeFileSync(file, 'text');
    symlinkSync(file, join(root, 'link'));
    expect(readIfRegular(join(root, 'link'), { follow: true }).text).toBe('text');
    expect(readIfRegular(join(root, 'link'), { follow: false })).toMatchObject({ text: undefined });
    expect(readIfRegular(file, { follow: false, maxBytes: 3 }).text).toBeUndefined();
  });

  it('does not block on a FIFO or a device', () => {
    const fifo = join(root, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(readIfRegular(fifo, { follow: true }).stats.isFIFO()).toBe(true);
    expect(readIfRegular(fifo, { follow: true }).text).toBeUndefined();
    expect(readIfRegular('/dev/zero', { follow: true }).text).toBeUndefined();
  });
});

describe.runIf(process.platform === 'linux')('kernel filesystems', () => {
  it('are recognised, also for paths below them that do not exist', () => {
    expect(kernelFilesystemOf('/proc/self')).toBe('procfs');
    expect(kernelFilesystemOf('/proc/no/such/dir')).toBe('procfs');
    expect(kernelFilesystemOf('/sys/kernel')).toBe('sysfs');
    expect(kernelFilesystemOf(root)).toBeUndefined();
  });

  it('makeDirs refuses them at once (a recursive mkdir would spin forever under /proc)', () => {
    expect(() => makeDirs('/proc/cronmon/cache', 0o700)).toThrow(/is on procfs, a kernel filesystem/);
    expect(() => makeDirs('/proc/self/cronmon', 0o700)).toThrow(/is on procfs/);
    expect(existsSync('/proc/cronmon')).toBe(false);
  });
});

describe('makeDirs', () => {
  it('creates each missing directory with the mode, and accepts one that exists', () => {
    makeDirs(join(root, 'a', 'b', 'c'), 0o700);
    for (const dir of ['a', 'a/b', 'a/b/c']) expect(statSync(join(root, dir)).mode & 0o777).toBe(0o700);
    chmodSync(join(root, 'a'), 0o755);
    makeDirs(join(root, 'a', 'b'), 0o700);
    expect(statSync(join(root, 'a')).mode & 0o777).toBe(0o755);
  });

  it('fails under a file', () => {
    writeFileSync(join(root, 'file'), '');
    expect(() => makeDirs(join(root, 'file', 'dir'), 0o700)).toThrow(/ENOTDIR|EEXIST/);
  });
});
