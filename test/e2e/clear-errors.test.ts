import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cronEnv, runCli, type CliResult } from '../support/cli.js';

// Whatever goes wrong before or around the job, cronmon says it in one `cronmon:` line and
// never prints a stack trace (unless CRONMON_DEBUG asks for one).
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'cronmon-errors-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function expectOneLine(result: CliResult, code: number): string {
  expect(result.code).toBe(code);
  expect(result.stderr).toMatch(/^cronmon: [^\n]*\n$/);
  expect(result.stderr).not.toMatch(/\n\s+at |ERR_[A-Z_]+|TypeError/);
  return result.stderr;
}

describe('errors before the job', () => {
  it('`exec -- ""` is a usage error: the job cannot be run', async () => {
    const result = await runCli(['exec', '--slug', 'empty', '--', ''], { env: cronEnv() });
    expect(expectOneLine(result, 2)).toContain('empty');
  });

  it.each([
    ['a getter that throws', 'export default { get dsn() { throw new Error("no DSN today"); } };', /no DSN today/],
    ['a proxy that throws', 'export default new Proxy({}, { ownKeys() { throw new RangeError("trap"); } });', /trap/],
  ])('a JavaScript config with %s is a config error (exit 2), and the job does not run', async (_, code, reason) => {
    const dir = project({ 'cronmon.config.mjs': code });
    const result = await runCli(['exec', '--slug', 'js-config', '--', 'sh', '-c', 'echo ran'], { env: cronEnv(), cwd: dir });
    expect(expectOneLine(result, 2)).toMatch(reason);
    expect(result.stdout.toString()).toBe('');
  });
});

describe('values from a config file, quoted in an error', () => {
  it('stay on the one line, escaped', async () => {
    const dir = project({
      'cronmon.config.json': JSON.stringify({
        monitors: { 'nightly\u001b]0;owned\u0007\ncronmon: fine': { schedule: '@daily', timezone: 'Mars/Olympus\r\u009b2J' } },
      }),
    });
    const result = await runCli(['upsert', '--dry-run'], { env: cronEnv({ SENTRY_AUTH_TOKEN: 't', SENTRY_ORG: 'o', SENTRY_PROJECT: 'p' }), cwd: dir });
    const line = expectOneLine(result, 2);
    expect(line).toContain('Mars/Olympus\\r\\x9b2J');
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(line).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
  });
});

describe('an error cronmon did not expect', () => {
  // A config file is code and runs inside cronmon: this one breaks JSON.stringify for everything after it.
  const saboteur = 'JSON.stringify = () => { throw new TypeError("kaboom\\u001b]0;owned\\u0007"); }; export default {};';

  it('is one line, with a hint, and the stack only with CRONMON_DEBUG', async () => {
    const dir = project({ 'cronmon.config.mjs': saboteur });
    const args = ['heartbeat', '--slug', 'broken', '--dsn', 'http://abc123@127.0.0.1:1/42'];
    const result = await runCli(args, { env: cronEnv(), cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('cronmon: unexpected error: kaboom\\x1b]0;owned\\x07 (CRONMON_DEBUG=1 shows where)\n');

    const debug = await runCli(args, { env: cronEnv({ CRONMON_DEBUG: '1' }), cwd: dir });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^cronmon: unexpected error: kaboom.*\n.*TypeError.*\n\s+at /);
  });
});
