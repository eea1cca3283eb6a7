// `cronmon crontab --system` on a copy of /etc/crontab and /etc/cron.d in a temp dir, as an admin
// would run it; the real /etc is only ever read.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronUnescape, parseCrontabText, type JobLine } from '../../src/crontab/parse.js';
import { BINARY, CLI, cliCommand, runCli, runCliOrKill } from '../support/cli.js';
import { crontabTestDirs } from '../support/crontab-dirs.js';
import { otherUser } from '../support/other-user.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// As Debian ships it (comments shortened), plus a job wrapped by hand.
const ETC_CRONTAB = [
  '# /etc/crontab: system-wide crontab',
  'SHELL=/bin/sh',
  'PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin',
  '# *  *  *  *  * user-name command to be executed',
  '17 *\t* * *\troot\tcd / && run-parts --report /etc/cron.hourly',
  '25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }',
  "0 1 * * * root /usr/local/bin/cronmon exec --slug nightly --schedule '0 1 * * *' -- /usr/local/bin/nightly.sh",
  '',
].join('\n');
const BACKUP_JOBS = '30 3 * * * root /usr/local/bin/backup.sh --full\n0 4 * * * backup /usr/local/bin/backup.sh\n';
const WRAPPED_ONLY = '0 5 * * * root /usr/local/bin/cronmon exec --slug certbot -- certbot renew\n';

const { tempDir, env } = crontabTestDirs('cronmon-system-');
const stdout = (result: { stdout: Buffer }) => result.stdout.toString('utf8');
const cronmonPath = ['--cronmon-path', '/usr/local/bin/cronmon'];

// A copy of /etc: `crontab` and `cron.d/` with files cron reads and files it skips.
function etcCopy(): { etc: string; crontab: string; cronD: string } {
  const etc = tempDir();
  const crontab = join(etc, 'crontab');
  const cronD = join(etc, 'cron.d');
  writeFileSync(crontab, ETC_CRONTAB);
  mkdirSync(cronD);
  writeFileSync(join(cronD, 'backup'), BACKUP_JOBS);
  writeFileSync(join(cronD, 'certbot'), WRAPPED_ONLY);
  for (const skipped of ['backup.dpkg-old', 'backup~', '.placeholder', 'job.sh', 'job.rpmsave'])
    writeFileSync(join(cronD, skipped), '0 0 * * * root ./skipped\n');
  mkdirSync(join(cronD, 'sub'));
  return { etc, crontab, cronD };
}

interface JsonEntry {
  file: string;
  line?: number;
  user?: string | null;
  slug?: string | null;
  state: string;
  reason?: string;
}

describe('cronmon crontab --system', () => {
  it('shows the jobs of each file wrapped, the user field kept, and the files cron skips; changes nothing', async () => {
    const { etc, crontab, cronD } = etcCopy();
    const result = await runCli(['crontab', '--system', crontab, cronD, ...cronmonPath], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const out = stdout(result);
    expect(out).toContain(`${crontab} line 5, user root: to wrap, slug run-parts-cron-hourly`);
    expect(out).toContain(
      `  + 17 *\t* * *\troot\t/usr/local/bin/cronmon exec --slug run-parts-cron-hourly --schedule '17 * * * *' -- /bin/sh -c 'cd / && run-parts --report /etc/cron.hourly'`,
    );
    expect(out).toContain(`${crontab} line 7, user root: already wrapped, slug nightly`);
    expect(out).toContain(`${join(cronD, 'backup')} line 2, user backup: to wrap, slug backup`);
    expect(out).toContain("  + 0 4 * * * backup /usr/local/bin/cronmon exec --slug backup --schedule '0 4 * * *' -- /usr/local/bin/backup.sh");
    expect(out).toContain(`${join(cronD, 'certbot')} line 1, user root: already wrapped, slug certbot`);
    for (const name of ['backup.dpkg-old', 'job.sh']) expect(out).toContain(`${join(cronD, name)}: ignored: Debian's and Ubuntu's cron skip names`);
    for (const name of ['backup~', '.placeholder', 'job.rpmsave'])
      expect(out).toContain(`${join(cronD, name)}: ignored: cron skips hidden, backup and editor files`);
    expect(out).toContain(`${join(cronD, 'sub')}: ignored: a directory, not a crontab file`);
    expect(out).toContain('6 jobs in 3 system crontabs: 4 to wrap, 2 already wrapped, 0 left alone; 6 files ignored.');
    expect(out).toContain('Run again with --apply');
    expect(readFileSync(crontab, 'utf8')).toBe(ETC_CRONTAB);
    expect(readFileSync(join(cronD, 'backup'), 'utf8')).toBe(BACKUP_JOBS);
    expect(readdirSync(etc).sort()).toEqual(['cron.d', 'crontab']);
  });

  it('--json names the file and the user of each job, and the files cron skips', async () => {
    const { crontab, cronD } = etcCopy();
    const result = await runCli(['crontab', '--system', crontab, cronD, '--json', ...cronmonPath], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const entries = JSON.parse(stdout(result)) as JsonEntry[];
    expect(entries.filter((entry) => entry.state !== 'ignored').map(({ file, line, user, slug, state }) => [file, line, user, slug, state])).toEqual([
      [crontab, 5, 'root', 'run-parts-cron-hourly', 'wrapped'],
      [crontab, 6, 'root', 'run-parts-cron-daily', 'wrapped'],
      [crontab, 7, 'root', 'nightly', 'already-wrapped'],
      [join(cronD, 'backup'), 1, 'root', 'backup-full', 'wrapped'],
      [join(cronD, 'backup'), 2, 'backup', 'backup', 'wrapped'],
      [join(cronD, 'certbot'), 1, 'root', 'certbot', 'already-wrapped'],
    ]);
    expect(entries[0]).toEqual({
      file: crontab,
      line: 5,
      user: 'root',
      schedule: '17 * * * *',
      timezone: null,
      command: 'cd / && run-parts --report /etc/cron.hourly',
      slug: 'run-parts-cron-hourly',
      state: 'wrapped',
    });
    const ignored = entries.filter((entry) => entry.state === 'ignored');
    expect(ignored.map((entry) => entry.file).sort()).toEqual(
      ['.placeholder', 'backup.dpkg-old', 'backup~', 'job.rpmsave', 'job.sh', 'sub'].map((name) => join(cronD, name)).sort(),
    );
    expect(ignored.every((entry) => typeof entry.reason === 'string' && Object.keys(entry).length === 3)).toBe(true);
  });

  it('--apply writes each changed file after a hidden backup, keeping mode and owner; applying again changes nothing', async (context) => {
    const { etc, crontab, cronD } = etcCopy();
    const backupFile = join(cronD, 'backup');
    chmodSync(backupFile, 0o640);
    const first = await runCli(['crontab', '--system', crontab, cronD, '--apply', ...cronmonPath], { env: env() });
    expect(first.code, first.stderr).toBe(0);
    const applied = readFileSync(crontab, 'utf8');
    expect(applied).toBe(
      ETC_CRONTAB.replace(
        'root\tcd / && run-parts --report /etc/cron.hourly',
        "root\t/usr/local/bin/cronmon exec --slug run-parts-cron-hourly --schedule '17 * * * *' -- /bin/sh -c 'cd / && run-parts --report /etc/cron.hourly'",
      )
        .replace('root\ttest -x', "root\t/usr/local/bin/cronmon exec --slug run-parts-cron-daily --schedule '25 6 * * *' -- /bin/sh -c 'test -x")
        .replace('cron.daily; }\n', "cron.daily; }'\n"),
    );
    expect(readFileSync(backupFile, 'utf8')).toBe(
      "30 3 * * * root /usr/local/bin/cronmon exec --slug backup-full --schedule '30 3 * * *' -- /usr/local/bin/backup.sh --full\n" +
        "0 4 * * * backup /usr/local/bin/cronmon exec --slug backup --schedule '0 4 * * *' -- /usr/local/bin/backup.sh\n",
    );
    expect(statSync(backupFile).mode & 0o7777).toBe(0o640);
    // Backups have hidden names, which cron skips in cron.d (cronie would run them otherwise).
    const [etcBackup, ...moreEtc] = readdirSync(etc).filter((name) => name.startsWith('.crontab.cronmon-backup-'));
    expect(moreEtc).toEqual([]);
    expect(etcBackup).toMatch(/^\.crontab\.cronmon-backup-\d{8}T\d{6}Z$/);
    expect(readFileSync(join(etc, etcBackup ?? ''), 'utf8')).toBe(ETC_CRONTAB);
    const cronDBackups = readdirSync(cronD).filter((name) => name.includes('cronmon-backup'));
    expect(cronDBackups).toHaveLength(1);
    expect(cronDBackups[0]).toMatch(/^\.backup\.cronmon-backup-/);
    expect(readFileSync(join(cronD, cronDBackups[0] ?? ''), 'utf8')).toBe(BACKUP_JOBS);
    // Only changed files are written: certbot has nothing to wrap.
    expect(readFileSync(join(cronD, 'certbot'), 'utf8')).toBe(WRAPPED_ONLY);
    expect(stdout(first)).toContain(`Wrote ${crontab}; the previous version is saved as ${join(etc, etcBackup ?? '')}.`);
    expect(stdout(first)).toContain(`Wrote ${backupFile}; the previous version is saved as ${join(cronD, cronDBackups[0] ?? '')}.`);

    const second = await runCli(['crontab', '--system', crontab, cronD, '--apply', ...cronmonPath], { env: env() });
    expect(second.code).toBe(0);
    expect(readFileSync(crontab, 'utf8')).toBe(applied);
    expect(stdout(second)).toContain('6 jobs in 3 system crontabs: 0 wrapped, 6 already wrapped, 0 left alone; 7 files ignored.');
    expect(stdout(second)).toContain(`${join(cronD, cronDBackups[0] ?? '')}: ignored: cron skips hidden`);
    expect(stdout(second)).toContain('Nothing to change.');
    expect(readdirSync(etc).filter((name) => name.includes('cronmon-backup'))).toHaveLength(1);
    expect(readdirSync(cronD).filter((name) => name.includes('cronmon-backup'))).toHaveLength(1);

    // A file of another owner keeps its owner (cron itself may refuse it: said on stderr).
    const nobody = otherUser(context);
    const theirs = join(cronD, 'theirs');
    writeFileSync(theirs, '0 6 * * * root ./theirs.sh\n');
    chmodSync(theirs, 0o604);
    chownSync(theirs, nobody.uid, nobody.gid);
    const third = await runCli(['crontab', '--system', cronD, '--apply', ...cronmonPath], { env: env() });
    expect(third.code, third.stderr).toBe(0);
    expect(third.stderr).toBe(`cronmon: warning: cron may not read ${theirs}: it is not owned by root\n`);
    expect(readFileSync(theirs, 'utf8')).toContain('root /usr/local/bin/cronmon exec --slug theirs ');
    expect(statSync(theirs)).toMatchObject({ uid: nobody.uid, gid: nobody.gid });
    expect(statSync(theirs).mode & 0o7777).toBe(0o604);
  });

  it('--apply that cannot write a file names the files written before it, and leaves that one as it was', async () => {
    // As in crontab.test.ts: the shell's file size limit (1 block) lets the small file and the
    // backups through and stops the big one part way, as a full disk would.
    const etc = tempDir();
    const crontab = join(etc, 'crontab');
    writeFileSync(crontab, '0 3 * * * root ./a\n');
    mkdirSync(join(etc, 'cron.d'));
    const big = join(etc, 'cron.d', 'big');
    const bigText = Array.from({ length: 16 }, (_, n) => `0 3 * * * root ./job-${n}.sh\n`).join('');
    writeFileSync(big, bigText);
    const limited = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', 'ulimit -f 1 && exec "$@"', 'sh', ...cliCommand(['crontab', '--system', crontab, join(etc, 'cron.d'), '--apply'])], {
        env: env(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(limited.code).toBe(1);
    expect(readFileSync(crontab, 'utf8')).toContain(' exec --slug a ');
    expect(readFileSync(big, 'utf8')).toBe(bigText);
    const [etcBackup] = readdirSync(etc).filter((name) => name.includes('cronmon-backup'));
    const [bigBackup] = readdirSync(join(etc, 'cron.d')).filter((name) => name.includes('cronmon-backup'));
    expect(limited.stderr).toBe(
      `cronmon: wrote ${crontab}; the previous version is saved as ${join(etc, etcBackup ?? '')}\n` +
        `cronmon: cannot write ${big}: file too large (a file size limit); it is unchanged (a copy is saved as ${join(etc, 'cron.d', bigBackup ?? '')})\n`,
    );
  });

  it('keeps slugs unique across the files read together', async () => {
    const etc = tempDir();
    writeFileSync(join(etc, 'crontab'), '0 1 * * * root /opt/backup.sh\n');
    mkdirSync(join(etc, 'cron.d'));
    writeFileSync(join(etc, 'cron.d', 'a'), '0 2 * * * root /opt/backup.sh\n0 3 * * * root ./report # cronmon: slug=backup-3\n');
    writeFileSync(join(etc, 'cron.d', 'b'), '0 4 * * * root /srv/backup.py\n');
    const result = await runCli(['crontab', '--system', join(etc, 'crontab'), join(etc, 'cron.d'), '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(stdout(result)) as JsonEntry[]).map((entry) => entry.slug)).toEqual(['backup', 'backup-2', 'backup-3', 'backup-4']);
  });

  it('reads files named one by one (as a shell glob gives them), skipping in a cron.d directory what cron skips', async () => {
    const { cronD } = etcCopy();
    const result = await runCli(['crontab', '--system', join(cronD, 'backup'), join(cronD, 'backup~'), '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const entries = JSON.parse(stdout(result)) as JsonEntry[];
    expect(entries.map((entry) => [entry.file, entry.state])).toEqual([
      [join(cronD, 'backup'), 'wrapped'],
      [join(cronD, 'backup'), 'wrapped'],
      [join(cronD, 'backup~'), 'ignored'],
    ]);
    // Elsewhere a file is read whatever its name.
    const other = join(tempDir(), 'ops.crontab');
    writeFileSync(other, '0 1 * * * root ./x\n');
    const named = await runCli(['crontab', '--system', other, '--json'], { env: env() });
    expect((JSON.parse(stdout(named)) as JsonEntry[]).map((entry) => entry.state)).toEqual(['wrapped']);
  });

  it('reads standard input with -, and leaves lines alone whose user field is no user name', async () => {
    const result = await runCli(['crontab', '--system', '-', '--json'], {
      env: env(),
      input: '0 3 * * * /usr/local/bin/backup.sh --full\n0 4 * * * root ./x\n',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(stdout(result))).toMatchObject([
      { file: 'standard input', line: 1, user: '/usr/local/bin/backup.sh', state: 'skipped', reason: expect.stringContaining('is not a user name') },
      { file: 'standard input', line: 2, user: 'root', state: 'wrapped' },
    ]);
  });

  it('leaves alone the jobs of a user who could not start the cronmon the lines would name', async () => {
    const dir = tempDir();
    const hidden = join(dir, 'private');
    mkdirSync(hidden, { mode: 0o700 });
    writeFileSync(join(hidden, 'cronmon'), '#!/bin/sh\n', { mode: 0o755 });
    const file = join(dir, 'jobs');
    writeFileSync(file, '0 1 * * * root ./a\n0 2 * * * www-data ./b\n');
    const result = await runCli(['crontab', '--system', file, '--json', '--cronmon-path', join(hidden, 'cronmon')], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(stdout(result))).toMatchObject([
      { user: 'root', state: 'wrapped' },
      {
        user: 'www-data',
        state: 'skipped',
        reason: `user www-data could not start cronmon: other users cannot enter ${hidden} (on the way to ${join(hidden, 'cronmon')})`,
      },
    ]);
  });

  it('usage errors exit 2 and change nothing; a FIFO is not opened', async () => {
    const dir = tempDir();
    const missing = await runCli(['crontab', '--system', join(dir, 'nope')], { env: env() });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`cronmon: cannot read ${join(dir, 'nope')}: no such file\n`);
    const stdinApply = await runCli(['crontab', '--system', '-', '--apply'], { env: env(), input: '' });
    expect(stdinApply.code).toBe(2);
    expect(stdinApply.stderr).toMatch(/--apply cannot write back to standard input/);
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const blocked = await runCliOrKill(['crontab', '--system', fifo], { env: env() });
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toBe(`cronmon: ${fifo} is a FIFO, not a crontab file\n`);
    const several = await runCli(['crontab', join(dir, 'a'), join(dir, 'b')], { env: env() });
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/only with --system/);
  });

  it('without --system, a system crontab is refused with a hint to use it', async () => {
    const { crontab } = etcCopy();
    const header = await runCli(['crontab', crontab], { env: env() });
    expect(header.code).toBe(2);
    expect(header.stderr).toMatch(/looks like a system crontab: line 4 .* describes a user field; read it with --system\n$/);
    for (const args of [
      ['crontab', '/etc/anacrontab'],
      ['crontab', '--system', '/etc/anacrontab'],
    ]) {
      const anacron = await runCli(args, { env: env() });
      expect(anacron.code).toBe(2);
      expect(anacron.stderr).toBe(
        "cronmon: /etc/anacrontab is anacron's table (period, delay, name, command), not a crontab: cronmon crontab does not read it\n",
      );
    }
    const etc = await runCli(['crontab', '/etc/crontab'], { env: env() });
    expect(etc.code).toBe(2);
    expect(etc.stderr).toBe('cronmon: /etc/crontab is a system crontab (its lines name a user): read it with cronmon crontab --system /etc/crontab\n');
  });

  it('by default reads /etc/crontab and /etc/cron.d (read only here)', async () => {
    const result = await runCli(['crontab', '--system', '--json', ...cronmonPath], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const entries = JSON.parse(stdout(result)) as JsonEntry[];
    for (const entry of entries) expect(entry.file === '/etc/crontab' || entry.file.startsWith('/etc/cron.d/')).toBe(true);
  });
});

describe('a wrapped system crontab line, run as cron runs it', () => {
  let sentry: TestSentry;
  beforeAll(async () => {
    sentry = await startSentryServer();
  });
  afterAll(() => sentry.close());

  // cron: `%` processing, then `/bin/sh -c <command>` as the line's user, in an environment of
  // the crontab's settings over HOME, LOGNAME, SHELL and PATH=/usr/bin:/bin.
  const runAsCron = (job: JobLine, home: string, as?: { uid: number; gid: number }) =>
    new Promise<number | null>((resolve) => {
      const child = spawn('/bin/sh', ['-c', cronUnescape(job.shellText)], {
        cwd: home,
        env: { HOME: home, LOGNAME: job.user ?? '', SHELL: '/bin/sh', PATH: '/usr/bin:/bin', ...job.env },
        stdio: 'ignore',
        ...(as ?? {}),
      });
      child.on('close', (code) => resolve(code));
    });
  const jobsOf = (file: string) => parseCrontabText(readFileSync(file, 'utf8'), { userField: true }).filter((line): line is JobLine => line.kind === 'job');

  it('runs the job as root, and under a crontab PATH without node, and reports it', async () => {
    const etc = tempDir();
    const bin = join(etc, 'bin');
    mkdirSync(bin);
    for (const tool of ['sh', 'touch']) symlinkSync(execFileSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).trim(), join(bin, tool));
    const crontab = join(etc, 'crontab');
    writeFileSync(crontab, `SENTRY_DSN=${sentry.dsn}\n0 3 * * * root cd ${etc} && touch ran-root # cronmon: slug=root-${process.pid}\n`);
    mkdirSync(join(etc, 'cron.d'));
    const noNode = join(etc, 'cron.d', 'no-node');
    writeFileSync(noNode, `SENTRY_DSN=${sentry.dsn}\nPATH=${bin}\n*/5 * * * * root touch ${join(etc, 'ran-no-node')} # cronmon: slug=no-node-${process.pid}\n`);
    const applied = await runCli(['crontab', '--system', crontab, join(etc, 'cron.d'), '--apply'], { env: env() });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toBe('');
    const [rootJob] = jobsOf(crontab);
    const [noNodeJob] = jobsOf(noNode);
    expect(rootJob?.command).toMatch(new RegExp(`^${CLI} exec --slug root-${process.pid} `));
    expect(noNodeJob?.command).toMatch(new RegExp(`^${BINARY ?? `${process.execPath} ${CLI}`} exec --slug no-node-${process.pid} `));
    const home = join(etc, 'root-home');
    mkdirSync(home);
    expect(await runAsCron(rootJob!, home)).toBe(0);
    expect(await runAsCron(noNodeJob!, home)).toBe(0);
    expect(existsSync(join(etc, 'ran-root'))).toBe(true);
    expect(existsSync(join(etc, 'ran-no-node'))).toBe(true);
    const root = sentry.checkIns(`root-${process.pid}`);
    expect(root.map((checkIn) => checkIn.status)).toEqual(['in_progress', 'ok']);
    expect(root[0]?.monitorConfig).toMatchObject({ schedule: { type: 'crontab', value: '0 3 * * *' } });
    const noNodeCheckIns = sentry.checkIns(`no-node-${process.pid}`);
    expect(noNodeCheckIns.map((checkIn) => checkIn.status)).toEqual(['in_progress', 'ok']);
    expect(sentry.rejected()).toEqual([]);
  });

  it('runs the job as the user the line names, and reports it', async (context) => {
    const nobody = otherUser(context);
    const etc = tempDir();
    chmodSync(etc, 0o755);
    const home = join(etc, 'home');
    mkdirSync(home);
    chownSync(home, nobody.uid, nobody.gid);
    const file = join(etc, 'jobs');
    writeFileSync(file, `SENTRY_DSN=${sentry.dsn}\n0 4 * * * nobody touch ran-as-nobody # cronmon: slug=nobody-${process.pid}\n`);
    const applied = await runCli(['crontab', '--system', file, '--apply'], { env: env() });
    expect(applied.code, applied.stderr).toBe(0);
    const [job] = jobsOf(file);
    expect(job).toMatchObject({ user: 'nobody', command: expect.stringContaining(`exec --slug nobody-${process.pid} `) });
    expect(await runAsCron(job!, home, nobody)).toBe(0);
    expect(statSync(join(home, 'ran-as-nobody')).uid).toBe(nobody.uid);
    expect(sentry.statusesOf(`nobody-${process.pid}`)).toEqual(['in_progress', 'ok']);
  });
});
