import type { ChalkInstance } from 'chalk';

// Whether cronmon colours what it prints: on a terminal, or where FORCE_COLOR asks for it (chalk
// decides both), and never while NO_COLOR is set to anything but '' (no-color.org), whatever
// FORCE_COLOR says. Undefined means plain text.
export async function loadColours(env: NodeJS.ProcessEnv): Promise<ChalkInstance | undefined> {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return undefined;
  const { default: chalk } = await import('chalk');
  return chalk.level > 0 ? chalk : undefined;
}
