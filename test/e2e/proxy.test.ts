import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli, type CliResult } from '../support/cli.js';
import { makeTestCerts, type TestCerts } from '../support/certs.js';
import { startForwardProxy, type TestProxy } from '../support/forward-proxy.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// Every command through a real forward proxy on 127.0.0.1, to the strict test server over TLS
// (a certificate made for this run) or plain HTTP. The DSNs name sentry.test, which only the
// proxy can reach (it connects to 127.0.0.1): a request that skipped the proxy would fail.
const PASSWORD = 'hunter2-proxy-password';
let certs: TestCerts;
let tls: TestSentry;
let plain: TestSentry;
let proxy: TestProxy;
const dirs: string[] = [];

beforeAll(async () => {
  certs = makeTestCerts();
  tls = await startSentryServer({ tls: certs.server });
  plain = await startSentryServer({ token: tls.token });
  proxy = await startForwardProxy({ user: 'cron', password: PASSWORD });
});
afterAll(async () => {
  await Promise.all([tls.close(), plain.close(), proxy.close()]);
  certs.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => proxy.setMode('forward'));

const proxyPort = () => new URL(proxy.url).port;
const shownProxy = (source = 'HTTPS_PROXY') => `proxy http://***@127.0.0.1:${proxyPort()} (${source})`;
const httpsDsn = () => `https://${tls.key}@sentry.test:${tls.port}/42`;
const env = (extra: Record<string, string | undefined> = {}) =>
  cronEnv({ SENTRY_DSN: httpsDsn(), HTTPS_PROXY: proxy.urlWithCredentials, SSL_CERT_FILE: certs.caFile, ...extra });
let counter = 0;
const uniqueSlug = () => `proxy-${process.pid}-${++counter}`;

// No secret in anything cronmon printed.
function expectNoSecrets(result: CliResult) {
  const output = result.stderr + result.stdout.toString();
  for (const secret of [PASSWORD, tls.key, tls.token, Buffer.from(`cron:${PASSWORD}`).toString('base64')]) expect(output).not.toContain(secret);
}

describe('behind an authenticating proxy', () => {
  it('exec delivers both check-ins of an https DSN through CONNECT, printing nothing', async () => {
    const slug = uniqueSlug();
    const before = proxy.requests.length;
    const result = await runCli(['exec', '--slug', slug, '--', 'true'], { env: env() });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(tls.statusesOf(slug)).toEqual(['in_progress', 'ok']);
    expect(proxy.requests.slice(before).map((r) => [r.method, r.target])).toEqual([
      ['CONNECT', `sentry.test:${tls.port}`],
      ['CONNECT', `sentry.test:${tls.port}`],
    ]);
    expect(tls.serverNames.at(-1)).toBe('sentry.test');
  });

  it('exec sends an http DSN to the proxy in absolute form (HTTP_PROXY)', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', 'true'], {
      env: env({ SENTRY_DSN: `http://${plain.key}@sentry.test:${plain.port}/42`, HTTP_PROXY: proxy.urlWithCredentials }),
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(plain.statusesOf(slug)).toEqual(['in_progress', 'ok']);
    expect(proxy.requests.at(-1)?.target).toMatch(new RegExp(`^http://sentry\\.test:${plain.port}/api/42/envelope/\\?`));
  });

  it('shows the proxy, masked, with -v and --dry-run', async () => {
    const verbose = await runCli(['exec', '-v', '--slug', uniqueSlug(), '--', 'true'], { env: env() });
    expect(verbose.stderr).toContain(`via ${shownProxy()} → 200`);
    expectNoSecrets(verbose);
    const dryRun = await runCli(['exec', '--dry-run', '--slug', uniqueSlug(), '--', 'true'], { env: env() });
    expect(dryRun.stderr).toContain(
      `would be sent to POST https://sentry.test:${tls.port}/api/42/envelope/?sentry_version=7&sentry_key=***&sentry_client=cronmon%2F0.1.0 through ${shownProxy()}`,
    );
    expectNoSecrets(dryRun);
  });

  it('heartbeat goes through the proxy of .sentryclirc ([http] proxy_url)', async () => {
    const slug = uniqueSlug();
    const home = mkdtempSync(join(tmpdir(), 'cronmon-rc-'));
    dirs.push(home);
    writeFileSync(join(home, '.sentryclirc'), `[http]\nproxy_url = ${proxy.urlWithCredentials}\n`);
    const result = await runCli(['heartbeat', '--slug', slug], { env: env({ HTTPS_PROXY: undefined, HOME: home }), cwd: home });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(tls.statusesOf(slug)).toEqual(['ok']);
  });

  it('exec takes the proxy of the config file, and --proxy over the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cronmon-proxy-config-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'cronmon.config.json'), JSON.stringify({ proxy: proxy.urlWithCredentials }));
    const fromFile = uniqueSlug();
    expect(await runCli(['exec', '--slug', fromFile, '--', 'true'], { env: env({ HTTPS_PROXY: undefined }), cwd: dir })).toMatchObject({ code: 0, stderr: '' });
    expect(tls.statusesOf(fromFile)).toEqual(['in_progress', 'ok']);
    const fromFlag = uniqueSlug();
    const result = await runCli(['heartbeat', '--slug', fromFlag, '--proxy', proxy.urlWithCredentials], { env: env({ HTTPS_PROXY: 'http://127.0.0.1:9' }) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it('upsert and monitors list use it too, monitors list over one connection for all pages', async () => {
    const apiEnv = env({ SENTRY_URL: `https://sentry.test:${tls.port}/`, SENTRY_AUTH_TOKEN: tls.token, SENTRY_ORG: tls.org, SENTRY_PROJECT: 'backend' });
    const slug = uniqueSlug();
    const upsert = await runCli(['upsert', '--slug', slug, '--schedule', '@daily'], { env: apiEnv });
    expect(upsert.code).toBe(0);
    expect(tls.api.monitors().map((m) => m.slug)).toContain(slug);
    tls.api.seed(250);
    const [connections, tunnels] = [proxy.connections(), proxy.requests.length];
    const list = await runCli(['monitors', 'list', '--json'], { env: apiEnv });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout.toString()) as unknown[]).length).toBe(tls.api.monitors().length);
    // The organization, then three pages: one connection, one tunnel.
    expect([proxy.connections() - connections, proxy.requests.length - tunnels]).toEqual([1, 1]);
    expectNoSecrets(list);
  });

  it('with NO_PROXY covering the host, a black-holed proxy adds nothing', async () => {
    proxy.setMode('blackhole');
    const slug = uniqueSlug();
    const connections = proxy.connections();
    const result = await runCli(['exec', '--send-timeout', '20s', '--slug', slug, '--', 'true'], {
      env: env({ SENTRY_DSN: tls.dsn, NO_PROXY: 'example.com, 127.0.0.1' }),
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(tls.statusesOf(slug)).toEqual(['in_progress', 'ok']);
    expect(proxy.connections()).toBe(connections);
    // Far below the 20 s the black hole would have cost.
    expect(result.ms).toBeLessThan(10_000);
  });
});

describe('a proxy that fails', () => {
  const failingRun = async (extra: Record<string, string | undefined>, args: string[] = []) => {
    const result = await runCli(['exec', ...args, '--slug', uniqueSlug(), '--', 'sh', '-c', 'echo job ran; exit 3'], { env: env(extra) });
    expect(result.code).toBe(3);
    expect(result.stdout.toString()).toBe('job ran\n');
    const lines = result.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expectNoSecrets(result);
    return { line: lines[0] ?? '', ms: result.ms };
  };

  it('refusing (403): one line naming the proxy, the job untouched', async () => {
    proxy.setMode('refuse');
    const { line } = await failingRun({});
    expect(line).toBe(
      `cronmon: Sentry did not get this run's report (the job itself was not affected): open check-in, close check-in and output log: ${shownProxy()} refused the connection to sentry.test:${tls.port} (403)`,
    );
  });

  it('refusing the credentials (407)', async () => {
    const { line } = await failingRun({ HTTPS_PROXY: proxy.urlWithCredentials.replace(PASSWORD, 'wrong-password') });
    expect(line).toContain(`${shownProxy()} refused its credentials (407)`);
    expect(line).not.toContain('wrong-password');
  });

  it('resetting every connection, within the deadline', async () => {
    proxy.setMode('reset');
    const { line, ms } = await failingRun({}, ['--send-timeout', '1s']);
    expect(line).toContain(`connection reset by ${shownProxy()}`);
    expect(ms).toBeLessThan(2800);
  });

  it('never answering: bounded by --send-timeout', async () => {
    proxy.setMode('blackhole');
    const { line, ms } = await failingRun({}, ['--send-timeout', '1s']);
    expect(line).toContain(`no answer from ${shownProxy()} within 1s`);
    expect(ms).toBeLessThan(2800);
  });

  it('a proxy setting cronmon cannot use: the job still runs', async () => {
    const { line } = await failingRun({ HTTPS_PROXY: 'socks5://cron:hunter2-proxy-password@127.0.0.1:1080' });
    expect(line).toContain('the proxy socks5://***@127.0.0.1:1080 from HTTPS_PROXY is a socks5 proxy');
  });

  it('a bad --proxy is a usage error before the job runs (exit 2)', async () => {
    const result = await runCli(['exec', '--proxy', 'ftp://cron:hunter2-proxy-password@proxy', '--slug', 'x', '--', 'sh', '-c', 'echo ran'], { env: env() });
    expect(result.code).toBe(2);
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr).toBe('cronmon: the proxy ftp://***@proxy from --proxy is a ftp proxy; cronmon talks to http:// and https:// proxies\n');
  });
});
