import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRON_DEFAULT_PATH, findOnPath } from '../../src/crontab/io.js';
import { systemZone } from '../../src/monitor/cron-zone.js';
import { makeTestCerts, type TestCerts } from '../support/certs.js';
import { cronEnv, runCli, type CliResult } from '../support/cli.js';
import { startForwardProxy, type TestProxy } from '../support/forward-proxy.js';
import { otherUser } from '../support/other-user.js';
import { ORG, startSentryServer, type TestSentry } from '../support/sentry-server.js';

// `cronmon doctor` against the strict test server, run as cron runs commands: each check's line,
// the exit code (1 only when a check failed), --json, and no secret in any output.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());

const env = (extra: Record<string, string | undefined> = {}) => cronEnv({ SENTRY_DSN: sentry.dsn, ...extra });

// The runtime check depends on this machine: whether cron's PATH (/usr/bin:/bin) has a node.
const cronHasNode = findOnPath('node', CRON_DEFAULT_PATH) !== undefined;
const LABELS = ['config file', 'DSN', 'Sentry', 'clock', 'time zone', 'runtime', 'cache dir', 'lock dir', 'auth token'];
const lines = (result: CliResult) => result.stdout.toString().split('\n').filter(Boolean);
const lineOf = (result: CliResult, label: string) => lines(result).find((line) => line.slice(2).startsWith(`${label} `)) ?? '';
const symbolOf = (result: CliResult, label: string) => lineOf(result, label)[0];
const doctor = (args: string[], e: NodeJS.ProcessEnv) => runCli(['doctor', ...args], { env: e });

describe('cronmon doctor', () => {
  it('passes every check against a working Sentry, creating nothing there', async () => {
    const records = sentry.records.length;
    const requests = sentry.requests.length;
    const result = await doctor([], env({ SENTRY_AUTH_TOKEN: sentry.token, SENTRY_ORG: ORG, SENTRY_URL: sentry.url }));
    expect(lines(result).map((line) => line.slice(2, 13).trim())).toEqual(LABELS);
    for (const label of LABELS.filter((name) => name !== 'runtime')) expect(symbolOf(result, label), lineOf(result, label)).toBe('✓');
    expect(symbolOf(result, 'runtime')).toBe(cronHasNode ? '✓' : '✗');
    expect(result.code).toBe(cronHasNode ? 0 : 1);
    expect(result.stderr).toBe('');
    expect(lineOf(result, 'DSN')).toContain(`http://***@127.0.0.1:${sentry.port}/42 from SENTRY_DSN`);
    expect(lineOf(result, 'Sentry')).toMatch(new RegExp(`127\\.0\\.0\\.1:${sentry.port} answered 200 in \\d+ ms$`));
    expect(lineOf(result, 'auth token')).toContain(`reads organization ${ORG}`);
    // One envelope (a client report with nothing in it) and one API call; no check-in, no event.
    const sent = sentry.requests.slice(requests);
    expect(sent.map((request) => `${request.method} ${request.url.pathname}`)).toEqual(['POST /api/42/envelope/', `GET /api/0/organizations/${ORG}/`]);
    expect(sent[0]?.body.toString()).toContain('{"type":"client_report"');
    expect(sentry.records.length).toBe(records);
  });

  it('with -q prints only what is wrong, so that a crontab line mails only then', async () => {
    const result = await doctor(['-q'], env());
    expect(result.stdout.toString()).toBe(cronHasNode ? '' : `${lineOf(await doctor([], env()), 'runtime')}\n`);
  });

  it('fails when Sentry refuses the key, never showing it', async () => {
    const wrongKey = 'f'.repeat(32);
    const result = await doctor([], env({ SENTRY_DSN: `http://${wrongKey}@127.0.0.1:${sentry.port}/42` }));
    expect(result.code).toBe(1);
    expect(lineOf(result, 'Sentry')).toMatch(
      /^✗ Sentry +127\.0\.0\.1:\d+ answered 401 in \d+ ms: the DSN key was refused \(invalid api key\); fix: the key is wrong, revoked or disabled/,
    );
    expect(symbolOf(result, 'DSN')).toBe('✓');
    expect(result.stdout.toString() + result.stderr).not.toContain(wrongKey);
  });

  it('fails when Sentry cannot be reached, and skips the clock', async () => {
    const gone = await startSentryServer();
    await gone.close();
    const result = await doctor([], env({ SENTRY_DSN: gone.dsn }));
    expect(result.code).toBe(1);
    expect(lineOf(result, 'Sentry')).toMatch(/^✗ Sentry +connection refused by 127\.0\.0\.1:\d+; fix: /);
    expect(lineOf(result, 'clock')).toMatch(/^- clock +not compared/);
  });

  it('fails without a DSN, and tries nothing', async () => {
    const requests = sentry.requests.length;
    const result = await doctor([], env({ SENTRY_DSN: undefined }));
    expect(result.code).toBe(1);
    expect(lineOf(result, 'DSN')).toMatch(/^✗ DSN +no DSN found; fix: set SENTRY_DSN in the crontab/);
    expect(symbolOf(result, 'Sentry')).toBe('-');
    expect(sentry.requests.length).toBe(requests);
  });

  it('warns while a rate limit a run stored keeps exec from sending check-ins', async () => {
    const e = env();
    sentry.setFault(() => ({ kind: 'status', status: 429, headers: { 'X-Sentry-Rate-Limits': '600:monitor:project:monitor_rate_limit' } }));
    try {
      await runCli(['exec', '--slug', `doctor-${process.pid}`, '--', 'true'], { env: e });
    } finally {
      sentry.setFault(undefined);
    }
    const result = await doctor([], e);
    expect(lineOf(result, 'Sentry')).toMatch(
      /^! Sentry +127\.0\.0\.1:\d+ answered 200 in \d+ ms, but Sentry asked to wait: exec sends no check-ins for (9m\d+s|10m) more; fix: /,
    );
    expect(result.code).toBe(cronHasNode ? 0 : 1);
  });

  it("warns about a clock far from the server's, without failing", async () => {
    const ahead = await startSentryServer({ dateOffsetMs: 2 * 3_600_000 });
    try {
      const result = await doctor([], env({ SENTRY_DSN: ahead.dsn }));
      expect(lineOf(result, 'clock')).toMatch(/^! clock +about 2h behind Sentry's .*; fix: synchronise the clock/);
      expect(symbolOf(result, 'Sentry')).toBe('✓');
      expect(result.code).toBe(cronHasNode ? 0 : 1);
    } finally {
      await ahead.close();
    }
  });

  it('tells a private cache directory from one others can write', async () => {
    const e = env();
    const cache = e.CRONMON_CACHE_DIR ?? '';
    mkdirSync(cache, { mode: 0o700 });
    chmodSync(cache, 0o700);
    const good = await doctor([], e);
    expect(lineOf(good, 'cache dir')).toBe(`✓ cache dir    ${cache}: yours, private, writable`);
    chmodSync(cache, 0o770);
    const shared = await doctor([], e);
    expect(lineOf(shared, 'cache dir')).toBe(
      `✗ cache dir    ${cache} can be written by others (mode 770): cronmon keeps no state there (rate limits, outages, compiled code); fix: chmod 700 ${cache}`,
    );
    expect(shared.code).toBe(1);
  });

  it("fails on a cache directory of another user's, or one that is a file", async (context) => {
    const e = env();
    const cache = e.CRONMON_CACHE_DIR ?? '';
    writeFileSync(cache, '');
    expect(lineOf(await doctor([], e), 'cache dir')).toMatch(/^✗ cache dir +.* is not a directory; fix: /);
    const nobody = otherUser(context);
    rmSync(cache);
    mkdirSync(cache, { mode: 0o700 });
    chownSync(cache, nobody.uid, nobody.gid);
    const result = await doctor([], e);
    expect(lineOf(result, 'cache dir')).toContain(`belongs to another user (uid ${nobody.uid})`);
    expect(result.code).toBe(1);
  });

  it('fails on a config file exec could not read', async () => {
    const e = env();
    const file = join(e.HOME ?? '', 'broken.json');
    writeFileSync(file, '{"dsn": ');
    const result = await doctor(['--config', file], e);
    expect(lineOf(result, 'config file')).toMatch(/^✗ config file +cannot read config file .*broken\.json: .*exit 2 and the job does not run; fix: /);
    expect(symbolOf(result, 'Sentry')).toBe('✓');
    expect(result.code).toBe(1);
  });

  it('fails on a token Sentry refuses', async () => {
    const result = await doctor([], env({ SENTRY_AUTH_TOKEN: 'sntrys_not-the-right-one', SENTRY_ORG: ORG, SENTRY_URL: sentry.url }));
    expect(lineOf(result, 'auth token')).toMatch(/^✗ auth token +127\.0\.0\.1:\d+ refused the token from SENTRY_AUTH_TOKEN \(401: Invalid token\); fix: /);
    expect(result.code).toBe(1);
  });

  it('warns when this shell sets a time zone cron does not have', async () => {
    const zone = systemZone()?.zone === 'Pacific/Chatham' ? 'Asia/Tokyo' : 'Pacific/Chatham';
    const result = await doctor([], env({ TZ: zone }));
    expect(lineOf(result, 'time zone')).toMatch(systemZone() ? new RegExp(`^! time zone +${zone} \\(TZ\\) here, but cron evaluates schedules in `) : /^✓/);
  });

  it('prints the checks as JSON with --json', async () => {
    const result = await doctor(['--json'], env({ SENTRY_DSN: undefined }));
    const report = JSON.parse(result.stdout.toString()) as { ok: boolean; checks: Record<string, unknown>[] };
    expect(report.ok).toBe(false);
    expect(report.checks.map((item) => item.name)).toEqual(['config', 'dsn', 'sentry', 'clock', 'timezone', 'runtime', 'cache-dir', 'lock-dir', 'auth-token']);
    for (const item of report.checks) expect(Object.keys(item)).toEqual(['name', 'ok', 'level', 'detail', 'fix']);
    expect(report.checks[1]).toEqual({ name: 'dsn', ok: false, level: 'fail', detail: 'no DSN found', fix: expect.stringContaining('SENTRY_DSN') });
    expect(result.code).toBe(1);
  });

  it('exits 2 on a usage error', async () => {
    expect((await doctor(['--no-such-flag'], env())).code).toBe(2);
    const badUrl = await doctor(['--url', 'sentry.example.com', '--auth-token', 'sntrys_x', '--org', ORG], env());
    expect(badUrl).toMatchObject({ code: 2, stderr: expect.stringMatching(/^cronmon: --url: "sentry.example.com" is not an http\(s\) URL/) });
    expect(badUrl.stdout.toString()).toBe('');
  });
});

describe('cronmon doctor behind an authenticating proxy, over TLS', () => {
  const PASSWORD = 'hunter2-proxy-password';
  const HEADER_VALUE = 'header-value-never-printed';
  let certs: TestCerts;
  let tls: TestSentry;
  let proxy: TestProxy;
  beforeAll(async () => {
    certs = makeTestCerts();
    tls = await startSentryServer({ tls: certs.server });
    proxy = await startForwardProxy({ user: 'cron', password: PASSWORD });
  });
  afterAll(async () => {
    await Promise.all([tls.close(), proxy.close()]);
    certs.cleanup();
  });

  it('reaches Sentry and the API through the proxy, and no secret shows, not even with -v', async () => {
    const e = env({
      SENTRY_DSN: `https://${tls.key}@sentry.test:${tls.port}/42`,
      HTTPS_PROXY: proxy.urlWithCredentials,
      SSL_CERT_FILE: certs.caFile,
      SENTRY_AUTH_TOKEN: tls.token,
      SENTRY_ORG: ORG,
      SENTRY_URL: `https://sentry.test:${tls.port}/`,
    });
    const shownProxy = `proxy http://***@127.0.0.1:${new URL(proxy.url).port} (HTTPS_PROXY)`;
    for (const args of [['-v'], ['--json', '-v']]) {
      const result = await doctor([...args, '--header', `X-Doctor: ${HEADER_VALUE}`], e);
      const output = result.stdout.toString() + result.stderr;
      expect(output).toContain(`sentry.test:${tls.port} answered 200 in`);
      expect(output).toContain(`through ${shownProxy}`);
      expect(output).toContain(`reads organization ${ORG}`);
      expect(result.stderr).toMatch(/^cronmon: POST https:\/\/sentry\.test:\d+\/api\/42\/envelope\/\?sentry_version=7&sentry_key=\*\*\*/m);
      expect(result.stderr).toMatch(/^cronmon: GET https:\/\/sentry\.test:\d+\/api\/0\/organizations\/acme\/ via proxy/m);
      for (const secret of [PASSWORD, tls.key, tls.token, HEADER_VALUE, Buffer.from(`cron:${PASSWORD}`).toString('base64')])
        expect(output).not.toContain(secret);
    }
    expect(proxy.requests.map((request) => request.method)).toEqual(['CONNECT', 'CONNECT', 'CONNECT', 'CONNECT']);
  });
});
