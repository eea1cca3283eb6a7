import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readStateFile, writeStateFile } from '../../src/util/paths.js';
import { otherUser } from '../support/other-user.js';

// State files (rate limits, recent pings) decide what cronmon sends: only the user may have written them.
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cronmon-state-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('writeStateFile and readStateFile', () => {
  it('round-trip through a private directory they create', () => {
    const file = join(root, 'cache', 'rate-limits', 'a.json');
    expect(writeStateFile(file, { monitor: 1 })).toBe(true);
    expect(readStateFile(file)).toEqual({ monitor: 1 });
    expect(statSync(join(root, 'cache')).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, 'cache', 'rate-limits')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(root, 'cache', 'rate-limits'))).toEqual(['a.json']);
  });

  it('never write through a symlink planted at the temp path', () => {
    const dir = join(root, 'state');
    mkdirSync(dir, { mode: 0o700 });
    const victim = join(root, 'victim');
    writeFileSync(victim, 'precious\n');
    const file = join(dir, 'a.json');
    symlinkSync(victim, `${file}.${process.pid}.tmp`);
    writeStateFile(file, [1, 2]);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(file).isFile()).toBe(true);
    expect(readStateFile(file)).toEqual([1, 2]);
    expect(existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });

  it('ignore a directory that others can write, and do not write there', () => {
    for (const mode of [0o777, 0o1777, 0o770]) {
      const dir = mkdtempSync(join(root, 'shared-'));
      const file = join(dir, 'a.json');
      writeFileSync(file, JSON.stringify({ monitor: 9e15 }));
      chmodSync(dir, mode);
      expect(readStateFile(file), mode.toString(8)).toBeUndefined();
      expect(writeStateFile(file, { monitor: 1 })).toBe(false);
      expect(readFileSync(file, 'utf8')).toBe(JSON.stringify({ monitor: 9e15 }));
    }
  });

  it('ignore a file others can write, or a symlink', () => {
    const dir = join(root, 'state');
    mkdirSync(dir, { mode: 0o700 });
    const file = join(dir, 'a.json');
    writeFileSync(file, '[1]');
    chmodSync(file, 0o666);
    expect(readStateFile(file)).toBeUndefined();
    const elsewhere = join(root, 'elsewhere.json');
    writeFileSync(elsewhere, '[2]');
    symlinkSync(elsewhere, join(dir, 'b.json'));
    expect(readStateFile(join(dir, 'b.json'))).toBeUndefined();
  });

  it("ignore another user's directory or file", (context) => {
    const nobody = otherUser(context);
    const theirs = join(root, 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    writeFileSync(join(theirs, 'a.json'), '[1]');
    chownSync(theirs, nobody.uid, nobody.gid);
    expect(readStateFile(join(theirs, 'a.json'))).toBeUndefined();
    expect(writeStateFile(join(theirs, 'a.json'), [2])).toBe(false);

    const mine = join(root, 'mine');
    mkdirSync(mine, { mode: 0o700 });
    writeFileSync(join(mine, 'a.json'), '[1]');
    chownSync(join(mine, 'a.json'), nobody.uid, nobody.gid);
    expect(readStateFile(join(mine, 'a.json'))).toBeUndefined();
  });
});
