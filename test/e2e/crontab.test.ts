import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronUnescape, parseCrontabText, type JobLine } from '../../src/crontab/parse.js';
import { BINARY, CLI, cliCommand, runCli, runCliOrKill } from '../support/cli.js';
import { crontabTestDirs } from '../support/crontab-dirs.js';
import { otherUser } from '../support/other-user.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

const SAMPLE = [
  'SHELL=/bin/sh',
  'MAILTO=""',
  '# copies, every night',
  '0 3 * * * cp source.txt copy.txt # cronmon: slug=nightly-copy',
  '*/5 * * * * cd sub && touch ran',
  '@reboot ./start.sh',
  "15 4 * * * cronmon exec --slug old --schedule '15 4 * * *' -- ./old.sh",
  '',
].join('\n');

const { tempDir, env } = crontabTestDirs('cronmon-crontab-');
const stdout = (result: { stdout: Buffer }) => result.stdout.toString('utf8');
const backups = (dir: string, prefix: string) => readdirSync(dir).filter((name) => name.startsWith(prefix));

function crontabFile(text = SAMPLE): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, 'my.crontab');
  writeFileSync(file, text);
  return { dir, file };
}

// A stand-in for crontab(1), first on PATH: keeps "the user's crontab" in $FAKE_CRONTAB, says
// "no crontab for …" like the real one when there is none, and refuses to install when
// $FAKE_CRONTAB_REFUSE is set.
function fakeCrontab(): { dir: string; store: string; env: (extra?: Record<string, string>) => NodeJS.ProcessEnv } {
  const dir = tempDir();
  mkdirSync(join(dir, 'bin'));
  const script = join(dir, 'bin', 'crontab');
  writeFileSync(
    script,
    `#!/bin/sh
case "$1" in
  -l) if [ -n "$FAKE_CRONTAB_LIST_FAIL" ]; then echo "crontab: cannot open your crontab: Permission denied" >&2; exit 1; fi
      if [ -f "$FAKE_CRONTAB" ]; then cat "$FAKE_CRONTAB"; else echo "no crontab for tester" >&2; exit 1; fi ;;
  -) cat > "$FAKE_CRONTAB.new"
     if [ -n "$FAKE_CRONTAB_REFUSE" ]; then echo '"-":3: bad minute' >&2; echo "errors in crontab file, can't install." >&2; exit 1; fi
     mv "$FAKE_CRONTAB.new" "$FAKE_CRONTAB" ;;
  *) echo "fake crontab: unexpected arguments: $*" >&2; exit 1 ;;
esac
`,
  );
  chmodSync(script, 0o755);
  const store = join(dir, 'stored.crontab');
  return {
    dir,
    store,
    env: (extra = {}) => env({ PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`, FAKE_CRONTAB: store, ...extra }),
  };
}

describe('cronmon crontab <file>', () => {
  it('shows each job and its wrapped form, and changes nothing', async () => {
    const { dir, file } = crontabFile();
    const result = await runCli(['crontab', file, '--cronmon-path', '/usr/local/bin/cronmon'], { env: env() });
    expect(result.code).toBe(0);
    const out = stdout(result);
    expect(out).toContain('line 4: to wrap, slug nightly-copy');
    expect(out).toContain('  - 0 3 * * * cp source.txt copy.txt # cronmon: slug=nightly-copy');
    expect(out).toContain(
      "  + 0 3 * * * /usr/local/bin/cronmon exec --slug nightly-copy --schedule '0 3 * * *' -- cp source.txt copy.txt # cronmon: slug=nightly-copy",
    );
    expect(out).toContain("  + */5 * * * * /usr/local/bin/cronmon exec --slug touch-ran --schedule '*/5 * * * *' -- /bin/sh -c 'cd sub && touch ran'");
    expect(out).toMatch(/line 6: left alone: @reboot/);
    expect(out).toContain('line 7: already wrapped, slug old');
    expect(out).toContain('4 jobs in ' + file + ': 2 to wrap, 1 already wrapped, 1 left alone.');
    expect(out).toContain('--apply');
    expect(readFileSync(file, 'utf8')).toBe(SAMPLE);
    expect(backups(dir, 'my.crontab.cronmon-backup-')).toEqual([]);
  });

  it('--apply writes the file after saving a backup; applying again changes nothing', async () => {
    const { dir, file } = crontabFile();
    const first = await runCli(['crontab', file, '--apply', '--cronmon-path', '/usr/local/bin/cronmon'], { env: env() });
    expect(first.code).toBe(0);
    const applied = readFileSync(file, 'utf8');
    expect(applied).toBe(
      SAMPLE.replace('0 3 * * * cp', "0 3 * * * /usr/local/bin/cronmon exec --slug nightly-copy --schedule '0 3 * * *' -- cp").replace(
        '*/5 * * * * cd sub && touch ran',
        "*/5 * * * * /usr/local/bin/cronmon exec --slug touch-ran --schedule '*/5 * * * *' -- /bin/sh -c 'cd sub && touch ran'",
      ),
    );
    const [backup, ...more] = backups(dir, 'my.crontab.cronmon-backup-');
    expect(more).toEqual([]);
    expect(backup).toMatch(/^my\.crontab\.cronmon-backup-\d{8}T\d{6}Z$/);
    expect(readFileSync(join(dir, backup ?? ''), 'utf8')).toBe(SAMPLE);
    expect(stdout(first)).toContain(`Wrote ${file}; the previous version is saved as ${join(dir, backup ?? '')}.`);

    const second = await runCli(['crontab', file, '--apply', '--cronmon-path', '/usr/local/bin/cronmon'], { env: env() });
    expect(second.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(applied);
    expect(backups(dir, 'my.crontab.cronmon-backup-')).toHaveLength(1);
    expect(stdout(second)).toContain('0 wrapped, 3 already wrapped, 1 left alone.');
    expect(stdout(second)).toContain('Nothing to change.');
  });

  it('--apply keeps the mode and owner of the file, and a symlink to it', async (context) => {
    const { dir, file } = crontabFile();
    chmodSync(file, 0o640);
    const link = join(dir, 'link.crontab');
    symlinkSync(file, link);
    const result = await runCli(['crontab', link, '--apply', '--cronmon-path', '/usr/local/bin/cronmon'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('/usr/local/bin/cronmon exec --slug nightly-copy');
    expect(statSync(file).mode & 0o7777).toBe(0o640);

    const nobody = otherUser(context);
    const theirs = crontabFile();
    chmodSync(theirs.file, 0o604);
    chownSync(theirs.file, nobody.uid, nobody.gid);
    expect((await runCli(['crontab', theirs.file, '--apply'], { env: env() })).code).toBe(0);
    expect(readFileSync(theirs.file, 'utf8')).toContain('exec --slug nightly-copy');
    expect(statSync(theirs.file)).toMatchObject({ uid: nobody.uid, gid: nobody.gid });
    expect(statSync(theirs.file).mode & 0o7777).toBe(0o604);
  });

  it('--apply leaves the file as it was when the new one cannot be written whole (as on a full disk)', async () => {
    // 16 short jobs (under 512 bytes) that grow past 1024 bytes when wrapped. The shell's file
    // size limit, 1 block (512 or 1024 bytes), lets the backup through and stops the new file
    // part way, as the end of a full disk would.
    const text = Array.from({ length: 16 }, (_, n) => `0 3 * * * ./job-${n}.sh\n`).join('');
    const { dir, file } = crontabFile(text);
    const limited = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', 'ulimit -f 1 && exec "$@"', 'sh', ...cliCommand(['crontab', file, '--apply'])], {
        env: env(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(limited.code).toBe(1);
    const [backup, ...more] = backups(dir, 'my.crontab.cronmon-backup-');
    expect(more).toEqual([]);
    expect(limited.stderr).toBe(
      `cronmon: cannot write ${file}: file too large (a file size limit); it is unchanged (a copy is saved as ${join(dir, backup ?? '')})\n`,
    );
    expect(readdirSync(dir).sort()).toEqual([backup, 'my.crontab'].sort());
  });

  it('puts the absolute path of the running cronmon in the lines by default', async () => {
    const { file } = crontabFile('0 3 * * * ./job.sh\n');
    expect((await runCli(['crontab', file, '--apply'], { env: env() })).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(`0 3 * * * ${CLI} exec --slug job --schedule '0 3 * * *' -- ./job.sh\n`);
  });

  it("passes the system's time zone, unless a CRON_TZ line says otherwise", async () => {
    const { file } = crontabFile('0 3 * * * ./a\nCRON_TZ=Asia/Tokyo\n0 4 * * * ./b\n');
    const result = await runCli(['crontab', file, '--json'], { env: env({ TZ: 'Europe/Vienna' }) });
    expect(result.code).toBe(0);
    const jobs = JSON.parse(stdout(result)) as { timezone: string | null }[];
    expect(jobs.map((job) => job.timezone)).toEqual(['Europe/Vienna', 'Asia/Tokyo']);
    const utc = JSON.parse(stdout(await runCli(['crontab', file, '--json'], { env: env() }))) as { timezone: string | null }[];
    expect(utc.map((job) => job.timezone)).toEqual([null, 'Asia/Tokyo']);
    const flag = await runCli(['crontab', file, '--json', '--timezone', 'America/New_York'], { env: env() });
    expect((JSON.parse(stdout(flag)) as { timezone: string | null }[]).map((job) => job.timezone)).toEqual(['America/New_York', 'Asia/Tokyo']);
  });

  it('usage errors exit 2', async () => {
    const missing = await runCli(['crontab', join(tempDir(), 'nope')], { env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^cronmon: cannot read .*nope: no such file\n$/);
    const stdinApply = await runCli(['crontab', '-', '--apply'], { env: env(), input: SAMPLE });
    expect(stdinApply.code).toBe(2);
    expect(stdinApply.stderr).toMatch(/--apply cannot write back to standard input/);
    const system = await runCli(['crontab', '/etc/crontab'], { env: env() });
    expect(system.code).toBe(2);
    expect(system.stderr).toMatch(/system crontab/);
    const header = await runCli(['crontab', '-'], { env: env(), input: '# m h dom mon dow user  command\n0 3 * * * root ./x\n' });
    expect(header.code).toBe(2);
    expect(header.stderr).toMatch(/looks like a system crontab/);
    const badPath = await runCli(['crontab', '-', '--cronmon-path', '/opt/100%/cronmon'], { env: env(), input: SAMPLE });
    expect(badPath.code).toBe(2);
    const badZone = await runCli(['crontab', '-', '--timezone', 'Mars/Base'], { env: env(), input: SAMPLE });
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toMatch(/--timezone "Mars\/Base"/);
  });

  it("warns when cron's PATH would not find cronmon or node", async () => {
    const bare = await runCli(['crontab', '-', '--cronmon-path', 'cronmon'], { env: env(), input: '0 3 * * * ./x\n' });
    expect(bare.code).toBe(0);
    expect(bare.stderr).toContain('cronmon: warning: cron could not start the wrapped jobs: cronmon is not found on PATH=/usr/bin:/bin');
    const withPath = `PATH=${dirname(process.execPath)}:/usr/bin:/bin\n0 3 * * * ./x\n`;
    const found = await runCli(['crontab', '-', '--cronmon-path', '/opt/cronmon/bin/cronmon'], { env: env(), input: withPath });
    expect(found.code).toBe(0);
    expect(found.stderr).toBe('');
  });

  it('warns about lines cron would refuse, and leaves them', async () => {
    const result = await runCli(['crontab', '-'], { env: env(), input: '@Daily ./x\n0 3 * * * ./y\n' });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/cronmon: warning: line 1 of standard input is left alone: cron does not know "@Daily"/);
  });
});

describe('cronmon crontab - --json', () => {
  it('reads standard input and prints the jobs as a JSON array', async () => {
    const result = await runCli(['crontab', '-', '--json', '--cronmon-path', 'cronmon'], { env: env(), input: SAMPLE });
    expect(result.code).toBe(0);
    expect(JSON.parse(stdout(result))).toEqual([
      { line: 4, schedule: '0 3 * * *', timezone: null, command: 'cp source.txt copy.txt', slug: 'nightly-copy', state: 'wrapped' },
      { line: 5, schedule: '*/5 * * * *', timezone: null, command: 'cd sub && touch ran', slug: 'touch-ran', state: 'wrapped' },
      {
        line: 6,
        schedule: '@reboot',
        timezone: null,
        command: './start.sh',
        slug: null,
        state: 'skipped',
        reason: '@reboot runs once at boot; Sentry Crons has no schedule to check it against',
      },
      { line: 7, schedule: '15 4 * * *', timezone: null, command: './old.sh', slug: 'old', state: 'already-wrapped' },
    ]);
  });

  it('prints [] for an empty crontab', async () => {
    const result = await runCli(['crontab', '-', '--json'], { env: env(), input: '' });
    expect(result.code).toBe(0);
    expect(JSON.parse(stdout(result))).toEqual([]);
  });
});

describe('cronmon crontab (your crontab, through crontab(1))', () => {
  it('treats "no crontab for <user>" as an empty crontab', async () => {
    const fake = fakeCrontab();
    const result = await runCli(['crontab'], { env: fake.env() });
    expect(result.code).toBe(0);
    expect(stdout(result)).toBe('No cron jobs in your crontab.\n');
    const applied = await runCli(['crontab', '--apply'], { env: fake.env() });
    expect(applied.code).toBe(0);
    expect(existsSync(fake.store)).toBe(false);
  });

  it('--apply installs the wrapped crontab with crontab -, after saving a copy in the cache directory', async () => {
    const fake = fakeCrontab();
    writeFileSync(fake.store, SAMPLE);
    const cache = join(fake.dir, 'cache');
    const result = await runCli(['crontab', '--apply', '--cronmon-path', 'cronmon'], { env: fake.env({ CRONMON_CACHE_DIR: cache }) });
    expect(result.code).toBe(0);
    const installed = readFileSync(fake.store, 'utf8');
    expect(installed).toContain("0 3 * * * cronmon exec --slug nightly-copy --schedule '0 3 * * *' -- cp source.txt copy.txt");
    const [backup, ...more] = backups(cache, 'crontab.cronmon-backup-');
    expect(more).toEqual([]);
    expect(readFileSync(join(cache, backup ?? ''), 'utf8')).toBe(SAMPLE);

    const again = await runCli(['crontab', '--apply', '--json', '--cronmon-path', 'cronmon'], { env: fake.env({ CRONMON_CACHE_DIR: cache }) });
    expect(again.code).toBe(0);
    expect(readFileSync(fake.store, 'utf8')).toBe(installed);
    expect(backups(cache, 'crontab.cronmon-backup-')).toHaveLength(1);
    expect((JSON.parse(stdout(again)) as { state: string }[]).map((job) => job.state)).toEqual([
      'already-wrapped',
      'already-wrapped',
      'skipped',
      'already-wrapped',
    ]);
  });

  it("exits 1 with crontab's message when crontab - refuses, leaving the crontab as it was", async () => {
    const fake = fakeCrontab();
    writeFileSync(fake.store, SAMPLE);
    const result = await runCli(['crontab', '--apply'], { env: fake.env({ FAKE_CRONTAB_REFUSE: '1' }) });
    expect(result.code).toBe(1);
    // One line: crontab's own line break is shown escaped.
    expect(result.stderr).toMatch(
      /^cronmon: crontab - failed \(exit 1\): "-":3: bad minute\\nerrors in crontab file, can't install\.; your crontab is unchanged \(a copy is in .*\)\n$/,
    );
    expect(readFileSync(fake.store, 'utf8')).toBe(SAMPLE);
  });

  it.runIf(process.platform === 'linux')('exits 1, changing nothing, when the cache directory for the copy is on /proc', async () => {
    const fake = fakeCrontab();
    writeFileSync(fake.store, SAMPLE);
    const result = await runCliOrKill(['crontab', '--apply'], { env: fake.env({ CRONMON_CACHE_DIR: '/proc/cronmon' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'cronmon: cannot save a backup of your crontab in /proc/cronmon, nothing was changed: /proc/cronmon is on procfs, a kernel filesystem\n',
    );
    expect(readFileSync(fake.store, 'utf8')).toBe(SAMPLE);
  });

  it('exits 1 when crontab -l fails for another reason', async () => {
    const fake = fakeCrontab();
    const result = await runCli(['crontab'], { env: fake.env({ FAKE_CRONTAB_LIST_FAIL: '1' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('cronmon: crontab -l failed (exit 1): crontab: cannot open your crontab: Permission denied\n');
  });
});

describe('a wrapped line, run as cron runs it', () => {
  let sentry: TestSentry;
  beforeAll(async () => {
    sentry = await startSentryServer();
  });
  afterAll(() => sentry.close());

  // cron: `%` processing, then `$SHELL -c <command>` with the crontab's environment.
  const runLine = (line: JobLine, cwd: string, extra: Record<string, string>) =>
    new Promise<number | null>((resolve) => {
      const child = spawn('/bin/sh', ['-c', cronUnescape(line.shellText)], {
        cwd,
        env: { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: cwd, CRONMON_CACHE_DIR: join(cwd, 'cache'), ...extra },
        stdio: 'ignore',
      });
      child.on('close', (code) => resolve(code));
    });

  it('runs the job and reports it under its slug, schedule and time zone', async () => {
    const { dir, file } = crontabFile(
      `CRON_TZ=Europe/Vienna\n0 3 * * * cp source.txt copy.txt # cronmon: slug=copy-${process.pid}\n*/5 * * * * cd sub && touch ran\n`,
    );
    writeFileSync(join(dir, 'source.txt'), 'data\n');
    mkdirSync(join(dir, 'sub'));
    expect((await runCli(['crontab', file, '--apply'], { env: env() })).code).toBe(0);
    const jobs = parseCrontabText(readFileSync(file, 'utf8')).filter((line): line is JobLine => line.kind === 'job');
    expect(jobs).toHaveLength(2);
    for (const job of jobs) expect(await runLine(job, dir, { SENTRY_DSN: sentry.dsn })).toBe(0);

    expect(readFileSync(join(dir, 'copy.txt'), 'utf8')).toBe('data\n');
    expect(existsSync(join(dir, 'sub', 'ran'))).toBe(true);
    const copy = sentry.checkIns(`copy-${process.pid}`);
    expect(copy.map((checkIn) => checkIn.status)).toEqual(['in_progress', 'ok']);
    expect(copy[0]?.monitorConfig).toMatchObject({ schedule: { type: 'crontab', value: '0 3 * * *' }, timezone: 'Europe/Vienna' });
    const touch = sentry.checkIns('touch-ran');
    expect(touch.map((checkIn) => checkIn.status)).toEqual(['in_progress', 'ok']);
    expect(touch[0]?.monitorConfig).toMatchObject({ schedule: { type: 'crontab', value: '*/5 * * * *' } });
  });
  it("names node by its absolute path where the crontab's PATH has none, and the line runs there", async () => {
    const { dir, file } = crontabFile();
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const tool of ['sh', 'touch']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    writeFileSync(file, `PATH=${bin}\n0 3 * * * touch ran # cronmon: slug=no-node-${process.pid}\n`);
    const applied = await runCli(['crontab', file, '--apply'], { env: env() });
    expect(applied.code).toBe(0);
    expect(applied.stderr).toBe('');
    const [job] = parseCrontabText(readFileSync(file, 'utf8')).filter((line): line is JobLine => line.kind === 'job');
    expect(job?.command).toBe(
      `${BINARY ?? `${process.execPath} ${CLI}`} exec --slug no-node-${process.pid} --schedule '0 3 * * *' -- touch ran # cronmon: slug=no-node-${process.pid}`,
    );
    expect(await runLine(job!, dir, { PATH: bin, SENTRY_DSN: sentry.dsn })).toBe(0);
    expect(existsSync(join(dir, 'ran'))).toBe(true);
    expect(sentry.statusesOf(`no-node-${process.pid}`)).toEqual(['in_progress', 'ok']);
    const again = await runCli(['crontab', file, '--apply'], { env: env() });
    expect(stdout(again)).toContain('Nothing to change.');
  });
});
