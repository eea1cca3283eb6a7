import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { searchDirs } from '../../src/config/config-search.js';
import { loadConfig } from '../../src/config/load-config.js';
import { loadSentryCliRc } from '../../src/config/sentryclirc.js';
import { CronmonError } from '../../src/util/errors.js';
import { otherUser } from '../support/other-user.js';
import { tempProject, type TempProject } from './temp-project.js';

// A config file found by searching upwards is read only when nobody but the user or root can
// have put it there; otherwise it is skipped with one warning naming it and saying why.

// A JavaScript config that leaves a marker when it is run.
const markerConfig = (marker: string) => `require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = { org: 'evil' };\n`;

// `shared/` (mode as given) holds the files; the working directory is `shared/project/`.
function sharedParent(t: TempProject, mode: number): { shared: string; cwd: string } {
  const shared = join(t.root, 'shared');
  const cwd = join(shared, 'project');
  mkdirSync(cwd, { recursive: true });
  chmodSync(shared, mode);
  return { shared, cwd };
}

async function search(t: TempProject, cwd: string): Promise<{ org: string | undefined; warnings: string[] }> {
  const warnings: string[] = [];
  const config = await loadConfig({ cwd, env: t.env(), warn: (message) => warnings.push(message) });
  return { org: config?.org, warnings: warnings.filter((line) => line.includes(t.root)) };
}

describe('searchDirs', () => {
  it('goes up to the home directory, and not above', () => {
    expect(searchDirs('/home/u/jobs/nightly', '/home/u')).toEqual(['/home/u/jobs/nightly', '/home/u/jobs', '/home/u']);
  });

  it('stops at the root of a repository (.git, a directory or a worktree file)', () => {
    const t = tempProject();
    mkdirSync(join(t.project, '.git'));
    const cwd = join(t.project, 'jobs');
    mkdirSync(cwd);
    expect(searchDirs(cwd, t.home)).toEqual([cwd, t.project]);
    const worktree = join(t.root, 'worktree');
    mkdirSync(worktree);
    writeFileSync(join(worktree, '.git'), 'gitdir: /elsewhere\n');
    expect(searchDirs(worktree, t.home)).toEqual([worktree]);
  });

  it('goes on to / only outside home and any repository', () => {
    expect(searchDirs('/srv/app', '/home/u')).toEqual(['/srv/app', '/srv', '/']);
  });
});

describe('a config file in a directory others can write', () => {
  for (const mode of [0o777, 0o1777, 0o775]) {
    it(`is not run or read (mode ${mode.toString(8)}), with one warning saying why`, async () => {
      const t = tempProject();
      const { shared, cwd } = sharedParent(t, mode);
      const marker = join(t.root, 'ran');
      writeFileSync(join(shared, '.cronmonrc.js'), markerConfig(marker));
      const { org, warnings } = await search(t, cwd);
      expect(org).toBeUndefined();
      expect(existsSync(marker)).toBe(false);
      expect(warnings).toEqual([
        `ignoring config file ${join(shared, '.cronmonrc.js')}: ${shared} can be written by other users (mode ${mode.toString(8)}), so anyone could have put it there (name it with --config to use it anyway)`,
      ]);
    });
  }

  it('is passed over for the next one found, and used when named with --config', async () => {
    const t = tempProject();
    const { shared, cwd } = sharedParent(t, 0o777);
    writeFileSync(join(shared, 'cronmon.config.json'), JSON.stringify({ org: 'shared' }));
    t.write('home/.config/cronmon/config.json', { org: 'mine' });
    expect((await search(t, cwd)).org).toBe('mine');
    const explicit = await loadConfig({ explicit: '../cronmon.config.json', cwd, env: t.env(), warn: () => {} });
    expect(explicit?.org).toBe('shared');
  });

  it('through a symlink, is judged by the directory of the file it leads to', async () => {
    const t = tempProject();
    const { shared } = sharedParent(t, 0o777);
    writeFileSync(join(shared, 'real.json'), JSON.stringify({ org: 'shared' }));
    symlinkSync(join(shared, 'real.json'), join(t.project, '.cronmonrc.json'));
    const { org, warnings } = await search(t, t.project);
    expect(org).toBeUndefined();
    expect(warnings).toEqual([expect.stringContaining(`ignoring config file ${join(t.project, '.cronmonrc.json')}: ${shared} can be written by other users`)]);
  });
});

describe("another user's config file", () => {
  it('is not run or read, with one warning saying why, in a directory of theirs or a shared one', async (context) => {
    const nobody = otherUser(context);
    const t = tempProject();
    const { shared, cwd } = sharedParent(t, 0o1777);
    const marker = join(t.root, 'ran');
    const rc = join(shared, '.cronmonrc.js');
    writeFileSync(rc, markerConfig(marker));
    chownSync(rc, nobody.uid, nobody.gid);
    chmodSync(shared, 0o755);
    const { org, warnings } = await search(t, cwd);
    expect(org).toBeUndefined();
    expect(existsSync(marker)).toBe(false);
    expect(warnings).toEqual([
      `ignoring config file ${rc}: it belongs to another user (uid ${nobody.uid}), and only your files and root's are read (name it with --config to use it anyway)`,
    ]);

    chownSync(rc, 0, 0);
    chownSync(shared, nobody.uid, nobody.gid);
    expect((await search(t, cwd)).warnings).toEqual([
      expect.stringContaining(`: ${shared} belongs to another user (uid ${nobody.uid}), who could have put it there`),
    ]);
    expect(existsSync(marker)).toBe(false);
  });

  it('in package.json counts only with a "cronmon" key', async (context) => {
    const nobody = otherUser(context);
    const t = tempProject();
    const pkg = t.write('project/package.json', { name: 'theirs' });
    chownSync(pkg, nobody.uid, nobody.gid);
    expect(await search(t, t.project)).toEqual({ org: undefined, warnings: [] });
    t.write('project/package.json', { name: 'theirs', cronmon: { org: 'evil' } });
    expect((await search(t, t.project)).warnings).toEqual([expect.stringContaining(`ignoring config file ${pkg}: it belongs to another user`)]);
  });

  it('is used when named explicitly: the user chose it', async (context) => {
    const nobody = otherUser(context);
    const t = tempProject();
    const file = t.write('project/theirs.json', { org: 'theirs' });
    chownSync(file, nobody.uid, nobody.gid);
    expect((await loadConfig({ explicit: file, cwd: t.project, env: t.env(), warn: () => {} }))?.org).toBe('theirs');
  });
});

describe('a FIFO or device named like a config file', () => {
  it('is passed over with a warning when found', async () => {
    const t = tempProject();
    const fifo = join(t.project, '.cronmonrc.json');
    execFileSync('mkfifo', [fifo]);
    t.write('project/cronmon.config.json', { org: 'regular' });
    const { org, warnings } = await search(t, t.project);
    expect(org).toBe('regular');
    expect(warnings).toEqual([`ignoring config file ${fifo}: it is a FIFO, not a regular file`]);
  });

  it('is a config error (exit 2) when named', async () => {
    const t = tempProject();
    const fifo = join(t.project, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    for (const [explicit, kind] of [
      [fifo, 'a FIFO'],
      ['/dev/zero', 'a device'],
    ] as const) {
      const error = await loadConfig({ explicit, cwd: t.project, env: t.env(), warn: () => {} }).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(CronmonError);
      expect(error).toMatchObject({ code: 'config', exitCode: 2, message: `cannot read config file ${explicit}: it is ${kind}, not a regular file` });
    }
  });
});

describe('.sentryclirc', () => {
  it('is not read from a directory others can write, nor from a FIFO, with a warning', () => {
    const t = tempProject();
    const { shared, cwd } = sharedParent(t, 0o777);
    writeFileSync(join(shared, '.sentryclirc'), '[auth]\ntoken = stolen\n[defaults]\nurl = http://127.0.0.1:9/\n');
    execFileSync('mkfifo', [join(cwd, '.sentryclirc')]);
    const home = t.write('home/.sentryclirc', '[defaults]\nurl = https://sentry.example.com/\n');
    const warnings: string[] = [];
    const rc = loadSentryCliRc(cwd, t.home, (message) => warnings.push(message));
    expect(rc).toEqual({ url: 'https://sentry.example.com/', files: [home], sources: { url: home } });
    expect(warnings.filter((line) => line.includes(t.root))).toEqual([
      `ignoring sentry-cli config ${join(cwd, '.sentryclirc')}: it is a FIFO, not a regular file`,
      `ignoring sentry-cli config ${join(shared, '.sentryclirc')}: ${shared} can be written by other users (mode 777), so anyone could have put it there`,
    ]);
  });

  it("is not read when it is another user's", (context) => {
    const nobody = otherUser(context);
    const t = tempProject();
    const file = t.write('project/.sentryclirc', '[auth]\ntoken = theirs\n');
    chownSync(file, nobody.uid, nobody.gid);
    const warnings: string[] = [];
    expect(loadSentryCliRc(t.project, t.home, (message) => warnings.push(message))).toEqual({ files: [], sources: {} });
    expect(warnings).toEqual([expect.stringContaining(`ignoring sentry-cli config ${file}: it belongs to another user (uid ${nobody.uid})`)]);
  });
});
