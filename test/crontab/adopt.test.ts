import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adoptCrontab, adoptCrontabs, checkCronmonPath, crontabText, type AdoptOptions, type AdoptedJob } from '../../src/crontab/adopt.js';
import { deriveSlug, uniqueSlug } from '../../src/crontab/derive-slug.js';
import { cronUnescape, parseCrontabText, type JobLine } from '../../src/crontab/parse.js';
import { lexShell } from '../../src/crontab/shell-lex.js';
import { quoteScript } from '../../src/crontab/shell-words.js';
import { normaliseSlug } from '../../src/monitor/slug.js';
import { makeTempDir } from '../support/temp-dirs.js';

const adopt = (text: string, options?: AdoptOptions) => adoptCrontab(text, options);
const oneJob = (text: string, options?: AdoptOptions): AdoptedJob => {
  const { jobs } = adopt(text, options);
  expect(jobs).toHaveLength(1);
  return jobs[0] as AdoptedJob;
};
const slugOf = (command: string) => deriveSlug(command, lexShell(command));

describe('wrapping a job line', () => {
  it('puts cronmon exec with slug and schedule before the command, keeping the rest of the line', () => {
    const job = oneJob('0 3 * * * /usr/local/bin/backup.sh --full\n');
    expect(job).toMatchObject({ line: 1, schedule: '0 3 * * *', command: '/usr/local/bin/backup.sh --full', slug: 'backup-full', state: 'wrapped' });
    expect(job.after).toBe("0 3 * * * cronmon exec --slug backup-full --schedule '0 3 * * *' -- /usr/local/bin/backup.sh --full");
    expect(job).not.toHaveProperty('reason');
  });

  it('keeps indentation and the blanks of the schedule, and passes the schedule with single spaces', () => {
    expect(oneJob('  */5\t* *  * 1-5   ./poll').after).toBe("  */5\t* *  * 1-5   cronmon exec --slug poll --schedule '*/5 * * * 1-5' -- ./poll");
  });

  it('passes the aliases Sentry knows as they are, and @midnight as its crontab', () => {
    for (const alias of ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@hourly']) {
      expect(oneJob(`${alias} ./job`).after).toBe(`${alias} cronmon exec --slug job --schedule ${alias} -- ./job`);
    }
    expect(oneJob('@midnight ./job').after).toBe("@midnight cronmon exec --slug job --schedule '0 0 * * *' -- ./job");
  });

  it('uses the given cronmon path, quoted for the shell when needed', () => {
    expect(oneJob('0 3 * * * ./x', { cronmonPath: '/usr/local/bin/cronmon' }).after).toMatch(/^0 3 \* \* \* \/usr\/local\/bin\/cronmon exec /);
    expect(oneJob('0 3 * * * ./x', { cronmonPath: "/opt/my tools/it's/cronmon" }).after).toMatch(/^0 3 \* \* \* '\/opt\/my tools\/it'\\''s\/cronmon' exec /);
  });

  it('refuses a cronmon path that a crontab line cannot carry', () => {
    expect(() => checkCronmonPath('/opt/100%/cronmon')).toThrow(/%/);
    expect(() => adopt('0 3 * * * ./x', { cronmonPath: 'a\nb' })).toThrow(/newline/);
    expect(() => checkCronmonPath('')).toThrow(/empty/);
  });

  it('returns the whole file with only job lines changed, ending in a newline', () => {
    const text = '# backups\nMAILTO=ops@example.com\n\n0 3 * * * ./backup.sh';
    const result = adopt(text);
    expect(result.lines).toEqual(['# backups', 'MAILTO=ops@example.com', '', "0 3 * * * cronmon exec --slug backup --schedule '0 3 * * *' -- ./backup.sh"]);
    expect(crontabText(result.lines)).toBe(`${result.lines.join('\n')}\n`);
    expect(crontabText([])).toBe('');
  });
});

describe('time zones', () => {
  it('passes CRON_TZ to the jobs after it', () => {
    const { jobs } = adopt('0 1 * * * ./a\nCRON_TZ=Europe/Vienna\n0 2 * * * ./b\nCRON_TZ=""\n0 3 * * * ./c\n');
    expect(jobs.map((job) => job.timezone)).toEqual([undefined, 'Europe/Vienna', undefined]);
    expect(jobs[1]?.after).toBe("0 2 * * * cronmon exec --slug b --schedule '0 2 * * *' --timezone Europe/Vienna -- ./b");
  });

  it('uses the default time zone where no CRON_TZ says', () => {
    const { jobs } = adopt('0 1 * * * ./a\nCRON_TZ=Asia/Tokyo\n0 2 * * * ./b\n', { defaultTimezone: 'America/New_York' });
    expect(jobs.map((job) => job.timezone)).toEqual(['America/New_York', 'Asia/Tokyo']);
    expect(jobs[0]?.after).toContain('--timezone America/New_York --');
  });

  it('leaves a job alone when Sentry would refuse its zone', () => {
    const job = oneJob('CRON_TZ=Mars/Olympus\n0 2 * * * ./b');
    expect(job).toMatchObject({ state: 'skipped', slug: null, reason: expect.stringContaining('CRON_TZ "Mars/Olympus"') });
    expect(job.after).toBe(job.before);
  });

  it('notes that TZ= does not move the schedule', () => {
    const job = oneJob('TZ=Asia/Tokyo\n0 2 * * * ./b');
    expect(job.state).toBe('wrapped');
    expect(job.timezone).toBeUndefined();
    expect(job.reason).toMatch(/TZ=Asia\/Tokyo only sets the job's environment/);
  });
});

describe('lines left alone', () => {
  it('@reboot', () => {
    const job = oneJob('@reboot ./start.sh');
    expect(job).toMatchObject({ state: 'skipped', slug: null, reason: expect.stringContaining('@reboot') });
    expect(job.after).toBe('@reboot ./start.sh');
  });

  it('schedules Sentry would refuse (cronmon exec would then not run the job)', () => {
    expect(oneJob('0 0 31 2 * ./never')).toMatchObject({ state: 'skipped', reason: expect.stringContaining('never fires') });
    expect(oneJob('61 * * * * ./x')).toMatchObject({ state: 'skipped' });
    expect(oneJob('0 0 ? * * ./x')).toMatchObject({ state: 'skipped' });
  });

  it('# cronmon: skip, at the end of the line or on the line above', () => {
    expect(oneJob('0 3 * * * ./x # cronmon: skip')).toMatchObject({ state: 'skipped', reason: 'marked # cronmon: skip' });
    expect(oneJob('# cronmon: skip\n0 3 * * * ./x')).toMatchObject({ state: 'skipped' });
    expect(oneJob('# cronmon: skip\n\n0 3 * * * ./x')).toMatchObject({ state: 'wrapped' });
  });

  it('unknown directives, so that a typo does not go unnoticed', () => {
    expect(oneJob('0 3 * * * ./x # cronmon: slg=y')).toMatchObject({ state: 'skipped', reason: expect.stringContaining('unknown directive') });
  });

  it('lines of a system crontab (user field)', () => {
    expect(oneJob('17 * * * * root cd / && run-parts /etc/cron.hourly')).toMatchObject({ state: 'skipped', reason: expect.stringContaining('system crontab') });
  });

  it('other cronmon commands', () => {
    expect(oneJob('*/5 * * * * cronmon heartbeat --slug ping')).toMatchObject({ state: 'skipped', reason: 'it runs cronmon heartbeat' });
  });

  it('lines cron itself would refuse (not jobs at all)', () => {
    const result = adopt('@Daily ./x\nnonsense\n');
    expect(result.jobs).toEqual([]);
    expect(result.lines).toEqual(['@Daily ./x', 'nonsense']);
  });
});

describe('already wrapped', () => {
  it.each([
    ["0 3 * * * cronmon exec --slug nightly --schedule '0 3 * * *' -- ./backup.sh", 'nightly', './backup.sh'],
    ['0 3 * * * /usr/local/bin/cronmon exec --slug=Nightly_Backup -- ./backup.sh --full', 'nightly_backup', './backup.sh --full'],
    ['0 3 * * * "/opt/my tools/cronmon" exec -e staging --slug nightly ./backup.sh', 'nightly', './backup.sh'],
    ['0 3 * * * CRONMON_SLUG=from-env cronmon exec -- ./backup.sh', 'from-env', './backup.sh'],
    ['0 3 * * * cd /srv && cronmon exec --slug in-chain -- ./backup.sh', 'in-chain', './backup.sh'],
    ['0 3 * * * /opt/cm/cronmon-1.2 exec --slug custom -- ./backup.sh', 'custom', './backup.sh'],
    ['0 3 * * * cronmon exec --slug locked --lock /run/lock/backup -- ./backup.sh', 'locked', './backup.sh'],
    ['0 3 * * * cronmon exec --lock --slug bare-lock -- ./backup.sh', 'bare-lock', './backup.sh'],
    ['0 3 * * * cronmon exec -s @daily --check-in-margin 5 --failure-issue-threshold 2 --slug cli-style -- ./backup.sh', 'cli-style', './backup.sh'],
    ['0 3 * * * /usr/local/bin/node /opt/cronmon/bin/cronmon exec --slug with-node -- ./backup.sh', 'with-node', './backup.sh'],
  ])('%s', (line, slug, command) => {
    const job = oneJob(line, { cronmonPath: '/opt/cm/cronmon-1.2' });
    expect(job).toMatchObject({ state: 'already-wrapped', slug, command });
    expect(job.after).toBe(line);
  });

  it('takes the slug from CRONMON_SLUG in the crontab, or reports none', () => {
    expect(oneJob('CRONMON_SLUG=shared\n0 3 * * * cronmon exec -- ./x')).toMatchObject({ state: 'already-wrapped', slug: 'shared' });
    expect(oneJob('0 3 * * * cronmon exec -- ./x')).toMatchObject({ state: 'already-wrapped', slug: null, reason: 'no --slug found on the line' });
  });

  it("reports the time zone the line passes, not cron's", () => {
    expect(oneJob('0 3 * * * cronmon exec --slug a --timezone Asia/Tokyo -- ./x', { defaultTimezone: 'Europe/Vienna' }).timezone).toBe('Asia/Tokyo');
    expect(oneJob('0 3 * * * cronmon exec --slug a -- ./x', { defaultTimezone: 'Europe/Vienna' }).timezone).toBeUndefined();
  });
});

describe('slugs', () => {
  it.each([
    ['/usr/local/bin/backup.sh', 'backup'],
    ['./backup.sh --full', 'backup-full'],
    ['backup.sh /var/lib/postgres', 'backup-postgres'],
    ['cd /srv/app && php artisan schedule:run >> /dev/null 2>&1', 'artisan-schedule-run'],
    ['/usr/bin/php8.2 /var/www/cron.php', 'cron'],
    ['python3 -m app.sync --all', 'app-sync-all'],
    ['flock -n /tmp/sync.lock timeout 1h /usr/bin/python3 /opt/sync.py', 'sync'],
    ['nice -n 10 ionice -c3 rsync -a /home /mnt/backup', 'rsync-home'],
    ['sleep $((RANDOM \\% 60)); ./report.sh weekly', 'report-weekly'],
    ['FOO=1 BAR=2 ./job.rb', 'job'],
    ['env -u HOME FOO=1 node dist/worker.js', 'worker'],
    ["bash -c 'cd /app && ./run.sh nightly'", 'run-nightly'],
    ['sudo -u www-data php occ files:scan --all', 'occ-files-scan'],
    ['curl -fsS -m 10 -o /dev/null https://hc-ping.com/abc', 'curl-abc'],
    ['./Ümlaut_Job.SH', 'umlaut_job'],
    ['test -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }', 'run-parts-cron-daily'],
    ['! pgrep -x sync > /dev/null && ./sync.sh', 'pgrep-sync'],
    ['!!!', 'cron-job'],
  ])('%s → %s', (command, slug) => {
    expect(slugOf(command)).toBe(slug);
  });

  it('are unique within the file: -2, -3 …', () => {
    const { jobs } = adopt('0 1 * * * ./backup.sh\n0 2 * * * ./backup.sh\n0 3 * * * /other/backup.py\n0 4 * * * ./backup-2\n');
    expect(jobs.map((job) => job.slug)).toEqual(['backup', 'backup-2', 'backup-3', 'backup-2-2']);
  });

  it('stay within 50 characters when a suffix is added', () => {
    const long = 'a'.repeat(60);
    const { jobs } = adopt(`0 1 * * * ./${long}\n0 2 * * * ./${long}\n`);
    expect(jobs.map((job) => job.slug)).toEqual(['a'.repeat(50), `${'a'.repeat(48)}-2`]);
    expect(uniqueSlug('x', new Set(['x', 'x-2']))).toBe('x-3');
  });

  it('can be set at the end of the line, which wins over the line above', () => {
    const { jobs, lines } = adopt('# cronmon: slug=above\n0 1 * * * ./a # cronmon: slug=Inline Slug\n# cronmon: slug=above\n0 2 * * * ./b\n');
    expect(jobs.map((job) => job.slug)).toEqual(['inline-slug', 'above']);
    expect(jobs.map((job) => job.command)).toEqual(['./a', './b']);
    expect(lines[1]).toBe("0 1 * * * cronmon exec --slug inline-slug --schedule '0 1 * * *' -- ./a # cronmon: slug=Inline Slug");
  });

  it('set explicitly are taken before derived ones, wherever they are in the file', () => {
    const { jobs } = adopt('0 1 * * * ./backup.sh\n0 2 * * * ./other # cronmon: slug=backup\n0 3 * * * cronmon exec --slug backup-2 -- ./x\n');
    expect(jobs.map((job) => job.slug)).toEqual(['backup-3', 'backup', 'backup-2']);
  });

  it('set twice are kept, with a note', () => {
    const { jobs } = adopt('0 1 * * * ./a # cronmon: slug=same\n0 2 * * * ./b # cronmon: slug=same\n');
    expect(jobs.map((job) => job.slug)).toEqual(['same', 'same']);
    expect(jobs[1]?.reason).toMatch(/also used by line 1/);
  });

  it('that normalise to nothing leave the job alone', () => {
    expect(oneJob('0 1 * * * ./a # cronmon: slug=!!!')).toMatchObject({ state: 'skipped', reason: expect.stringContaining('no letters or digits') });
  });
});

describe('system crontabs (user field)', () => {
  const system = (text: string, options: AdoptOptions = {}) => adoptCrontab(text, { userField: true, ...options });

  it('wrap the command and keep the user field before it', () => {
    const { jobs, lines } = system(
      'SHELL=/bin/sh\n0 3 * * *\troot  /usr/local/bin/backup.sh --full\n17 * * * * www-data cd / && run-parts --report /etc/cron.hourly\n',
    );
    expect(jobs.map((job) => [job.user, job.slug, job.state])).toEqual([
      ['root', 'backup-full', 'wrapped'],
      ['www-data', 'run-parts-cron-hourly', 'wrapped'],
    ]);
    expect(lines[1]).toBe("0 3 * * *\troot  cronmon exec --slug backup-full --schedule '0 3 * * *' -- /usr/local/bin/backup.sh --full");
    expect(lines[2]).toBe(
      "17 * * * * www-data cronmon exec --slug run-parts-cron-hourly --schedule '17 * * * *' -- /bin/sh -c 'cd / && run-parts --report /etc/cron.hourly'",
    );
  });

  it('recognise their wrapped lines, and a command starting with the word root is just a command', () => {
    expect(oneJob('0 3 * * * root /usr/bin/node /opt/cronmon/bin/cronmon exec --slug nightly -- ./x', { userField: true })).toMatchObject({
      state: 'already-wrapped',
      user: 'root',
      slug: 'nightly',
      command: './x',
    });
    expect(oneJob('0 3 * * * admin root-report --all', { userField: true })).toMatchObject({ state: 'wrapped', slug: 'root-report-all' });
  });

  it('leave a line alone whose user field is no user name (a user crontab read as a system one)', () => {
    expect(oneJob('0 3 * * * /usr/local/bin/backup.sh --full', { userField: true })).toMatchObject({
      state: 'skipped',
      user: '/usr/local/bin/backup.sh',
      reason: '"/usr/local/bin/backup.sh" in the user field is not a user name: is this a user crontab, read as a system one?',
    });
    for (const user of ['root', 'www-data', 'svc_backup', 'first.last', 'ad@corp', 'host$']) {
      expect(oneJob(`0 3 * * * ${user} ./x`, { userField: true }).state).toBe('wrapped');
    }
    for (const user of ['-x', 'a/b', '$(id)', 'a;b', "'root'"]) expect(oneJob(`0 3 * * * ${user} ./x`, { userField: true }).state).toBe('skipped');
  });

  it('leave a job alone when its user could not start cronmon', () => {
    const unreachableFor = (user: string) => (user === 'root' ? undefined : '/root/.nvm is not open to other users');
    const { jobs } = system('0 3 * * * root ./a\n0 4 * * * backup ./b\n0 5 * * * backup cronmon exec --slug c -- ./c\n', { unreachableFor });
    expect(jobs.map((job) => [job.state, job.reason])).toEqual([
      ['wrapped', undefined],
      ['skipped', 'user backup could not start cronmon: /root/.nvm is not open to other users'],
      ['already-wrapped', undefined],
    ]);
  });
});

describe('several crontabs adopted together', () => {
  it('share their slugs: derived ones never repeat a slug of another file, explicit ones are taken first', () => {
    const [first, second] = adoptCrontabs([
      { text: '0 1 * * * root ./backup.sh\n0 2 * * * root ./report.sh\n', options: { userField: true }, name: '/etc/crontab' },
      { text: '0 3 * * * root ./backup.sh\n0 4 * * * root ./other # cronmon: slug=report\n', options: { userField: true }, name: '/etc/cron.d/jobs' },
    ]);
    expect(first?.jobs.map((job) => job.slug)).toEqual(['backup', 'report-2']);
    expect(second?.jobs.map((job) => job.slug)).toEqual(['backup-2', 'report']);
    expect(second?.lines[0]).toContain('exec --slug backup-2 ');
  });

  it('name the other file when a slug set explicitly is used twice', () => {
    const [, second] = adoptCrontabs([
      { text: '0 1 * * * root cronmon exec --slug nightly -- ./a\n', options: { userField: true }, name: '/etc/crontab' },
      { text: '0 2 * * * root ./b # cronmon: slug=nightly\n', options: { userField: true }, name: '/etc/cron.d/b' },
    ]);
    expect(second?.jobs[0]?.reason).toBe('slug nightly is also used by line 1 of /etc/crontab: both lines report to one monitor');
  });

  it('each with its own options', () => {
    const [user, system] = adoptCrontabs([
      { text: '0 1 * * * ./a\n', options: { cronmonPath: '/opt/a/cronmon' } },
      { text: '0 1 * * * root ./a\n', options: { cronmonPath: '/opt/b/cronmon', interpreter: '/opt/node/bin/node', userField: true } },
    ]);
    expect(user?.lines).toEqual(["0 1 * * * /opt/a/cronmon exec --slug a --schedule '0 1 * * *' -- ./a"]);
    expect(system?.lines).toEqual(["0 1 * * * root /opt/node/bin/node /opt/b/cronmon exec --slug a-2 --schedule '0 1 * * *' -- ./a"]);
  });
});

describe('commands that need their own shell', () => {
  it('are handed to the crontab shell, quoted', () => {
    expect(oneJob('0 1 * * * cd /app && ./run.sh > /dev/null 2>&1').after).toBe(
      "0 1 * * * cronmon exec --slug run --schedule '0 1 * * *' -- /bin/sh -c 'cd /app && ./run.sh > /dev/null 2>&1'",
    );
    expect(oneJob('SHELL=/bin/bash\n0 1 * * * ./a | tee /tmp/log').after).toContain("-- /bin/bash -c './a | tee /tmp/log'");
    expect(oneJob("0 1 * * * FOO='x y' ./a").after).toContain(`-- /bin/sh -c "FOO='x y' ./a"`);
    expect(oneJob(`0 1 * * * cd / && echo "it's" $HOME`).after).toContain(`-- /bin/sh -c 'cd / && echo "it'\\''s" $HOME'`);
  });

  it.each([
    'a; b',
    'a || b',
    'a & ',
    'a | b',
    '(cd / && a)',
    'FOO=1 a',
    'cd /tmp',
    'if true; then a; fi',
    'exec a',
    '{ a; }',
    "a 'unclosed",
    'echo a > /tmp/x',
    '[ -x /a ]',
  ])('%s', (command) => {
    expect(oneJob(`0 1 * * * ${command}`).after).toContain('-- /bin/sh -c ');
  });

  it.each(['./a > /tmp/log 2>&1', 'a "$(date +\\%F)" `id -u` $HOME ~/x', '/usr/bin/env FOO=1 a', 'a # just a note', 'a >&2', '/usr/bin/[ -x /a ]'])(
    'keeps a simple command as written: %s',
    (command) => {
      expect(oneJob(`0 1 * * * ${command}`).after).toMatch(new RegExp(`-- ${command.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}$`));
    },
  );

  it('keep the stdin part and the directive outside the quotes', () => {
    expect(oneJob('0 1 * * * a | mail -s report root # cronmon: slug=r%line 1%line 2').after).toBe(
      "0 1 * * * cronmon exec --slug r --schedule '0 1 * * *' -- /bin/sh -c 'a | mail -s report root' # cronmon: slug=r%line 1%line 2",
    );
  });

  it('quote scripts as briefly as is safe', () => {
    expect(quoteScript('a && b')).toBe("'a && b'");
    expect(quoteScript("echo 'x'")).toBe(`"echo 'x'"`);
    expect(quoteScript(`echo 'x' "$y"`)).toBe(`'echo '\\''x'\\'' "$y"'`);
  });
});

// Runs a crontab line's command as cron would (cron's % processing, then `/bin/sh -c`), with
// `cronmon` replaced by a script that runs what follows `--`: the wrapped line must do exactly
// what the original did.
describe('a wrapped line runs the same command as the original', () => {
  const dir = makeTempDir('cronmon-adopt-');
  mkdirSync(join(dir, 'bin'));
  const fakeCronmon = join(dir, 'bin', 'cronmon');
  writeFileSync(fakeCronmon, '#!/bin/sh\nwhile [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done\nshift\nexec "$@"\n');
  chmodSync(fakeCronmon, 0o755);

  const cronInput = (text: string) => text.replace(/\\%|%/g, (m) => (m === '%' ? '\n' : '%'));
  const runAsCron = (line: string) => {
    const job = parseCrontabText(line)[0] as JobLine;
    expect(job.kind).toBe('job');
    const run = spawnSync('/bin/sh', ['-c', cronUnescape(job.shellText)], {
      input: job.inputText === '' ? '' : cronInput(job.inputText.slice(1)),
      cwd: dir,
      env: { PATH: '/usr/bin:/bin', HOME: dir },
      encoding: 'utf8',
    });
    return { stdout: run.stdout, status: run.status };
  };

  it.each([
    `printf '[\\%s]' a "b c" $((1+2)) \\$HOME`,
    'echo one && echo two; echo three | tr a-z A-Z',
    `FOO=bar sh -c 'echo "$FOO"'`,
    'cat%line 1%line 2',
    `tr a-z A-Z%it's 100\\% here%ok`,
    `echo "it's" 'a "b"' \\$HOME "$HOME" \`echo back\` $(echo sub)`,
    'cd / && pwd',
    'echo start # a comment',
    'echo x # cronmon: slug=custom',
    'if true; then echo yes; fi',
    `echo 'a%b'`,
    'echo a\\\\%b',
    'echo 100\\% done > out.txt && cat out.txt',
    'exit 3',
    'false || echo recovered',
  ])('%s', (command) => {
    const line = `0 3 * * * ${command}`;
    const job = oneJob(line, { cronmonPath: fakeCronmon });
    expect(job.state).toBe('wrapped');
    expect(runAsCron(job.after)).toEqual(runAsCron(line));
  });

  // Only echo/cat and words made of q and x (no such programs), so whatever the shell makes of
  // the generated text, nothing harmful runs; no `&`, whose output order would be random.
  it('for generated commands full of quotes, backslashes, % and operators', () => {
    const text = fc
      .tuple(
        fc.constantFrom('echo', 'cat', 'printf'),
        fc.array(fc.constantFrom('q', 'x', ' ', "'", '"', '\\', '%', '$', '#', ';', '|', '(', ')', '`', '*'), { minLength: 1, maxLength: 14 }),
      )
      .map(([program, chars]) => `${program} ${chars.join('')}`)
      .filter((command) => !command.includes('$$')); // the shell's pid differs, of course
    fc.assert(
      fc.property(text, (command) => {
        const line = `0 3 * * * ${command}`;
        const job = oneJob(line, { cronmonPath: fakeCronmon });
        if (job.state !== 'wrapped') return;
        expect(runAsCron(job.after)).toEqual(runAsCron(line));
      }),
      { numRuns: 150 },
    );
  });
});

// --- Generated crontabs -------------------------------------------------------------------------

const words = fc.oneof(
  fc.constantFrom(
    './backup.sh',
    '/usr/bin/php',
    'artisan',
    'schedule:run',
    '--full',
    '-n',
    'cd',
    '/srv/app',
    'python3',
    '-m',
    'app.sync',
    'FOO=1',
    'cronmon',
    '/usr/local/bin/cronmon',
    'exec',
    '--slug',
    'x',
    '--',
    'flock',
    'sh',
    '-c',
    'root',
    'x.py',
    'sleep',
    '60',
    'if',
    'true',
    'then',
    'fi',
    '$HOME',
    '$(date)',
    '`id`',
    '~/bin/job',
  ),
  fc.stringMatching(/^[a-z0-9._/-]{1,8}$/),
);
const separators = fc.constantFrom(
  ' ',
  ' ',
  ' ',
  '  ',
  '\t',
  ' && ',
  ' || ',
  ' ; ',
  ' | ',
  ' > /dev/null 2>&1 ',
  ' # note ',
  '%',
  '\\%',
  ' # cronmon: slug=my-job ',
  ' # cronmon: skip',
  '"',
  "'",
  ' $( ',
  ' ) ',
  '`',
  '\\',
  ' & ',
  "'it''s'",
  '"a b"',
);
const command = fc
  .array(fc.tuple(words, separators), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.flat().join('').replace(/^\s+/, ''))
  .filter((text) => text.trim() !== '');
const anyText = fc.string({ unit: 'binary-ascii', maxLength: 30 }).map((text) => text.replace(/[\n]/g, ' '));
const schedule = fc.constantFrom(
  '0 3 * * *',
  '*/5 * * * *',
  '0 0 31 2 *',
  '@daily',
  '@hourly',
  '@reboot',
  '@midnight',
  '0\t3 * *  1-5',
  '61 * * * *',
  '0 9 * jan-mar mon-fri',
);
const line = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(schedule, fc.constantFrom(' ', '\t', '   '), command).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.tuple(schedule, anyText).map(([s, text]) => `${s} ${text}`) },
  { weight: 1, arbitrary: fc.constantFrom('', '  ', '# comment', '# cronmon: slug=above', '# cronmon: skip', '# cronmon: slug=backup') },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'CRON_TZ=Europe/Vienna',
      'CRON_TZ=Nowhere/Zone',
      'CRON_TZ=',
      'SHELL=/bin/bash',
      'TZ=Asia/Tokyo',
      'MAILTO=""',
      'CRONMON_SLUG=env-slug',
    ),
  },
  { weight: 1, arbitrary: anyText },
);
const crontab = fc.tuple(fc.array(line, { maxLength: 12 }), fc.boolean()).map(([lines, newline]) => lines.join('\n') + (newline ? '\n' : ''));
const options = fc.record(
  { cronmonPath: fc.constantFrom('cronmon', '/usr/local/bin/cronmon', "/opt/it's/cronmon-1.2"), defaultTimezone: fc.constantFrom('Europe/Vienna', 'UTC') },
  { requiredKeys: [] },
);

const user = fc.constantFrom('root', 'www-data', 'backup', '/bin/x', 'cronmon');
const systemLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(schedule, fc.constantFrom(' ', '\t'), user, fc.constantFrom(' ', '\t  '), command).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: line },
);
const systemCrontab = fc.array(systemLine, { maxLength: 8 }).map((lines) => lines.join('\n'));

describe('generated system crontabs, adopted together', () => {
  it('keep each user field, give derived slugs found in no other file, and adopting twice changes nothing', () => {
    fc.assert(
      fc.property(fc.array(systemCrontab, { minLength: 1, maxLength: 3 }), options, (texts, opts) => {
        const inputs = texts.map((text, n) => ({ text, options: { ...opts, userField: true }, name: `file-${n}` }));
        const once = adoptCrontabs(inputs);
        once.forEach((result, n) => {
          const before = parseCrontabText(texts[n] ?? '', { userField: true });
          for (const job of result.jobs.filter((j) => j.state === 'wrapped')) {
            const [after] = parseCrontabText(result.lines[job.line - 1] ?? '', { userField: true });
            const original = before[job.line - 1] as JobLine;
            expect(after).toMatchObject({ kind: 'job', user: original.user, prefix: original.prefix, schedule: original.schedule });
          }
        });
        const slugs = once.flatMap((result) => result.jobs.filter((job) => job.state !== 'skipped').map((job) => job.slug));
        const derived = once.flatMap((result) =>
          result.jobs.filter((job) => job.state === 'wrapped' && !/# cronmon: slug=/.test(`${job.after}\n${result.lines[job.line - 2] ?? ''}`)),
        );
        for (const job of derived) expect(slugs.filter((slug) => slug === job.slug)).toHaveLength(1);
        const twice = adoptCrontabs(once.map((result, n) => ({ ...inputs[n], text: crontabText(result.lines) })));
        expect(twice.map((result) => result.lines)).toEqual(once.map((result) => result.lines));
        expect(twice.flatMap((result) => result.jobs).filter((job) => job.state === 'wrapped')).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('generated crontabs', () => {
  it('adopting twice gives the same text, and the second time wraps nothing', () => {
    fc.assert(
      fc.property(crontab, options, (text, opts) => {
        const once = adoptCrontab(text, opts);
        const twice = adoptCrontab(crontabText(once.lines), opts);
        expect(twice.lines).toEqual(once.lines);
        expect(twice.jobs.filter((job) => job.state === 'wrapped')).toEqual([]);
        // Every wrapped job is recognised, with its slug.
        const wrapped = once.jobs.filter((job) => job.state === 'wrapped');
        for (const job of wrapped) {
          expect(twice.jobs.find((other) => other.line === job.line)).toMatchObject({ state: 'already-wrapped', slug: job.slug });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('changes job lines only, keeps their schedule, and gives each wrapped job a usable slug', () => {
    fc.assert(
      fc.property(crontab, options, (text, opts) => {
        const before = parseCrontabText(text);
        const result = adoptCrontab(text, opts);
        expect(result.lines).toHaveLength(before.length);
        const changed = new Set(result.jobs.filter((job) => job.state === 'wrapped').map((job) => job.line));
        before.forEach((line, index) => {
          if (!changed.has(line.number)) {
            expect(result.lines[index]).toBe(line.text);
            return;
          }
          const [after] = parseCrontabText(result.lines[index] ?? '');
          expect(after).toMatchObject({ kind: 'job', schedule: (line as JobLine).schedule, prefix: (line as JobLine).prefix });
        });
        const slugs = result.jobs.filter((job) => job.state !== 'skipped').map((job) => job.slug);
        for (const slug of slugs) {
          if (slug === null) continue;
          expect(slug).toBe(normaliseSlug(slug));
          expect(slug.length).toBeGreaterThan(0);
          expect(slug.length).toBeLessThanOrEqual(50);
        }
        // Derived slugs (no directive) never repeat another job's slug.
        const explicit = (job: AdoptedJob) => /# cronmon: slug=/.test(job.after) || /# cronmon: slug=/.test(result.lines[job.line - 2] ?? '');
        for (const job of result.jobs.filter((j) => j.state === 'wrapped' && !explicit(j))) {
          expect(slugs.filter((slug) => slug === job.slug)).toHaveLength(1);
        }
      }),
      { numRuns: 400 },
    );
  });
});
