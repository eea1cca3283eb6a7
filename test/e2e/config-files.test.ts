import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCliOrKill } from '../support/cli.js';
import { otherUser } from '../support/other-user.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// Config files are searched for upwards from the working directory. One that another user may
// have put there never runs and is never read, and nothing named like one can block cronmon.
let sentry: TestSentry;
// A server that must never be asked anything: where a planted .sentryclirc points.
let trap: Server;
let trapped = 0;
beforeAll(async () => {
  sentry = await startSentryServer();
  trap = createServer((socket) => {
    trapped++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  await sentry.close();
  await new Promise((resolve) => trap.close(resolve));
});

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

// `<root>/shared` (world-writable, sticky, as /tmp) holds what another user left there; the
// job runs in `<root>/shared/job`, and HOME is `<root>/home`.
function sharedTmp() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'cronmon-config-e2e-')));
  roots.push(root);
  const shared = join(root, 'shared');
  const cwd = join(shared, 'job');
  const home = join(root, 'home');
  mkdirSync(cwd, { recursive: true });
  mkdirSync(home);
  chmodSync(shared, 0o1777);
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: home,
    CRONMON_CACHE_DIR: join(home, 'cache'),
    ...extra,
  });
  return { root, shared, cwd, home, marker: join(root, 'ran'), env };
}

const warningLines = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('cronmon: warning: '));

describe("another user's config files in a world-writable parent", () => {
  it('exec: the .cronmonrc.js there never runs; the job runs; one warning line says why', async (context) => {
    const nobody = otherUser(context);
    const s = sharedTmp();
    const rc = join(s.shared, '.cronmonrc.js');
    writeFileSync(rc, `require('node:fs').writeFileSync(${JSON.stringify(s.marker)}, 'ran'); module.exports = { dsn: 'http://k@127.0.0.1:9/1' };\n`);
    chownSync(rc, nobody.uid, nobody.gid);
    const result = await runCliOrKill(['exec', '--slug', 'shared-tmp', '--', 'sh', '-c', 'echo job ran'], {
      env: s.env({ SENTRY_DSN: sentry.dsn }),
      cwd: s.cwd,
    });
    expect(existsSync(s.marker)).toBe(false);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('job ran\n');
    expect(warningLines(result.stderr)).toEqual([
      `cronmon: warning: ignoring config file ${rc}: it belongs to another user (uid ${nobody.uid}), and only your files and root's are read (name it with --config to use it anyway)`,
    ]);
    await sentry.waitFor(() => sentry.checkIns('shared-tmp').length === 2);
  });

  it('monitors list: the .sentryclirc there does not get the auth token sent to its server', async (context) => {
    const nobody = otherUser(context);
    const s = sharedTmp();
    const rc = join(s.shared, '.sentryclirc');
    const address = trap.address();
    const port = typeof address === 'object' && address ? address.port : 9;
    writeFileSync(rc, `[defaults]\nurl = http://127.0.0.1:${port}/\n`);
    chownSync(rc, nobody.uid, nobody.gid);
    writeFileSync(join(s.home, '.sentryclirc'), `[defaults]\nurl = ${sentry.url}\n`);
    const before = trapped;
    const result = await runCliOrKill(['monitors', 'list'], { env: s.env({ SENTRY_AUTH_TOKEN: sentry.token, SENTRY_ORG: sentry.org }), cwd: s.cwd });
    expect(trapped).toBe(before);
    expect(result.code, result.stderr).toBe(0);
    expect(warningLines(result.stderr)).toEqual([
      expect.stringMatching(new RegExp(`^cronmon: warning: ignoring sentry-cli config ${rc}: it belongs to another user`)),
    ]);
  });
});

describe('a FIFO named like a config file', () => {
  it('found by the search: does not block; the job runs, with one warning line', async () => {
    const s = sharedTmp();
    chmodSync(s.shared, 0o755);
    execFileSync('mkfifo', [join(s.cwd, '.cronmonrc.json')]);
    const result = await runCliOrKill(['exec', '--dry-run', '--slug', 'fifo', '--', 'sh', '-c', 'echo job ran'], { env: s.env(), cwd: s.cwd });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('job ran\n');
    expect(warningLines(result.stderr)).toEqual([`cronmon: warning: ignoring config file ${join(s.cwd, '.cronmonrc.json')}: it is a FIFO, not a regular file`]);
  });

  it('given with --config: one line, exit 2, the job does not run', async () => {
    const s = sharedTmp();
    const fifo = join(s.cwd, 'cronmon.yaml');
    execFileSync('mkfifo', [fifo]);
    const result = await runCliOrKill(['exec', '--config', fifo, '--slug', 'fifo', '--', 'sh', '-c', 'echo job ran'], { env: s.env(), cwd: s.cwd });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(2);
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr).toBe(`cronmon: cannot read config file ${fifo}: it is a FIFO, not a regular file\n`);
  });
});

describe("cosmiconfig's meta config", () => {
  it('in the working directory never runs, even where a config file is found elsewhere', async () => {
    const s = sharedTmp();
    chmodSync(s.shared, 0o755);
    mkdirSync(join(s.cwd, '.config'));
    writeFileSync(join(s.cwd, '.config', 'config.js'), `require('node:fs').writeFileSync(${JSON.stringify(s.marker)}, 'ran'); module.exports = {};\n`);
    mkdirSync(join(s.home, '.config', 'cronmon'), { recursive: true });
    writeFileSync(join(s.home, '.config', 'cronmon', 'config.yaml'), 'environment: from-home\n');
    const result = await runCliOrKill(['exec', '--dry-run', '--slug', 'meta', '--', 'true'], { env: s.env(), cwd: s.cwd });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('"environment":"from-home"');
    expect(existsSync(s.marker)).toBe(false);
  });
});
