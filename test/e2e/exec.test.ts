import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS, ON_BINARY, cronEnv, runCli, startCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';
import { makeTempDir } from '../support/temp-dirs.js';

let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

const node = process.execPath;
const job = (name: string) => join(JOBS, name);
// Each test uses its own slug, so that check-ins of parallel or earlier tests never mix.
let counter = 0;
const uniqueSlug = () => `job-${process.pid}-${++counter}`;
const eventsFor = (slug: string) => sentry.events().filter((e) => (e.event.contexts as { monitor?: { slug?: string } } | undefined)?.monitor?.slug === slug);

describe('cronmon exec reports a run', () => {
  it('passes output through, exits 0, and sends in_progress then ok with one id', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', job('interleave.sh'), '0'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('out 1\nout 2\n');
    expect(result.stderr).toBe('err 1\nerr 2\n');
    const checkIns = sentry.checkIns(slug);
    expect(checkIns.map((c) => c.status)).toEqual(['in_progress', 'ok']);
    expect(checkIns[1]?.checkInId).toBe(checkIns[0]?.checkInId);
    expect(checkIns[0]?.environment).toBe('production');
    expect(checkIns[0]?.duration).toBeUndefined();
    expect(checkIns[1]?.duration).toBeGreaterThanOrEqual(0);
    expect(checkIns[1]?.traceId).toBe(checkIns[0]?.traceId);
    expect(eventsFor(slug)).toEqual([]);
    expect(sentry.rejected()).toEqual([]);
  });

  it("exits with the job's code, reports error and sends the output tail linked to the run", async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '-e', 'staging', '--', job('interleave.sh'), '3'], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('err 1\nerr 2\n');
    const checkIns = sentry.checkIns(slug);
    expect(checkIns.map((c) => [c.status, c.environment])).toEqual([
      ['in_progress', 'staging'],
      ['error', 'staging'],
    ]);
    const [event] = eventsFor(slug);
    expect(event?.event.contexts).toMatchObject({ monitor: { slug }, trace: { trace_id: checkIns[0]?.traceId } });
    expect(event?.event.environment).toBe('staging');
    expect((event?.event.logentry as { formatted: string }).formatted).toBe(`${slug} failed with exit code 3`);
    // Both streams are in the tail, each in its own order; how two pipes interleave is up to
    // the scheduler, so the order across streams is not asserted.
    expect(event?.attachments).toHaveLength(1);
    const lines = (event?.attachments[0]?.data.toString() ?? '').split('\n');
    expect([...lines].sort()).toEqual(['', 'err 1', 'err 2', 'out 1', 'out 2']);
    expect(lines.filter((line) => line.startsWith('out'))).toEqual(['out 1', 'out 2']);
    expect(lines.filter((line) => line.startsWith('err'))).toEqual(['err 1', 'err 2']);
  });

  it('sends monitor_config on the opening check-in only', async () => {
    const slug = uniqueSlug();
    const args = [
      'exec',
      '--slug',
      slug,
      '--schedule',
      '0 3 * * *',
      '--timezone',
      'Europe/Vienna',
      '--checkin-margin',
      '0',
      '--max-runtime',
      '60',
      '--failure-threshold',
      '2',
      '--recovery-threshold',
      '1',
      '--owner',
      'team:6',
      '--',
      'true',
    ];
    expect((await runCli(args, { env: cronEnv({ SENTRY_DSN: sentry.dsn }) })).code).toBe(0);
    const [open, close] = sentry.checkIns(slug);
    expect(open?.monitorConfig).toEqual({
      schedule: { type: 'crontab', value: '0 3 * * *' },
      checkin_margin: 1,
      max_runtime: 60,
      timezone: 'Europe/Vienna',
      failure_issue_threshold: 2,
      recovery_threshold: 1,
      owner: 'team:6',
    });
    expect(close?.monitorConfig).toBeUndefined();
  });

  it('sends an interval schedule as Sentry expects it', async () => {
    const slug = uniqueSlug();
    expect((await runCli(['exec', '--slug', slug, '--interval', '10 minutes', '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) })).code).toBe(0);
    expect(sentry.checkIns(slug)[0]?.monitorConfig).toEqual({ schedule: { type: 'interval', value: 10, unit: 'minute' } });
  });

  it('normalises the slug as Sentry does, and says so only when asked', async () => {
    const slug = `Nightly Backup ${process.pid}`;
    const quiet = await runCli(['exec', '--slug', slug, '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(quiet.stderr).toBe('');
    expect(sentry.checkIns(`nightly-backup-${process.pid}`)).toHaveLength(2);
    const verbose = await runCli(['exec', '-v', '--slug', slug, '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(verbose.stderr).toContain(`"nightly-backup-${process.pid}"`);
  });

  it('gives the job SENTRY_MONITOR_SLUG, CRONMON_CHECK_IN_ID and CRONMON_TRACE_ID', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', node, job('print-env.mjs')], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    const seen = JSON.parse(result.stdout.toString()) as Record<string, string>;
    const [open] = sentry.checkIns(slug);
    expect(seen).toEqual({ SENTRY_MONITOR_SLUG: slug, CRONMON_CHECK_IN_ID: open?.checkInId, CRONMON_TRACE_ID: open?.traceId });
  });

  it('reads the slug and environment from CRONMON_SLUG and SENTRY_ENVIRONMENT', async () => {
    const slug = uniqueSlug();
    await runCli(['exec', '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn, CRONMON_SLUG: slug, SENTRY_ENVIRONMENT: 'qa' }) });
    expect(sentry.checkIns(slug).map((c) => c.environment)).toEqual(['qa', 'qa']);
  });

  it('--log-on always sends the tail of a successful run; --no-log never sends output', async () => {
    const always = uniqueSlug();
    await runCli(['exec', '--slug', always, '--log-on', 'always', '--', 'echo', 'fine'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    const [event] = eventsFor(always);
    expect(event?.event.level).toBe('info');
    expect(event?.attachments[0]?.data.toString()).toBe('fine\n');

    const never = uniqueSlug();
    const result = await runCli(['exec', '--slug', never, '--no-log', '--', 'sh', '-c', 'echo bad; exit 4'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(4);
    expect(result.stdout.toString()).toBe('bad\n');
    expect(sentry.statusesOf(never)).toEqual(['in_progress', 'error']);
    expect(eventsFor(never)).toEqual([]);
  });

  it('--dry-run runs the job, prints the envelopes with the key masked, and sends nothing', async () => {
    const slug = uniqueSlug();
    const before = sentry.records.length;
    const result = await runCli(['exec', '--dry-run', '--slug', slug, '--', 'sh', '-c', 'echo ran; exit 1'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(1);
    expect(result.stdout.toString()).toBe('ran\n');
    expect(result.stderr).toContain('"status":"in_progress"');
    expect(result.stderr).toContain('"status":"error"');
    expect(result.stderr).toContain('sentry_key=***');
    expect(result.stderr).not.toContain(sentry.key);
    expect(sentry.records.length).toBe(before);
  });
});

describe('cronmon exec passes the job through untouched', () => {
  it('gives the job its stdin', async () => {
    const input = Buffer.from('line one\nline two\n\u0000binary\u00ff');
    const result = await runCli(['exec', '--slug', uniqueSlug(), '--', 'cat'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }), input });
    expect(result.stdout).toEqual(input);
  });

  it('copies binary output byte for byte and keeps only the last --tail-bytes', async () => {
    const slug = uniqueSlug();
    const size = 3 * 1024 * 1024 + 17;
    const result = await runCli(['exec', '--slug', slug, '--', node, job('flood.mjs'), String(size), '5'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(5);
    expect(result.stdout.byteLength).toBe(size);
    const block = Buffer.alloc(65536);
    for (let i = 0; i < block.length; i++) block[i] = (i * 7 + (i >> 8)) & 0xff;
    for (let offset = 0; offset < size; offset += block.length) {
      const expected = block.subarray(0, Math.min(block.length, size - offset));
      expect(result.stdout.subarray(offset, offset + expected.length).equals(expected)).toBe(true);
    }
    const attachment = eventsFor(slug)[0]?.attachments[0];
    expect(attachment?.size).toBeLessThanOrEqual(102_400);
    // The tail is the end of the output: stdout's last bytes and stderr's "end". Which of the two
    // pipes cronmon read last is up to the scheduler (a slow reader of stdout delays it).
    const tail = attachment?.data ?? Buffer.alloc(0);
    const end = tail.indexOf('end\n');
    // Bun's pipe reader (the single executable) holds up to about 128 KiB of stdout before
    // cronmon sees it, so stderr's "end" may be followed by more than the tail keeps: then the
    // tail is stdout's last bytes alone (see README, "What differs on Bun").
    if (ON_BINARY && end < 0) return expect(result.stdout.subarray(-tail.length).equals(tail) && tail.length === 102_400).toBe(true);
    expect(end).toBeGreaterThanOrEqual(0);
    const stdoutTail = Buffer.concat([tail.subarray(0, end), tail.subarray(end + 4)]);
    expect(stdoutTail.length).toBeGreaterThan(90_000);
    expect(result.stdout.subarray(-stdoutTail.length).equals(stdoutTail)).toBe(true);
  });

  it('sends the output tail of a job with megabytes of arguments', async () => {
    const slug = uniqueSlug();
    const huge = Array.from({ length: 10 }, () => 'a'.repeat(110_000));
    const result = await runCli(['exec', '--slug', slug, '--', 'sh', '-c', 'echo the last words; exit 4', 'sh', ...huge], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    expect(result.code).toBe(4);
    expect(result.stderr).toBe('');
    expect(sentry.rejected()).toEqual([]);
    expect(eventsFor(slug)[0]?.attachments[0]?.data.toString()).toBe('the last words\n');
  });

  it('names the host in failure events, unless --no-server-name or serverName: false', async () => {
    const failing = ['sh', '-c', 'exit 1'];
    const named = uniqueSlug();
    await runCli(['exec', '--slug', named, '--', ...failing], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(eventsFor(named)[0]?.event).toMatchObject({ server_name: hostname(), tags: { host: hostname() } });
    const unnamed = uniqueSlug();
    await runCli(['exec', '--slug', unnamed, '--no-server-name', '--', ...failing], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    const configured = uniqueSlug();
    const env = cronEnv({ SENTRY_DSN: sentry.dsn });
    const project = join(env.HOME ?? '', 'project');
    mkdirSync(project);
    writeFileSync(join(project, '.cronmonrc.json'), '{"serverName": false}');
    await runCli(['exec', '--slug', configured, '--', ...failing], { env, cwd: project });
    for (const slug of [unnamed, configured]) {
      const event = eventsFor(slug)[0]?.event;
      expect(event?.tags).toBeDefined();
      expect(event?.server_name).toBeUndefined();
      expect((event?.tags as Record<string, string>).host).toBeUndefined();
    }
  });

  it('honours a smaller --tail-bytes', async () => {
    const slug = uniqueSlug();
    await runCli(['exec', '--slug', slug, '--tail-bytes', '6', '--', 'sh', '-c', 'echo 0123456789; exit 1'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(eventsFor(slug)[0]?.attachments[0]?.data.toString()).toBe('56789\n');
  });
});

describe('cronmon exec exit codes', () => {
  it('127 when the command does not exist, and the run is closed as error', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', 'no-such-command-xyz'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(127);
    expect(result.stderr).toBe('cronmon: command not found: no-such-command-xyz\n');
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
    expect((eventsFor(slug)[0]?.event.logentry as { formatted: string }).formatted).toContain('command not found: no-such-command-xyz');
  });

  it('126 when the command is not executable', async () => {
    const result = await runCli(['exec', '--slug', uniqueSlug(), '--', job('not-executable.sh')], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(126);
    expect(result.stderr).toMatch(/^cronmon: cannot execute .*not-executable\.sh: permission denied\n$/);
  });

  it('128+N when a signal ends the job', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', 'sh', '-c', 'kill -TERM $$'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(143);
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
  });

  for (const [signal, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
    ['SIGHUP', 129],
    ['SIGQUIT', 131],
  ] as const) {
    it(`forwards ${signal} to the job, still closes the run, and exits ${code}`, async () => {
      const slug = uniqueSlug();
      const run = startCli(['exec', '--slug', slug, '--', node, job('wait-for-signal.mjs')], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
      await run.waitForStdout('ready');
      run.child.kill(signal);
      const result = await run.result;
      expect(result.code).toBe(code);
      expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
    });
  }

  it('reports ok when the job handles the forwarded signal and exits 0', async () => {
    const slug = uniqueSlug();
    const run = startCli(['exec', '--slug', slug, '--', node, job('wait-for-signal.mjs'), 'trap'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    await run.waitForStdout('ready');
    run.child.kill('SIGTERM');
    const result = await run.result;
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toBe('ready\ngot SIGTERM\n');
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'ok']);
  });
});

describe('usage errors exit 2 before the job runs', () => {
  const marker = () => join(makeTempDir('cronmon-marker-'), 'ran');
  const cases: [string, string[], RegExp][] = [
    ['an unknown flag', ['--bogus'], /unknown option '--bogus'/],
    ['a missing slug', [], /--slug/],
    ['a slug Sentry cannot keep', ['--slug', '🦀🦀'], /--slug/],
    ['a bad crontab', ['--slug', 's', '--schedule', '61 * * * *'], /--schedule/],
    ['@reboot', ['--slug', 's', '--schedule', '@reboot'], /--schedule/],
    ['--schedule with --interval', ['--slug', 's', '--schedule', '@daily', '--interval', '1 day'], /--schedule.*--interval|--interval.*--schedule/],
    ['an unknown time zone', ['--slug', 's', '--schedule', '@daily', '--timezone', 'Mars/Olympus'], /--timezone/],
    ['a margin without a schedule', ['--slug', 's', '--checkin-margin', '5'], /--checkin-margin/],
    ['a max runtime out of range', ['--slug', 's', '--schedule', '@daily', '--max-runtime', '20000'], /--max-runtime/],
    ['a bad environment', ['--slug', 's', '-e', 'prod/eu'], /--environment/],
    ['a bad --log-on', ['--slug', 's', '--log-on', 'never'], /--log-on/],
    ['a tail larger than 100 kB', ['--slug', 's', '--tail-bytes', '200000'], /--tail-bytes/],
    ['a bad --send-timeout', ['--slug', 's', '--send-timeout', 'soon'], /--send-timeout/],
  ];
  for (const [name, flags, message] of cases) {
    it(`on ${name}`, async () => {
      const file = marker();
      const result = await runCli(['exec', ...flags, '--', 'touch', file], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^cronmon: .*\n$/);
      expect(result.stderr).toMatch(message);
      expect(existsSync(file)).toBe(false);
    });
  }

  it('when no command is given', async () => {
    const result = await runCli(['exec', '--slug', 's'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^cronmon: .*command/);
  });
});

describe('cronmon exec --quiet and --verbose', () => {
  const notice = '"Nightly Backup" is sent as "nightly-backup"';

  it.each([
    ['-q', {}],
    ['CRONMON_QUIET=1', { CRONMON_QUIET: '1' }],
  ] as const)('%s drops notices but keeps what was asked for and every error', async (flag, extra) => {
    const args = flag === '-q' ? ['-q'] : [];
    const dry = await runCli(['exec', '--dry-run', ...args, '--slug', 'Nightly Backup', '--', 'true'], { env: cronEnv(extra) });
    expect(dry.stderr).not.toContain(notice);
    expect(dry.stderr).toContain('"status":"in_progress"');
    const noDsn = await runCli(['exec', ...args, '--slug', 'quiet', '--', 'true'], { env: cronEnv(extra) });
    expect(noDsn.stderr).toMatch(/^cronmon: no DSN set/);
  });

  it('without -q, --dry-run shows the notice', async () => {
    const dry = await runCli(['exec', '--dry-run', '--slug', 'Nightly Backup', '--', 'true'], { env: cronEnv() });
    expect(dry.stderr).toContain(notice);
  });

  it('CRONMON_DEBUG=1 prints one line per request, key masked', async () => {
    const result = await runCli(['exec', '--slug', 'debug-env', '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn, CRONMON_DEBUG: '1' }) });
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n').filter((line) => / → 200 in \d+ ms$/.test(line))).toHaveLength(2);
    expect(result.stderr).toContain('sentry_key=***');
    expect(result.stderr).not.toContain(sentry.key);
  });
});
