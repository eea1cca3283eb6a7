import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type Fault, type TestSentry } from '../support/sentry-server.js';

// Whatever Sentry does, the job runs, keeps its output and exit code, and cronmon prints
// exactly one line; the DSN key never appears.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

const JOB = ['sh', '-c', 'echo job-out; echo job-err >&2; exit 7'];

async function expectFailOpen(env: NodeJS.ProcessEnv, extraArgs: string[] = []) {
  const result = await runCli(['exec', '--slug', 'fail-open', ...extraArgs, '--', ...JOB], { env });
  expect(result.code).toBe(7);
  expect(result.stdout.toString()).toBe('job-out\n');
  const [jobLine, ...cronmonLines] = result.stderr.split('\n').filter((line) => line !== '');
  expect(jobLine).toBe('job-err');
  expect(cronmonLines).toHaveLength(1);
  expect(cronmonLines[0]).toMatch(/^cronmon: /);
  expect(result.stderr).not.toContain(sentry.key);
  return { line: cronmonLines[0] ?? '', ms: result.ms };
}

describe('fail open', () => {
  it('with no DSN', async () => {
    const { line } = await expectFailOpen(cronEnv());
    expect(line).toContain('no DSN');
  });

  it('with an invalid DSN, masking its key', async () => {
    const { line } = await expectFailOpen(cronEnv({ SENTRY_DSN: `https://${sentry.key}@sentry.example.com/not-a-number` }));
    expect(line).toContain('https://***@sentry.example.com/not-a-number');
    expect(line).toContain('project id');
  });

  it.each([['::'], [':a:b']])('with a DSN whose user part is key%s, printing the key nowhere, with -q too', async (colons) => {
    for (const extra of [[], ['-q']]) {
      const { line } = await expectFailOpen(cronEnv({ SENTRY_DSN: `http://${sentry.key}${colons}@127.0.0.1:${sentry.port}/42` }), extra);
      expect(line).toContain('invalid DSN http://***@127.0.0.1');
    }
  });

  it("ships none of @sentry/core's console logging (it prints DSNs with their key)", () => {
    const bundle = readFileSync(fileURLToPath(new URL('../../dist/cronmon.cjs', import.meta.url)), 'utf8');
    expect(bundle).not.toContain('Invalid Sentry Dsn');
    expect(bundle).not.toContain('Sentry Logger');
  });

  const faults: [string, Fault, RegExp][] = [
    ['a wrong key (401)', { kind: 'status', status: 401, body: '{"detail":"invalid key"}' }, /refused the DSN key \(401/],
    ['a wrong key (403)', { kind: 'status', status: 403, body: '{"detail":"event submission rejected"}' }, /refused the DSN key \(403/],
    ['a 400', { kind: 'status', status: 400, body: '{"detail":"bad envelope"}' }, /400: bad envelope/],
    [
      'a 400 whose detail forges lines and retitles the terminal',
      { kind: 'status', status: 400, body: JSON.stringify({ detail: 'bad\ncronmon: all good\r\u001b]0;owned\u0007\u009b2J' }) },
      /400: bad\\ncronmon: all good\\r\\x1b\]0;owned\\x07\\x9b2J$/,
    ],
    ['a 500', { kind: 'status', status: 500 }, /answered 500/],
    ['a 503', { kind: 'status', status: 503 }, /answered 503/],
    ['a 429 with Retry-After', { kind: 'status', status: 429, headers: { 'Retry-After': '60' } }, /rate limited by Sentry \(429\) for 60s/],
    ['a reset connection', { kind: 'reset' }, /connection reset/],
  ];
  for (const [name, fault, reason] of faults) {
    it(`with ${name}`, async () => {
      sentry.setFault(() => fault);
      try {
        const { line } = await expectFailOpen(cronEnv({ SENTRY_DSN: sentry.dsn }));
        expect(line).toMatch(reason);
      } finally {
        sentry.setFault(undefined);
      }
    });
  }

  it('with the connection refused', async () => {
    const closed = await unusedPort();
    const { line } = await expectFailOpen(cronEnv({ SENTRY_DSN: `http://${sentry.key}@127.0.0.1:${closed}/42` }));
    expect(line).toContain(`connection refused by 127.0.0.1:${closed}`);
  });

  it('with a server that accepts and never answers, within about --send-timeout', async () => {
    sentry.setFault(() => ({ kind: 'blackhole' }));
    try {
      const { line, ms } = await expectFailOpen(cronEnv({ SENTRY_DSN: sentry.dsn }), ['--send-timeout', '1s']);
      expect(line).toContain('no answer from 127.0.0.1');
      expect(line).toContain('within 1s');
      // 1 s of delivery after the job plus start-up; generous, but far below the server's "never".
      expect(ms).toBeLessThan(15_000);
    } finally {
      sentry.setFault(undefined);
    }
  });

  it('with a slow server that answers after --send-timeout', async () => {
    sentry.setFault(() => ({ kind: 'slow', delayMs: 20_000 }));
    try {
      const { line } = await expectFailOpen(cronEnv({ SENTRY_DSN: sentry.dsn }), ['--send-timeout', '500ms']);
      expect(line).toContain('within 500ms');
    } finally {
      sentry.setFault(undefined);
    }
  });

  it('keeps the key out of --verbose output', async () => {
    const result = await runCli(['exec', '-v', '--slug', 'verbose', '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/api\/42\/envelope\/\?sentry_version=7&sentry_key=\*\*\*.* → 200/);
    expect(result.stderr).not.toContain(sentry.key);
  });
});

describe('rate limits are honoured across runs', () => {
  it('skips check-ins while Sentry asked to wait, and the job still runs', async () => {
    const env = cronEnv({ SENTRY_DSN: sentry.dsn });
    sentry.setFault(() => ({ kind: 'status', status: 429, headers: { 'X-Sentry-Rate-Limits': '60:monitor:project:monitor_rate_limit' } }));
    try {
      await runCli(['exec', '--slug', 'limited', '--', 'true'], { env });
    } finally {
      sentry.setFault(undefined);
    }
    const before = sentry.records.length;
    const second = await runCli(['exec', '--slug', 'limited', '--', 'sh', '-c', 'echo still runs'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout.toString()).toBe('still runs\n');
    // Sentry did not get this run, like a failed delivery: the first run of this outage said so,
    // so this one stays quiet under cron; -v says it every time.
    expect(second.stderr).toBe('');
    expect(sentry.records.length).toBe(before);
    const verbose = await runCli(['exec', '-v', '--slug', 'limited', '--', 'true'], { env });
    expect(verbose.stderr).toMatch(
      /^cronmon: Sentry did not get this run's report .*open check-in and close check-in: rate limited by Sentry for \d+s more\n$/m,
    );
  });

  it('waits at most an hour, however long Sentry (or a state file) says', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cronmon-limit-'));
    const env = { ...cronEnv({ SENTRY_DSN: sentry.dsn }), CRONMON_CACHE_DIR: home };
    try {
      sentry.setFault(() => ({ kind: 'status', status: 429, headers: { 'Retry-After': '99999999999999999999' } }));
      let first;
      try {
        first = await runCli(['exec', '--slug', 'limited-long', '--', 'true'], { env });
      } finally {
        sentry.setFault(undefined);
      }
      expect(first.stderr).toMatch(/open check-in: rate limited by Sentry \(429\) for 3600s; close check-in: rate limited by Sentry for 3600s more\n$/);
      const [stateFile] = readdirSync(join(home, 'rate-limits')).map((name) => join(home, 'rate-limits', name));
      const stored = JSON.parse(readFileSync(stateFile ?? '', 'utf8')) as Record<string, number>;
      expect(Object.values(stored).every((deadline) => deadline <= Date.now() + 3_600_000)).toBe(true);

      // A deadline no run of cronmon would store (an old or tampered file) is not honoured.
      writeFileSync(stateFile ?? '', JSON.stringify({ all: 1e23, monitor: Date.now() + 86_400_000 }));
      const slug = `limited-forged-${process.pid}`;
      const next = await runCli(['exec', '--slug', slug, '--', 'true'], { env });
      expect(next).toMatchObject({ code: 0, stderr: expect.stringMatching(/^cronmon: reports reach Sentry again; 1 run since .* could not be reported\n$/) });
      expect(sentry.checkIns(slug)).toHaveLength(2);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

function unusedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server: Server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 9));
    });
  });
}
