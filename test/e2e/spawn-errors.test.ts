import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';
import { startSentryServer, type TestSentry } from '../support/sentry-server.js';

// Whatever keeps the job from starting: the shell's exit code (127 no such command, 126 cannot
// run it), one line naming the command and the reason, and the run closed as error.
let sentry: TestSentry;
let dir = '';
beforeAll(async () => {
  sentry = await startSentryServer();
  dir = mkdtempSync(join(tmpdir(), 'cronmon-spawn-'));
  symlinkSync(join(dir, 'loop-b'), join(dir, 'loop-a'));
  symlinkSync(join(dir, 'loop-a'), join(dir, 'loop-b'));
});
afterAll(async () => {
  await sentry.close();
  rmSync(dir, { recursive: true, force: true });
});

let counter = 0;
const cases: [string, () => string, number, RegExp][] = [
  ['a symlink loop (ELOOP)', () => join(dir, 'loop-a'), 126, /cannot execute .*loop-a: too many levels of symbolic links/],
  ['a path through a file (ENOTDIR)', () => '/etc/passwd/x', 126, /cannot execute \/etc\/passwd\/x: a part of the path is not a directory/],
  ['a name too long (ENAMETOOLONG)', () => join(dir, 'n'.repeat(300)), 126, /cannot execute .*: file name too long/],
  ['a directory (EACCES)', () => dir, 126, /cannot execute .*: permission denied/],
  ['a missing file (ENOENT)', () => join(dir, 'missing'), 127, /no such file: .*missing/],
];

describe('a job that cannot start', () => {
  for (const [name, command, code, message] of cases) {
    it(`${name}: exit ${code}, one line, the run closed as error`, async () => {
      const slug = `spawn-${process.pid}-${++counter}`;
      const result = await runCli(['exec', '--slug', slug, '--', command(), 'arg'], { env: cronEnv({ SENTRY_DSN: sentry.dsn }) });
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(new RegExp(`^cronmon: ${message.source}\\n$`));
      expect(sentry.statusesOf(slug)).toEqual(['in_progress', 'error']);
    });
  }
});
