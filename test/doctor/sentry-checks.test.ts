import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apiCheck, clockCheck, dsnCheck, sentryCheck, SLOW_MS } from '../../src/doctor/sentry-checks.js';
import { parseDsn } from '../../src/sentry/dsn.js';
import { ProxyFailure } from '../../src/sentry/network.js';
import type { Probe } from '../../src/sentry/probe.js';
import { DeliveryTimeout, type HttpResponse } from '../../src/sentry/transport.js';

const KEY = '0123456789abcdef0123456789abcdef';
const setting = (raw: string, source = 'SENTRY_DSN') => ({ raw, source, parsed: parseDsn(raw) });

describe('dsnCheck', () => {
  it('fails without a DSN, naming where one can be set', () => {
    expect(dsnCheck(undefined)).toEqual({ name: 'dsn', level: 'fail', detail: 'no DSN found', fix: expect.stringContaining('SENTRY_DSN in the crontab') });
  });

  it('fails on an invalid DSN, showing it masked with the reason', () => {
    const result = dsnCheck(setting(`https://${KEY}@sentry.example.com/abc`, '--dsn'));
    expect(result.level).toBe('fail');
    expect(result.detail).toBe('https://***@sentry.example.com/abc from --dsn is not a valid DSN: the project id (last path segment) must be a number');
    expect(result.fix).toContain('Client Keys');
  });

  it('passes a valid one, masked, with where it came from', () => {
    expect(dsnCheck(setting(`https://${KEY}@o1.ingest.sentry.io/42`, '--dsn'))).toEqual({
      name: 'dsn',
      level: 'ok',
      detail: 'https://***@o1.ingest.sentry.io/42 from --dsn',
    });
  });

  it('reminds that cron does not see a variable of this shell', () => {
    expect(dsnCheck(setting(`https://${KEY}@o1.ingest.sentry.io/42`)).detail).toContain('cron jobs see it only when the crontab sets it');
  });
});

const answer = (status: number, extra: Partial<HttpResponse> = {}): HttpResponse => ({ status, headers: {}, body: '', ...extra });
const reached = (response: HttpResponse, ms = 12): Probe => ({ host: 'o1.ingest.sentry.io', outcome: { ok: true, value: response }, ms, midpointMs: 0 });
const broken = (error: unknown): Probe => ({ host: 'o1.ingest.sentry.io', outcome: { ok: false, error }, ms: 3, midpointMs: 0 });

describe('sentryCheck', () => {
  it('is skipped without a valid DSN', () => {
    expect(sentryCheck(undefined).level).toBe('skip');
  });

  it('passes a 200, with the time and the proxy it came through', () => {
    expect(sentryCheck(reached(answer(200, { via: 'proxy http://***@10.0.0.1:3128 (HTTPS_PROXY)' }), 12.4))).toEqual({
      name: 'sentry',
      level: 'ok',
      detail: 'o1.ingest.sentry.io answered 200 in 12 ms through proxy http://***@10.0.0.1:3128 (HTTPS_PROXY)',
    });
  });

  it('warns when the answer took longer than exec waits by default', () => {
    const result = sentryCheck(reached(answer(200), SLOW_MS + 1));
    expect(result.level).toBe('warn');
    expect(result.fix).toContain('--send-timeout');
  });

  it('warns when exec holds check-ins back because Sentry asked it to wait', () => {
    expect(sentryCheck(reached(answer(200)), 90)).toMatchObject({
      level: 'warn',
      detail: 'o1.ingest.sentry.io answered 200 in 12 ms, but Sentry asked to wait: exec sends no check-ins for 1m30s more',
    });
  });

  it.each([401, 403])("fails when the key is refused (%i), with Sentry's reason", (status) => {
    const result = sentryCheck(reached(answer(status, { body: '{"detail":"event submission rejected with_reason: ProjectId"}' })));
    expect(result.level).toBe('fail');
    expect(result.detail).toBe(`o1.ingest.sentry.io answered ${status} in 12 ms: the DSN key was refused (event submission rejected with_reason: ProjectId)`);
    expect(result.fix).toContain('copy the DSN');
  });

  it('warns on a rate limit, fails on a missing endpoint and on server errors', () => {
    expect(sentryCheck(reached(answer(429))).level).toBe('warn');
    expect(sentryCheck(reached(answer(404)))).toMatchObject({ level: 'fail', fix: expect.stringContaining("DSN's host and path") });
    expect(sentryCheck(reached(answer(503)))).toMatchObject({ level: 'fail', fix: expect.stringContaining('try again later') });
    expect(sentryCheck(reached(answer(400, { body: '{"detail":"invalid envelope"}' })))).toMatchObject({
      level: 'fail',
      detail: expect.stringContaining('(invalid envelope)'),
    });
  });

  it('fails when there is no answer, with a fix for the kind of failure', () => {
    const fixOf = (error: unknown) => sentryCheck(broken(error)).fix;
    expect(sentryCheck(broken(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })))).toMatchObject({
      level: 'fail',
      detail: 'connection refused by o1.ingest.sentry.io',
    });
    expect(fixOf(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toContain('DNS');
    expect(fixOf(new DeliveryTimeout(10_000))).toContain('firewall');
    expect(fixOf(new ProxyFailure('the proxy refused (403)'))).toContain('HTTPS_PROXY');
    expect(fixOf(Object.assign(new Error('x'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }))).toContain('SSL_CERT_FILE');
  });
});

describe('clockCheck', () => {
  const at = Date.parse('2026-03-01T12:00:00.000Z');
  const dated = (date: string | undefined): Probe => ({ ...reached(answer(200, { headers: date === undefined ? {} : { date } })), midpointMs: at });

  it('is skipped when Sentry was not reached or sent no Date', () => {
    expect(clockCheck(undefined).level).toBe('skip');
    expect(clockCheck(broken(new Error('x'))).level).toBe('skip');
    expect(clockCheck(dated(undefined)).level).toBe('skip');
    expect(clockCheck(dated('not a date')).level).toBe('skip');
  });

  it('passes within a minute', () => {
    expect(clockCheck(dated('Sun, 01 Mar 2026 12:00:00 GMT'))).toEqual({
      name: 'clock',
      level: 'ok',
      detail: "within 1s of Sentry's (the Date of its answer)",
    });
    expect(clockCheck(dated('Sun, 01 Mar 2026 11:59:20 GMT')).detail).toContain('within 40s');
    expect(clockCheck(dated('Sun, 01 Mar 2026 12:00:59 GMT')).detail).toContain('within 60s');
  });

  it('warns beyond a minute, saying which way', () => {
    const behind = clockCheck(dated('Sun, 01 Mar 2026 14:00:00 GMT'));
    expect(behind).toMatchObject({ level: 'warn', detail: expect.stringMatching(/^about 2h behind Sentry's/), fix: expect.stringContaining('timedatectl') });
    expect(clockCheck(dated('Sun, 01 Mar 2026 11:55:00 GMT')).detail).toMatch(/^about 5m ahead of Sentry's/);
    expect(clockCheck(dated('Sun, 01 Mar 2026 12:01:00 GMT')).detail).toMatch(/^about 1m behind/);
  });

  it('warns exactly when the clocks differ by more than a minute (the Date header has whole seconds)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -7200, max: 7200 }), (seconds) => {
        const result = clockCheck(dated(new Date(at + seconds * 1000).toUTCString()));
        // The server's time was within the second its Date names: half a second later on average.
        expect(result.level).toBe(Math.abs(seconds * 1000 + 500) > 60_000 ? 'warn' : 'ok');
        if (result.level === 'warn') expect(result.detail).toContain(seconds > 0 ? 'behind' : 'ahead of');
      }),
    );
  });
});

describe('apiCheck', () => {
  const token = { value: 'sntrys_secret', source: 'SENTRY_AUTH_TOKEN' };
  const org = { value: 'acme', source: 'SENTRY_ORG' };
  const url = 'https://user:hunter2@sentry.example.com/';

  it('is skipped without a token, and warns with a token but no organization', () => {
    expect(apiCheck({ url }).level).toBe('skip');
    expect(apiCheck({ url, token })).toMatchObject({ level: 'warn', fix: expect.stringContaining('SENTRY_ORG') });
  });

  it('passes when the organization answers', () => {
    expect(apiCheck({ url, token, org, answer: { status: 200, body: '{}', ms: 41.2 } })).toEqual({
      name: 'auth-token',
      level: 'ok',
      detail: 'the token from SENTRY_AUTH_TOKEN reads organization acme at sentry.example.com (41 ms)',
    });
  });

  it('fails on a refused token, a missing scope, an unknown organization and other answers', () => {
    const result = (status: number, body = '') => apiCheck({ url, token, org, answer: { status, body, ms: 5 } });
    expect(result(401, '{"detail":"Invalid token"}')).toMatchObject({
      level: 'fail',
      detail: 'sentry.example.com refused the token from SENTRY_AUTH_TOKEN (401: Invalid token)',
      fix: expect.stringContaining('Auth Tokens'),
    });
    expect(result(403)).toMatchObject({ level: 'fail', fix: expect.stringContaining('org:read') });
    expect(result(404)).toMatchObject({ level: 'fail', detail: 'organization acme (from SENTRY_ORG) was not found at sentry.example.com (404)' });
    expect(result(502).level).toBe('fail');
  });

  it('fails when the API cannot be reached, never showing the password of --url', () => {
    const result = apiCheck({
      url,
      token,
      org,
      answer: { error: 'GET https://***@sentry.example.com/api/0/organizations/acme/: connection refused by sentry.example.com' },
    });
    expect(result.level).toBe('fail');
    expect(`${result.detail} ${result.fix}`).not.toContain('hunter2');
    expect(result.fix).toContain('https://***@sentry.example.com/');
  });
});
