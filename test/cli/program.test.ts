import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';

const optionsOf = (argv: string[] | undefined, name: string) => buildProgram(argv).commands.find((command) => command.name() === name)?.options.length ?? -1;

describe('buildProgram', () => {
  it('builds only the subcommand that runs in full, and keeps every name for dispatch', () => {
    const program = buildProgram(['node', 'cronmon', 'exec', '--slug', 'heartbeat', '--', 'true']);
    expect(program.commands.map((command) => command.name())).toEqual(['exec', 'heartbeat', 'upsert', 'monitors', 'listen', 'crontab', 'doctor', 'completion']);
    expect(optionsOf(['node', 'cronmon', 'exec'], 'exec')).toBeGreaterThan(10);
    expect(optionsOf(['node', 'cronmon', 'exec'], 'heartbeat')).toBe(0);
  });

  it.each([[undefined], [['node', 'cronmon']], [['node', 'cronmon', '--help']], [['node', 'cronmon', 'help', 'exec']], [['node', 'cronmon', 'exce']]])(
    'builds everything for help, suggestions and completion (%j)',
    (argv) => {
      expect(optionsOf(argv, 'heartbeat')).toBeGreaterThan(5);
      expect(optionsOf(argv, 'exec')).toBeGreaterThan(10);
    },
  );
});
