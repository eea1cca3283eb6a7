import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ignoredName, readSystemCrontabs, refusedByCron } from '../../src/crontab/system-files.js';
import { otherUser } from '../support/other-user.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cronmon-system-files-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('names cron skips in /etc/cron.d', () => {
  it.each(['e2scrub_all', 'php', 'certbot', 'sysstat', '0hourly', 'raid-check', 'My_Job-2'])('reads %s', (name) => {
    expect(ignoredName(name)).toBeUndefined();
  });
  it.each(['.placeholder', '#job#', 'job~', 'job.rpmsave', 'job.rpmorig', 'job.rpmnew'])('skips %s everywhere', (name) => {
    expect(ignoredName(name)).toMatch(/^cron skips hidden, backup and editor files/);
  });
  it.each(['job.sh', 'job.dpkg-old', 'job.dpkg-dist', 'job.swp', 'job+1', 'jöb', 'a b'])('skips %s on Debian and Ubuntu', (name) => {
    expect(ignoredName(name)).toMatch(/^Debian's and Ubuntu's cron skip names/);
  });
});

describe('readSystemCrontabs', () => {
  it('lists a directory in name order, reading each file once, and says what it skips', () => {
    const dir = join(root, 'cron.d');
    mkdirSync(dir);
    writeFileSync(join(dir, 'b'), 'b\n');
    writeFileSync(join(dir, 'a'), 'a\n');
    symlinkSync('a', join(dir, 'c'));
    symlinkSync('nowhere', join(dir, 'd'));
    writeFileSync(join(dir, 'e.bak'), 'e\n');
    const { files, ignored } = readSystemCrontabs([dir]);
    expect(files.map((file) => [file.path, file.text])).toEqual([
      [join(dir, 'a'), 'a\n'],
      [join(dir, 'b'), 'b\n'],
    ]);
    expect(ignored).toEqual([
      { path: join(dir, 'c'), reason: `the same file as ${join(dir, 'a')}` },
      { path: join(dir, 'd'), reason: 'a symbolic link to nothing' },
      { path: join(dir, 'e.bak'), reason: expect.stringContaining("Debian's and Ubuntu's cron") },
    ]);
  });

  it('reads a file named twice once', () => {
    const file = join(root, 'crontab');
    writeFileSync(file, 'x\n');
    expect(readSystemCrontabs([file, file])).toMatchObject({ files: [{ path: file }], ignored: [{ path: file, reason: `the same file as ${file}` }] });
  });

  it('refuses a path that is missing or not a directory on the way', () => {
    expect(() => readSystemCrontabs([join(root, 'nope')])).toThrow(`cannot read ${join(root, 'nope')}: no such file`);
    writeFileSync(join(root, 'file'), '');
    expect(() => readSystemCrontabs([join(root, 'file', 'x')])).toThrow(/not a directory/);
  });
});

describe('refusedByCron', () => {
  it('accepts 0644 or stricter, owned by root', () => {
    const file = join(root, 'job');
    writeFileSync(file, '');
    for (const mode of [0o644, 0o600, 0o640, 0o444, 0o400]) {
      chmodSync(file, mode);
      expect(refusedByCron(statSync(file)), mode.toString(8)).toBeUndefined();
    }
    for (const mode of [0o664, 0o646, 0o755, 0o744, 0o4644]) {
      chmodSync(file, mode);
      expect(refusedByCron(statSync(file)), mode.toString(8)).toMatch(/^its mode 0?\d{3,4} is not 0644 or stricter/);
    }
  });

  it('says so for a file of another owner', (context) => {
    const nobody = otherUser(context);
    const file = join(root, 'job');
    writeFileSync(file, '');
    chownSync(file, nobody.uid, nobody.gid);
    expect(refusedByCron(statSync(file))).toBe('it is not owned by root');
  });
});
