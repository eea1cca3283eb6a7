import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { makeTestCerts, type TestCerts } from '../support/certs.js';
import { faultsInTurn, startSentryServer, type TestSentry } from '../support/sentry-server.js';

// How exec delivers on a bad network: retries, one deadline after the job, compression of the
// output log, extra headers, and certificates of private CAs.
let sentry: TestSentry;
let certs: TestCerts;
let tls: TestSentry;
const dirs: string[] = [];
beforeAll(async () => {
  certs = makeTestCerts();
  [sentry, tls] = await Promise.all([startSentryServer(), startSentryServer({ tls: certs.server })]);
});
afterAll(async () => {
  await Promise.all([sentry.close(), tls.close()]);
  certs.cleanup();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => sentry.setFault(undefined));

let counter = 0;
const uniqueSlug = () => `delivery-${process.pid}-${++counter}`;
const requestsOf = (slug: string) => sentry.requests.filter((r) => r.body.toString().includes(slug));

describe('retries', () => {
  it('one reset and two 503s in a row: both check-ins delivered, nothing printed', async () => {
    sentry.setFault(faultsInTurn({ kind: 'reset' }, { kind: 'status', status: 503 }, { kind: 'status', status: 503 }));
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'ok']);
  });

  it('-v shows each attempt', async () => {
    sentry.setFault(faultsInTurn({ kind: 'status', status: 503 }));
    const result = await runCli(['exec', '-v', '--slug', uniqueSlug(), '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.stderr).toMatch(/\(open check-in\) → 503 in \d+ ms; retrying in \d+ ms\n.*\(open check-in\) \[attempt 2\] → 200 in \d+ ms\n/);
  });

  it('never a 429: one request, one line', async () => {
    sentry.setFault(() => ({ kind: 'status', status: 429, headers: { 'Retry-After': '60' } }));
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', 'true'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.stderr).toMatch(/^cronmon: .*open check-in: rate limited by Sentry \(429\)/);
    // The open got the 429; the close was then skipped under the limit it set.
    expect(requestsOf(slug)).toHaveLength(1);
  });
});

describe('one deadline after the job', () => {
  it('black-holed server, --send-timeout 2s, a job that fails at once: the whole run under 2.8 s', async () => {
    sentry.setFault(() => ({ kind: 'blackhole' }));
    const result = await runCli(['exec', '--send-timeout', '2s', '--slug', uniqueSlug(), '--', 'sh', '-c', 'exit 1'], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `cronmon: Sentry did not get this run's report (the job itself was not affected): open check-in, close check-in and output log: no answer from 127.0.0.1:${sentry.port} within 2s\n`,
    );
    expect(result.ms).toBeLessThan(2800);
  });

  it('a job longer than --send-timeout: the open gave up while it ran, the close still gets its own time', async () => {
    const slug = uniqueSlug();
    // The open check-in is black-holed, everything after it answered.
    sentry.setFault((request) =>
      request.body.toString().includes('in_progress') && request.body.toString().includes(slug) ? { kind: 'blackhole' } : undefined,
    );
    const result = await runCli(['exec', '--send-timeout', '300ms', '--slug', slug, '--', 'sh', '-c', 'sleep 1'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('open check-in: no answer');
    expect(sentry.statusesOf(slug)).toEqual(['ok']);
  });
});

describe('compression', () => {
  it('sends the output log gzip-compressed, and the check-ins plain', async () => {
    const slug = uniqueSlug();
    const result = await runCli(['exec', '--slug', slug, '--', 'sh', '-c', 'head -c 60000 /dev/zero | tr "\\0" x; exit 4'], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    expect(result).toMatchObject({ code: 4, stderr: '' });
    const encodings = requestsOf(slug).map((r) => [
      r.body.toString().includes('"type":"event"') ? 'event' : 'check-in',
      r.headers['content-encoding'] ?? 'plain',
    ]);
    expect(encodings.sort()).toEqual([
      ['check-in', 'plain'],
      ['check-in', 'plain'],
      ['event', 'gzip'],
    ]);
    const event = sentry.events().find((e) => (e.event.contexts as { monitor: { slug: string } }).monitor.slug === slug);
    expect(event?.attachments[0]?.size).toBe(60_000);
  });
});

describe('extra headers', () => {
  const SECRET = 'header-secret-value-42';
  it('go with ingest and API requests, from --header and the config file, and are never printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cronmon-headers-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'cronmon.config.json'), JSON.stringify({ headers: { 'CF-Access-Client-Secret': SECRET } }));
    const slug = uniqueSlug();
    const exec = await runCli(['exec', '-v', '--header', `X-Access-Token: ${SECRET}`, '--slug', slug, '--', 'true'], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
      cwd: dir,
    });
    expect(exec.code).toBe(0);
    for (const request of requestsOf(slug)) expect(request.headers).toMatchObject({ 'x-access-token': SECRET, 'cf-access-client-secret': SECRET });
    const before = sentry.requests.length;
    const list = await runCli(['monitors', 'list', '-v', '--header', `X-Access-Token: ${SECRET}`], {
      env: cronEnv({ SENTRY_URL: sentry.url, SENTRY_AUTH_TOKEN: sentry.token, SENTRY_ORG: sentry.org }),
      cwd: dir,
    });
    expect(list.code).toBe(0);
    const api = sentry.requests.slice(before);
    expect(api.length).toBeGreaterThan(1);
    for (const request of api) expect(request.headers).toMatchObject({ 'x-access-token': SECRET, 'cf-access-client-secret': SECRET });
    for (const output of [exec.stderr, list.stderr, list.stdout.toString()]) expect(output).not.toContain(SECRET);
  });

  it('a malformed one is a usage error before the job runs, without its value', async () => {
    const result = await runCli(['exec', '--header', `X-Token ${SECRET}`, '--slug', 'x', '--', 'sh', '-c', 'echo ran'], {
      env: cronEnv({ SENTRY_DSN: sentry.dsn }),
    });
    expect(result).toMatchObject({ code: 2, stderr: "cronmon: --header must be 'Name: value' (there is no colon)\n" });
    expect(result.stdout.toString()).toBe('');
  });
});

describe('certificates', () => {
  it('an unknown CA: one line saying so and how to trust it; SSL_CERT_FILE, SSL_CERT_DIR or NODE_EXTRA_CA_CERTS fix it', async () => {
    const slug = uniqueSlug();
    const untrusted = await runCli(['exec', '--slug', slug, '--', 'true'], { env: cronEnv({ SENTRY_DSN: tls.dsn }) });
    expect(untrusted.code).toBe(0);
    expect(untrusted.stderr).toBe(
      `cronmon: Sentry did not get this run's report (the job itself was not affected): open check-in and close check-in: the certificate of 127.0.0.1:${tls.port} is signed by an unknown CA; trust its CA with SSL_CERT_FILE=/path/ca.pem or NODE_EXTRA_CA_CERTS=/path/ca.pem\n`,
    );
    for (const trust of [{ SSL_CERT_FILE: certs.caFile }, { SSL_CERT_DIR: certs.dir }, { NODE_EXTRA_CA_CERTS: certs.caFile }]) {
      const trusted = uniqueSlug();
      expect(await runCli(['exec', '--slug', trusted, '--', 'true'], { env: cronEnv({ SENTRY_DSN: tls.dsn, ...trust }) })).toMatchObject({
        code: 0,
        stderr: '',
      });
      expect(tls.statusesOf(trusted)).toEqual(['in_progress', 'ok']);
    }
  });

  it('heartbeat says what is wrong with the certificate (exit 1)', async () => {
    const expired = await startSentryServer({ tls: certs.expired });
    try {
      const result = await runCli(['heartbeat', '--slug', uniqueSlug()], { env: cronEnv({ SENTRY_DSN: expired.dsn, SSL_CERT_FILE: certs.caFile }) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`the certificate of 127.0.0.1:${expired.port} has expired`);
    } finally {
      await expired.close();
    }
  });
});
