import type { Command } from 'commander';
import { makeCompletionCommand } from '../../src/cli/completion.js';
import { buildProgram } from '../../src/cli/program.js';

// The live program, with `completion` registered as the CLI registers it.
export function liveProgram(): Command {
  const program = buildProgram();
  if (!program.commands.some((command) => command.name() === 'completion')) program.addCommand(makeCompletionCommand());
  return program;
}
