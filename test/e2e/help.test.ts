import { describe, expect, it } from 'vitest';
import { cronEnv, runCli } from '../support/cli.js';

describe('help', () => {
  it.each([[['help']], [['--help']], [['help', 'exec']], [['exec', '--help']], [['help', 'monitors']], [['monitors', 'help', 'list']]])(
    'cronmon %j prints the help on stdout and exits 0',
    async (args) => {
      const result = await runCli(args, { env: cronEnv() });
      expect(result.stderr).toBe('');
      expect(result.stdout.toString()).toMatch(/^Usage: cronmon /);
      expect(result.code).toBe(0);
    },
  );

  it.each([[['help', 'nosuch']], [[]]])('cronmon %j is a usage error: the help goes to stderr, and it exits 2', async (args) => {
    const result = await runCli(args, { env: cronEnv() });
    expect(result.stdout.toString()).toBe('');
    expect(result.stderr).toMatch(/^Usage: cronmon /);
    expect(result.code).toBe(2);
  });

  // crontab only reads and writes crontabs: there is no request whose lines -v could show.
  it('offers no --verbose where nothing is requested', async () => {
    const result = await runCli(['crontab', '--help'], { env: cronEnv() });
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toContain('--quiet');
    expect(result.stdout.toString()).not.toMatch(/-v\b|--verbose/);
  });
});
