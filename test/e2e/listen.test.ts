import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { cronEnv, runCli, startCli, type CliRun } from '../support/cli.js';
import { startInTerminal } from '../support/terminal.js';

// `cronmon listen` as a user starts it, with real cronmon runs reporting to it.
let listener: CliRun | undefined;
afterEach(async () => {
  if (listener && listener.child.exitCode === null) {
    listener.child.kill('SIGTERM');
    await listener.result;
  }
  listener = undefined;
});

async function startListener(args: string[] = []) {
  listener = startCli(['listen', '--port', '0', ...args]);
  await listener.waitForStdout('\n');
  return listener;
}

describe('cronmon listen', () => {
  it('prints the DSN, then every check-in and failure event as JSON lines, and stops on SIGINT with 0', async () => {
    const run = await startListener(['--json']);
    const seen = () => run.stdoutSoFar();
    const listening = JSON.parse(seen().split('\n')[0] ?? '') as { type: string; url: string; dsn: string };
    expect(listening).toMatchObject({ type: 'listening', url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });

    const job = await runCli(['exec', '--slug', 'listen-demo', '--schedule', '@daily', '--', 'sh', '-c', 'echo boom; exit 3'], {
      env: cronEnv({ SENTRY_DSN: listening.dsn }),
    });
    expect(job.code).toBe(3);
    expect(job.stderr).toBe('');
    await waitUntil(
      () =>
        seen()
          .split('\n')
          .filter((line) => line.includes('"type":"event"')).length === 1,
    );
    await waitUntil(
      () =>
        seen()
          .split('\n')
          .filter((line) => line.includes('"type":"check_in"')).length === 2,
    );

    run.child.kill('SIGINT');
    const result = await run.result;
    expect(result.code).toBe(0);
    const records = result.stdout
      .toString()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const checkIns = records.filter((record) => record.type === 'check_in');
    expect(checkIns.map((c) => [c.slug, c.environment, c.status])).toEqual([
      ['listen-demo', 'production', 'in_progress'],
      ['listen-demo', 'production', 'error'],
    ]);
    expect(checkIns[0]?.checkInId).toMatch(/^[0-9a-f]{32}$/);
    expect(checkIns[1]?.checkInId).toBe(checkIns[0]?.checkInId);
    expect(checkIns[1]?.duration).toEqual(expect.any(Number));
    expect(records.find((record) => record.type === 'event')).toMatchObject({
      slug: 'listen-demo',
      message: 'listen-demo failed with exit code 3',
      attachments: [{ filename: expect.any(String), size: 5 }],
    });
    expect(records.filter((record) => record.type === 'rejected')).toEqual([]);
  });

  it('prints readable lines, and shows what Sentry would reject', async () => {
    const run = await startListener();
    await run.waitForStdout('SENTRY_DSN=');
    await waitUntil(() => run.stdoutSoFar().split('\n').length > 2);
    const output = () => run.stdoutSoFar();
    const dsn = /SENTRY_DSN=(\S+)/.exec(output())?.[1] ?? '';
    expect(output()).toContain('cronmon listening on http://127.0.0.1:');

    await runCli(['heartbeat', '--slug', 'Readable Job', '--schedule', '*/5 * * * *'], { env: cronEnv({ SENTRY_DSN: dsn }) });
    await waitUntil(() => output().includes('readable-job'));
    expect(output()).toMatch(/check-in {2}readable-job {2}production {2}ok {2}id [0-9a-f]{32} {2}schedule \*\/5 \* \* \* \*/);

    // A check-in Sentry would drop: a bare-string schedule (relay cannot parse it).
    const port = /127\.0\.0\.1:(\d+)/.exec(dsn)?.[1];
    const response = await fetch(`http://127.0.0.1:${port}/api/1/cron/bad/public/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'ok', monitor_config: { schedule: '0 * * * *' } }),
    });
    expect(response.status).toBe(400);
    await waitUntil(() => output().includes('rejected'));
    expect(output()).toMatch(/rejected {2}400 {2}relay: monitor_config\.schedule must be an object/);
  });

  it('exits 2 on a bad port and 1 when the port is taken', async () => {
    const bad = await runCli(['listen', '--port', 'http']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--port must be a number');

    const run = await startListener(['--json']);
    const port = /127\.0\.0\.1:(\d+)/.exec(run.stdoutSoFar())?.[1] ?? '';
    const taken = await runCli(['listen', '--port', port]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toBe(`cronmon: cannot listen on 127.0.0.1:${port}: it is in use (--port 0 picks a free one)\n`);
  });
});

describe('cronmon listen on a terminal', () => {
  // What a terminal shows after one check-in, with these colour settings.
  async function terminalShows(colourEnv: Record<string, string>): Promise<string> {
    const run = startInTerminal(['listen', '--port', '0'], cronEnv({ TERM: 'xterm-256color', ...colourEnv }));
    try {
      await run.waitFor('SENTRY_DSN=');
      await run.waitFor('\n', 10_000);
      const dsn = /SENTRY_DSN=(\S+)/.exec(run.output())?.[1] ?? '';
      const beat = await runCli(['heartbeat', '--slug', 'coloured', '--status', 'error', '--schedule', '@daily'], { env: cronEnv({ SENTRY_DSN: dsn }) });
      expect(beat.code).toBe(0);
      await run.waitFor('coloured');
    } finally {
      expect(await run.stop()).toBe(0);
    }
    return run.output();
  }

  it('colours the status and time, but not with NO_COLOR set, even where FORCE_COLOR asks for it', async () => {
    expect(await terminalShows({})).toContain('\x1b[31merror\x1b[39m');
    expect(await terminalShows({ NO_COLOR: '' })).toContain('\x1b[');
    for (const colourEnv of [{ NO_COLOR: '1' }, { NO_COLOR: '0' }, { NO_COLOR: '1', FORCE_COLOR: '1' }]) {
      const shown = await terminalShows(colourEnv);
      expect(shown, JSON.stringify(colourEnv)).toMatch(/check-in {2}coloured {2}production {2}error/);
      expect(shown, JSON.stringify(colourEnv)).not.toContain('\x1b');
    }
  });
});

describe('cronmon listen under abuse', () => {
  it('refuses an empty --host (it would listen on every interface): usage error, exit 2', async () => {
    for (const host of ['', ' ']) {
      const run = startCli(['listen', '--port', '0', '--host', host]);
      const timer = setTimeout(() => run.child.kill('SIGKILL'), 10_000);
      const result = await run.result.finally(() => clearTimeout(timer));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^cronmon: --host must name an address[^\n]*\n$/);
      expect(result.stdout.toString()).toBe('');
    }
  });

  it("answers a gzip bomb with 413 as soon as it passes relay's 200 MiB, and keeps serving", async () => {
    const run = await startListener(['--json']);
    const base = (JSON.parse(run.stdoutSoFar().split('\n')[0] ?? '') as { url: string }).url;
    const member = gzipSync(Buffer.alloc(1024 * 1024));
    const body = Buffer.concat(Array.from({ length: 1000 }, () => member));
    const response = await fetch(`${base}/api/1/envelope/?sentry_key=public`, { method: 'POST', headers: { 'content-encoding': 'gzip' }, body });
    expect(response.status).toBe(413);
    await waitUntil(() => run.stdoutSoFar().includes('"status":413'));
    expect(run.stdoutSoFar()).toMatch(/"type":"rejected".*"reason":"the request is larger than 209715200 bytes once decompressed"/);
    const beat = await runCli(['heartbeat', '--slug', 'after-bomb'], { env: cronEnv({ SENTRY_DSN: `${base.replace('http://', 'http://public@')}/1` }) });
    expect(beat.code).toBe(0);
  });

  it('cuts off a sender that stops in the middle of its headers (408), within its 10 s', async () => {
    const run = await startListener(['--json']);
    const port = Number(/:(\d+)"/.exec(run.stdoutSoFar())?.[1]);
    const started = performance.now();
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('POST /api/1/envelope/ HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('latin1')));
      socket.on('error', () => {});
      socket.on('close', () => resolve(text));
      setTimeout(() => {
        socket.destroy();
        reject(new Error('still connected after 25 s'));
      }, 25_000);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(performance.now() - started).toBeGreaterThan(9_000);
  });
});

describe('cronmon listen and what senders choose to send', () => {
  const ESC = '\x1b';
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/;
  const EVENT_ID = 'a460c25ff2554577b920fcfacae4e5eb';
  const forgedLine = '\n12:00:00  check-in  forged-job  production  ok  id 00000000000000000000000000000000';

  async function sendHostile(base: string) {
    const envelope = (header: object, items: [object, string][]) =>
      [
        JSON.stringify(header),
        ...items.flatMap(([itemHeader, payload]) => [JSON.stringify({ ...itemHeader, length: Buffer.byteLength(payload) }), payload]),
      ].join('\n') + '\n';
    const post = (path: string, body: string, type = 'application/x-sentry-envelope') =>
      fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
    const event = JSON.stringify({
      event_id: EVENT_ID,
      level: `error${ESC}[0m`,
      environment: `prod${ESC}]0;owned\x07`,
      message: 'boom\u009b2J\u202e',
      contexts: { monitor: { slug: `evil${forgedLine}` } },
    });
    await post(
      '/api/1/envelope/?sentry_key=public',
      envelope({ event_id: EVENT_ID }, [
        [{ type: 'event' }, event],
        [{ type: 'attachment', filename: `tail.log${forgedLine}` }, 'x'],
      ]),
    );
    await post('/api/1/cron/hostile-env/public/?status=ok&environment=' + encodeURIComponent(`prod${ESC}[2J`), '');
    const checkIn = JSON.stringify({
      monitor_slug: 'hostile-keys',
      status: 'ok',
      [`release${ESC}]0;owned\x07`]: 1,
      monitor_config: { schedule: { type: 'crontab', value: `0 3 * * *${ESC}[31m` } },
    });
    await post('/api/1/envelope/?sentry_key=public', envelope({}, [[{ type: 'check_in' }, checkIn]]));
    await post(`/api/1/envelope/?sentry_key=public&sentry_version=${encodeURIComponent(`7${ESC}[31m`)}`, envelope({}, [[{ type: 'check_in' }, checkIn]]));
  }

  it('escapes every value a sender chose, so no line can be forged', async () => {
    const run = await startListener();
    await waitUntil(() => run.stdoutSoFar().includes('SENTRY_DSN='));
    const base = /cronmon listening on (\S+)/.exec(run.stdoutSoFar())?.[1] ?? '';
    await sendHostile(base);
    await waitUntil(() => run.stdoutSoFar().split('\n').length >= 7);
    run.child.kill('SIGTERM');
    const lines = (await run.result).stdout
      .toString()
      .split('\n')
      .filter((line) => line !== '');
    expect(lines).toHaveLength(6);
    expect(lines.join('\n')).not.toMatch(RAW);
    expect(lines.filter((line) => /^\d\d:\d\d:\d\d {2}check-in {2}forged-job/.test(line))).toEqual([]);
    expect(lines.join('\n')).toContain('attachment tail.log\\n12:00:00  check-in  forged-job');
  });

  it('--json lines are the same values, and safe on a terminal', async () => {
    const run = await startListener(['--json']);
    const base = (JSON.parse(run.stdoutSoFar().split('\n')[0] ?? '') as { url: string }).url;
    await sendHostile(base);
    await waitUntil(() => run.stdoutSoFar().split('\n').length >= 6);
    run.child.kill('SIGTERM');
    const output = (await run.result).stdout.toString();
    expect(output).not.toMatch(RAW);
    const event = output
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((record) => record.type === 'event');
    expect(event).toMatchObject({ message: 'boom\u009b2J\u202e', attachments: [{ filename: `tail.log${forgedLine}` }] });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for listen output');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
