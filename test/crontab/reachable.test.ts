import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { launcherPrograms, othersCannotRun } from '../../src/crontab/reachable.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cronmon-reachable-'));
  chmodSync(root, 0o755);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const file = (path: string, mode: number) => {
  writeFileSync(path, '#!/bin/sh\n');
  chmodSync(path, mode);
  return path;
};

describe('othersCannotRun', () => {
  it('accepts programs anyone can reach', () => {
    expect(
      othersCannotRun([
        { path: file(join(root, 'node'), 0o755), others: 0o001 },
        { path: file(join(root, 'cronmon'), 0o644), others: 0o004 },
      ]),
    ).toBeUndefined();
    expect(othersCannotRun(launcherPrograms(process.execPath, undefined))).toBeUndefined();
  });

  it('names a directory on the way others cannot enter, before or after a symlink', () => {
    const privateDir = join(root, 'private');
    mkdirSync(privateDir, { mode: 0o700 });
    const inside = file(join(privateDir, 'cronmon'), 0o755);
    expect(othersCannotRun([{ path: inside, others: 0o005 }])).toBe(`other users cannot enter ${privateDir} (on the way to ${inside})`);
    const link = join(root, 'cronmon');
    symlinkSync(inside, link);
    expect(othersCannotRun([{ path: link, others: 0o005 }])).toBe(`other users cannot enter ${privateDir} (on the way to ${link})`);
  });

  it('names a file others cannot read or run', () => {
    expect(othersCannotRun([{ path: file(join(root, 'a'), 0o750), others: 0o005 }])).toBe(`other users cannot read ${join(root, 'a')}`);
    expect(othersCannotRun([{ path: file(join(root, 'b'), 0o644), others: 0o001 }])).toBe(`other users cannot run ${join(root, 'b')}`);
  });

  it('does not judge a path that does not exist here, nor a bare command name', () => {
    expect(
      othersCannotRun([
        { path: join(root, 'elsewhere', 'cronmon'), others: 0o005 },
        { path: 'cronmon', others: 0o005 },
      ]),
    ).toBeUndefined();
  });
});

describe('launcherPrograms', () => {
  it('are the interpreter and the script it reads, with the bundle beside it', () => {
    mkdirSync(join(root, 'bin'));
    mkdirSync(join(root, 'dist'));
    const script = file(join(root, 'bin', 'cronmon'), 0o755);
    const bundle = file(join(root, 'dist', 'cronmon.cjs'), 0o644);
    expect(launcherPrograms(script, '/usr/bin/node')).toEqual([
      { path: '/usr/bin/node', others: 0o001 },
      { path: script, others: 0o004 },
      { path: bundle, others: 0o004 },
    ]);
    expect(launcherPrograms('/opt/cronmon', undefined)).toEqual([{ path: '/opt/cronmon', others: 0o005 }]);
  });
});
