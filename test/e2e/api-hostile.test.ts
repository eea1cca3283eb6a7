import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, startCli, type CliResult } from '../support/cli.js';
import type { ApiFault, ApiRequest } from '../support/monitors-api.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// `monitors list` and `upsert` against a REST API that answers nonsense, loops, or sends text
// meant for the terminal, and with settings that are not what they should be: always one
// `cronmon:` line, never a stack trace, never a credential.
let sentry: TestSentry;
beforeAll(async () => {
  sentry = await startSentryServer();
});
afterAll(() => sentry.close());
afterEach(() => sentry.api.setFault(undefined));

const ESC = '\x1b';
const apiEnv = (extra: Record<string, string | undefined> = {}) =>
  cronEnv({ SENTRY_URL: sentry.url, SENTRY_AUTH_TOKEN: sentry.token, SENTRY_ORG: sentry.org, SENTRY_PROJECT: 'backend', ...extra });

// The CLI, killed if it is still running after `limitMs` (a loop must fail the test, not hang it).
async function run(args: string[], env: NodeJS.ProcessEnv, limitMs = 20_000, cwd?: string): Promise<CliResult> {
  const cli = startCli(args, { env, ...(cwd === undefined ? {} : { cwd }) });
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), limitMs);
  try {
    return await cli.result;
  } finally {
    clearTimeout(timer);
  }
}

function expectOneLine(result: CliResult, code: number): string {
  expect(result.signal, 'still running at the time limit').toBeNull();
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(/^cronmon: [^\n]*\n$/);
  expect(result.stderr).not.toMatch(/\bat .*\(.*:\d+:\d+\)|TypeError|RangeError/);
  return result.stderr;
}

const isList = (request: ApiRequest) => request.url.pathname === `/api/0/organizations/${sentry.org}/monitors/`;
const isOrg = (request: ApiRequest) => request.url.pathname === `/api/0/organizations/${sentry.org}/`;
const json = (body: unknown, headers: Record<string, string> = {}): ApiFault => ({
  status: 200,
  body: JSON.stringify(body),
  headers: { 'Content-Type': 'application/json', ...headers },
});
const monitor = (fields: Record<string, unknown> = {}) => ({
  id: '1',
  slug: 'nightly',
  name: 'Nightly',
  status: 'active',
  isMuted: false,
  config: { schedule_type: 'crontab', schedule: '0 3 * * *' },
  environments: [{ name: 'production', status: 'ok', lastCheckIn: null }],
  ...fields,
});

describe('a Sentry URL that is not one', () => {
  it.each([
    ['SENTRY_URL', (url: string) => ({ args: [], env: { SENTRY_URL: url } })],
    ['--url', (url: string) => ({ args: ['--url', url], env: {} })],
  ])('from %s is a usage error: one line, exit 2, no password', async (_, place) => {
    for (const url of ['sentry.example.com', 'ftp://sentry.example.com/', 'user:S3CRET-TOKEN@sentry.example.com', 'https://user:S3CRET-TOKEN@exa mple.com']) {
      const { args, env } = place(url);
      const result = await run(['monitors', 'list', ...args], apiEnv(env));
      const line = expectOneLine(result, 2);
      expect(line).toMatch(/is not an http\(s\) URL/);
      expect(line).not.toContain('S3CRET-TOKEN');
    }
  });

  it('from .sentryclirc is a config error naming the file', async () => {
    const home = mkdtempSync(join(tmpdir(), 'cronmon-rcurl-'));
    try {
      writeFileSync(join(home, '.sentryclirc'), '[defaults]\nurl=sentry.example.com\n');
      const result = await run(['monitors', 'list'], { ...apiEnv({ SENTRY_URL: undefined }), HOME: home }, 20_000, home);
      expect(expectOneLine(result, 2)).toContain(join(home, '.sentryclirc'));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('credentials in the Sentry URL', () => {
  it('are masked in -v lines and in errors', async () => {
    const withPassword = sentry.url.replace('http://', 'http://admin:S3CRET-TOKEN@');
    const verbose = await run(['monitors', 'list', '-v'], apiEnv({ SENTRY_URL: withPassword }));
    expect(verbose.code).toBe(0);
    expect(verbose.stderr).toContain(`GET ${sentry.url.replace('http://', 'http://***@')}/api/0/organizations/acme/ → 200`);
    expect(verbose.stderr).not.toContain('S3CRET-TOKEN');

    const refused = await run(['monitors', 'list'], apiEnv({ SENTRY_URL: 'http://admin:S3CRET-TOKEN@127.0.0.1:1/' }));
    expect(expectOneLine(refused, 1)).toContain('http://***@127.0.0.1:1/api/0/');
    expect(refused.stderr).not.toContain('S3CRET-TOKEN');
  });
});

describe('answers that are not what Sentry sends', () => {
  it.each([
    ['an object instead of a list', json({ detail: 'nope' })],
    ['null entries', json([monitor(), null])],
    ['a monitor without a config', json([monitor({ config: null })])],
    ['a name that is not text', json([monitor({ name: 42 })])],
    ['environments that are not a list', json([monitor({ environments: 'production' })])],
  ])('a monitors page with %s is one line, exit 1', async (_, fault) => {
    sentry.api.setFault((request) => (isList(request) ? fault : undefined));
    expect(expectOneLine(await run(['monitors', 'list'], apiEnv()), 1)).toMatch(/not with a list of monitors/);
  });

  it.each([['not a URL'], [42], ['ftp://region.example.com/'], ['javascript:alert(1)']])('a region URL %j is one line, exit 1', async (regionUrl) => {
    sentry.api.setFault((request) => (isOrg(request) ? json({ slug: sentry.org, links: { regionUrl } }) : undefined));
    for (const args of [
      ['monitors', 'list'],
      ['upsert', '--slug', 'region-check', '--schedule', '@daily'],
    ]) {
      expect(expectOneLine(await run(args, apiEnv()), 1)).toMatch(/region URL/);
    }
  });

  it('an upsert answered with something that is not a monitor fails that monitor in one line', async () => {
    sentry.api.setFault((request) => (request.method === 'GET' && !isOrg(request) ? json([1, 2]) : undefined));
    expect(expectOneLine(await run(['upsert', '--slug', 'not-a-monitor', '--schedule', '@daily'], apiEnv()), 1)).toMatch(/not-a-monitor: .*not with a monitor/);
  });
});

describe('pagination that never ends', () => {
  const nextPage = (cursor: string) => `<${sentry.url}/api/0/organizations/acme/monitors/?cursor=${cursor}>; rel="next"; results="true"; cursor="${cursor}"`;

  it('stops when the server sends the same cursor again', async () => {
    sentry.api.setFault((request) => (isList(request) ? json([monitor()], { Link: nextPage('100:1:0') }) : undefined));
    expect(expectOneLine(await run(['monitors', 'list'], apiEnv()), 1)).toMatch(/same page .* twice/);
  });

  it('stops after 1000 pages of ever new cursors', async () => {
    let pages = 0;
    sentry.api.setFault((request) => (isList(request) ? json([], { Link: nextPage(`100:${++pages}:0`) }) : undefined));
    expect(expectOneLine(await run(['monitors', 'list'], apiEnv(), 25_000), 1)).toMatch(/after 1000 pages/);
    expect(pages).toBe(1000);
  });

  it('asks its own server for the next page, whatever host the Link header names', async () => {
    const elsewhere = `<http://127.0.0.1:1/api/0/organizations/acme/monitors/?cursor=100:1:0>; rel="next"; results="true"; cursor="100:1:0"`;
    sentry.api.setFault((request) =>
      isList(request)
        ? json(
            [monitor({ slug: `page-${request.url.searchParams.get('cursor') ?? 'first'}` })],
            request.url.searchParams.has('cursor') ? {} : { Link: elsewhere },
          )
        : undefined,
    );
    const result = await run(['monitors', 'list', '--json'], apiEnv({ SENTRY_PROJECT: undefined }));
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout.toString()) as { slug: string }[]).map((m) => m.slug)).toEqual(['page-first', 'page-100:1:0']);
  });
});

describe('text from the server meant for the terminal', () => {
  const forged = `bad\ncronmon: all good\r${ESC}]0;owned${ESC}\\${ESC}[2J\u009b31m\u202eevil`;
  // Anything a terminal acts on, except the newline that ends each line.
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  const raw = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/;

  it('an error detail is one escaped line, for monitors list and for upsert', async () => {
    // Past the organization's details: the error comes from the monitor's own request.
    sentry.api.setFault((request) => (isOrg(request) ? undefined : { status: 400, body: JSON.stringify({ detail: forged }) }));
    for (const args of [
      ['monitors', 'list'],
      ['upsert', '--slug', 'forged', '--schedule', '@daily'],
    ]) {
      const line = expectOneLine(await run(args, apiEnv()), 1);
      expect(line).not.toMatch(raw);
      expect(line).toContain('bad\\ncronmon: all good\\r\\x1b]0;owned\\x1b\\\\x1b[2J\\x9b31m\\u202eevil');
    }
  });

  it('monitor names, slugs and environments are escaped in the table and in --json', async () => {
    const hostile = monitor({
      slug: `x${ESC}[31m`,
      name: forged,
      config: { schedule_type: 'crontab', schedule: '0 3 * * *', timezone: `UTC\n` },
      environments: [{ name: `prod\u0085`, status: `ok${ESC}[0m`, lastCheckIn: null }],
    });
    sentry.api.setFault((request) => (isList(request) ? json([hostile, monitor()]) : undefined));
    const table = await run(['monitors', 'list'], apiEnv({ SENTRY_PROJECT: undefined }));
    expect(table.code).toBe(0);
    const rows = table.stdout
      .toString()
      .split('\n')
      .filter((row) => row !== '');
    expect(rows).toHaveLength(3);
    expect(table.stdout.toString()).not.toMatch(raw);
    expect(rows[1]).toContain('bad\\ncronmon: all good');

    const listed = await run(['monitors', 'list', '--json'], apiEnv({ SENTRY_PROJECT: undefined }));
    expect(listed.stdout.toString()).not.toMatch(raw);
    expect((JSON.parse(listed.stdout.toString()) as { name: string }[])[0]?.name).toBe(forged);
  });
});
