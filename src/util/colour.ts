import type { ChalkInstance } from 'chalk';

// What cronmon's coloured output means, whatever prints it (listen's lines, the monitors table):
// a painter per meaning, each the identity for plain text.
export interface Paint {
  good(text: string): string;
  bad(text: string): string;
  busy(text: string): string;
  dim(text: string): string;
}

export const PLAIN: Paint = { good: String, bad: String, busy: String, dim: String };

// Colours on a terminal, or where FORCE_COLOR asks for them (chalk decides both), and never
// while NO_COLOR is set to anything but '' (no-color.org), whatever FORCE_COLOR says.
export async function loadPaint(env: NodeJS.ProcessEnv): Promise<Paint> {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return PLAIN;
  const { default: chalk }: { default: ChalkInstance } = await import('chalk');
  return chalk.level > 0 ? { good: chalk.green, bad: chalk.red, busy: chalk.yellow, dim: chalk.dim } : PLAIN;
}
