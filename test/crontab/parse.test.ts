import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cronUnescape, parseCrontabText, splitCronInput, splitLines, systemCrontabHint, type CrontabLine, type JobLine } from '../../src/crontab/parse.js';

const only = (text: string): CrontabLine => {
  const lines = parseCrontabText(text);
  expect(lines).toHaveLength(1);
  return lines[0] as CrontabLine;
};
const job = (text: string): JobLine => {
  const line = only(text);
  expect(line.kind).toBe('job');
  return line as JobLine;
};

describe('lines', () => {
  it('keeps every line, in order, with its text', () => {
    const text = '# header\n\nFOO=bar\n0 3 * * * ./backup.sh\n  \n\t# indented comment\nnot a line\n';
    const lines = parseCrontabText(text);
    expect(lines.map((line) => line.text)).toEqual(splitLines(text));
    expect(lines.map((line) => line.kind)).toEqual(['comment', 'blank', 'env', 'job', 'blank', 'comment', 'invalid']);
    expect(lines.map((line) => line.number)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  it('does not count the final newline as a line, and reads a missing one alike', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a\n')).toEqual(['a']);
    expect(splitLines('a')).toEqual(['a']);
    expect(splitLines('a\n\n')).toEqual(['a', '']);
  });
});

describe('environment lines', () => {
  it.each([
    ['FOO=bar', 'FOO', 'bar'],
    ['FOO = bar', 'FOO', 'bar'],
    ['  FOO=  bar baz  ', 'FOO', 'bar baz'],
    ['FOO="bar baz"', 'FOO', 'bar baz'],
    ["FOO = 'a=b'", 'FOO', 'a=b'],
    ['MAILTO=""', 'MAILTO', ''],
    ['MAILTO=', 'MAILTO', ''],
    ['"MY VAR"=1', 'MY VAR', '1'],
    ['PATH=/usr/local/bin:/usr/bin:/bin', 'PATH', '/usr/local/bin:/usr/bin:/bin'],
    ['CRON_TZ=Europe/Vienna', 'CRON_TZ', 'Europe/Vienna'],
  ])('%s', (text, name, value) => {
    expect(only(text)).toEqual({ kind: 'env', number: 1, text, name, value });
  });

  it('is not a job line with an assignment in its command', () => {
    expect(job('0 3 * * * FOO=bar ./x').command).toBe('FOO=bar ./x');
    expect(job('@daily FOO=bar ./x').command).toBe('FOO=bar ./x');
  });

  it('rejects what cron rejects: text after a closing quote, an unclosed quote', () => {
    expect(only('FOO="a" b').kind).toBe('invalid');
    expect(only('FOO="a').kind).toBe('invalid');
  });

  it('applies to the jobs after it; the last assignment wins', () => {
    const lines = parseCrontabText('0 1 * * * a\nFOO=1\n0 2 * * * b\nFOO=2\nCRON_TZ=Asia/Tokyo\n0 3 * * * c\nCRON_TZ=\n0 4 * * * d\n');
    const jobs = lines.filter((line): line is JobLine => line.kind === 'job');
    expect(jobs.map((j) => j.env.FOO)).toEqual([undefined, '1', '2', '2']);
    expect(jobs.map((j) => j.cronTz)).toEqual([undefined, undefined, 'Asia/Tokyo', undefined]);
  });
});

describe('job lines', () => {
  it('splits five fields from the command, keeping the text before the command as written', () => {
    const line = job('  0\t3 *  * 1-5   /usr/local/bin/backup.sh --full  ');
    expect(line.schedule).toBe('0 3 * * 1-5');
    expect(line.prefix).toBe('  0\t3 *  * 1-5   ');
    expect(line.command).toBe('/usr/local/bin/backup.sh --full  ');
    expect(line.prefix + line.command).toBe(line.text);
    expect(line.shellText).toBe(line.command);
    expect(line.inputText).toBe('');
  });

  it.each(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '@reboot'])('reads %s', (alias) => {
    const line = job(`${alias}\t./job.sh`);
    expect(line.schedule).toBe(alias);
    expect(line.prefix).toBe(`${alias}\t`);
    expect(line.command).toBe('./job.sh');
  });

  it('keeps names in fields as written', () => {
    expect(job('0 9 * jan-mar mon-fri ./x').schedule).toBe('0 9 * jan-mar mon-fri');
  });

  it('marks what cron would refuse as invalid', () => {
    expect(only('@Daily ./x')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('does not know "@Daily"') });
    expect(only('@daily')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('no command') });
    expect(only('0 3 * * *')).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('no command') });
    expect(only('0 3 * * *   ')).toMatchObject({ kind: 'invalid' });
    expect(only('echo hello')).toMatchObject({ kind: 'invalid' });
  });
});

describe('job lines with a user field (system crontabs)', () => {
  const system = (text: string) => parseCrontabText(text, { userField: true });
  const systemJob = (text: string): JobLine => {
    const [line] = system(text);
    expect(line?.kind).toBe('job');
    return line as JobLine;
  };

  it('puts the user and the blanks after it into the prefix, and names the user', () => {
    const line = systemJob('17 *\t* * *  root    cd / && run-parts --report /etc/cron.hourly');
    expect(line).toMatchObject({
      schedule: '17 * * * *',
      user: 'root',
      prefix: '17 *\t* * *  root    ',
      command: 'cd / && run-parts --report /etc/cron.hourly',
    });
    expect(line.prefix + line.command).toBe(line.text);
    expect(systemJob('@daily\twww-data php /srv/app/cron.php')).toMatchObject({
      schedule: '@daily',
      user: 'www-data',
      prefix: '@daily\twww-data ',
      command: 'php /srv/app/cron.php',
    });
  });

  it('reads directives, % and the environment after the user as for a user crontab', () => {
    const [, line] = system('CRON_TZ=Asia/Tokyo\n0 3 * * * backup /opt/backup.sh # cronmon: slug=nightly\n');
    expect(line).toMatchObject({ kind: 'job', user: 'backup', cronTz: 'Asia/Tokyo', directive: { kind: 'slug', value: 'nightly' } });
    expect(systemJob('0 3 * * * root mail -s hi root%body')).toMatchObject({ user: 'root', shellText: 'mail -s hi root', inputText: '%body' });
  });

  it('has no user property in a user crontab', () => {
    expect(job('0 3 * * * root ./x')).not.toHaveProperty('user');
    expect(job('0 3 * * * root ./x').command).toBe('root ./x');
  });

  it('marks a line without a user or without a command as invalid', () => {
    expect(system('0 3 * * *')).toMatchObject([{ kind: 'invalid', reason: 'the schedule "0 3 * * *" has no user and command after it' }]);
    expect(system('0 3 * * * root')).toMatchObject([{ kind: 'invalid', reason: 'the schedule "0 3 * * *" and the user "root" have no command after them' }]);
    expect(system('@hourly root   ')).toMatchObject([{ kind: 'invalid', reason: expect.stringContaining('have no command') }]);
    expect(system('0 3 * *')).toMatchObject([{ kind: 'invalid', reason: expect.stringContaining('a user and a command') }]);
  });

  it('keeps every line as written, and splits prefix + command exactly (property)', () => {
    const blanks = fc.stringMatching(/^[ \t]{1,3}$/);
    const field = fc.stringMatching(/^[0-9*,/-]{1,4}$/);
    const word = fc.stringMatching(/^[A-Za-z0-9_.@$-]{1,8}$/);
    const command = fc
      .string({ unit: 'binary-ascii', minLength: 1, maxLength: 30 })
      .map((text) => text.replace(/[\n]/g, ' '))
      .filter((text) => /^\S/.test(text));
    fc.assert(
      fc.property(fc.array(fc.tuple(field, blanks), { minLength: 5, maxLength: 5 }), word, blanks, command, (fields, user, gap, cmd) => {
        const text = fields.map(([f, b]) => f + b).join('') + user + gap + cmd;
        const [line] = system(text);
        expect(line).toMatchObject({
          kind: 'job',
          text,
          user,
          prefix: text.slice(0, text.length - cmd.length),
          command: cmd,
          schedule: fields.map(([f]) => f).join(' '),
        });
      }),
    );
  });
});

describe("cron's % rule", () => {
  it('splits at the first unescaped %: the rest is stdin', () => {
    expect(splitCronInput('mail -s hi root%line 1%line 2')).toEqual({ shellText: 'mail -s hi root', inputText: '%line 1%line 2' });
    expect(splitCronInput('date +\\%F')).toEqual({ shellText: 'date +\\%F', inputText: '' });
    expect(splitCronInput('date +\\%F%in')).toEqual({ shellText: 'date +\\%F', inputText: '%in' });
    // \\ is an escaped backslash: the % after it is not escaped.
    expect(splitCronInput('a\\\\%b')).toEqual({ shellText: 'a\\\\', inputText: '%b' });
    // Quotes do not protect a %: cron splits before any shell reads the line.
    expect(splitCronInput("printf '%s'")).toEqual({ shellText: "printf '", inputText: "%s'" });
  });

  it('is applied to job lines', () => {
    const line = job('0 * * * * cat > /tmp/x%hello%world');
    expect(line.shellText).toBe('cat > /tmp/x');
    expect(line.inputText).toBe('%hello%world');
    expect(line.command).toBe('cat > /tmp/x%hello%world');
  });

  it('turns \\% into % for the shell and leaves other backslashes', () => {
    expect(cronUnescape('date +\\%F \\$HOME \\\\')).toBe('date +%F \\$HOME \\\\');
  });
});

describe('# cronmon: directives', () => {
  it('reads slug= and skip on comment lines', () => {
    expect(only('# cronmon: slug=nightly-backup')).toMatchObject({ kind: 'comment', directive: { kind: 'slug', value: 'nightly-backup' } });
    expect(only('  #cronmon:slug = x')).toMatchObject({ directive: { kind: 'slug', value: 'x' } });
    expect(only('# cronmon: skip')).toMatchObject({ directive: { kind: 'skip' } });
    expect(only('# cronmon: slg=x')).toMatchObject({ directive: { kind: 'unknown', text: '# cronmon: slg=x' } });
    expect(only('# a comment about cronmon: slug=x')).not.toHaveProperty('directive');
  });

  it('reads one at the end of a job line, where the shell sees a comment', () => {
    const line = job("0 3 * * * ./x 'a # b' # cronmon: slug=my-x");
    expect(line.directive).toEqual({ kind: 'slug', value: 'my-x' });
    expect(line.shellText.slice(line.commentStart)).toBe('# cronmon: slug=my-x');
  });

  it('ignores # that is not a shell comment', () => {
    expect(job("0 3 * * * ./x '# cronmon: slug=a'").directive).toBeUndefined();
    expect(job('0 3 * * * ./x a#cronmon:skip').directive).toBeUndefined();
    // After the first %, the text is stdin, not shell.
    expect(job('0 3 * * * ./x %# cronmon: skip').directive).toBeUndefined();
  });
});

describe('system crontabs', () => {
  it('are recognised by their header', () => {
    const lines = parseCrontabText('# m h dom mon dow user\tcommand\n17 * * * * root cd / && run-parts --report /etc/cron.hourly\n');
    expect(systemCrontabHint(lines)).toMatch(/line 1/);
    expect(systemCrontabHint(parseCrontabText('# Example of job definition:\n# *  *  *  *  * user-name command to be executed\n'))).toMatch(/line 2/);
    expect(systemCrontabHint(parseCrontabText('# m h dom mon dow command\n0 3 * * * ./x\n'))).toBeUndefined();
  });
});
