import { Command } from 'commander';
import { LISTEN_FLAGS } from '../config/command-flags.js';
import { addFlags, flagsOf } from './options.js';

export function makeListenCommand(): Command {
  const command = new Command('listen').description('run a local Sentry Crons receiver that shows, and checks, what Sentry would get');
  return addFlags(command, LISTEN_FLAGS).action(async (_flags: unknown, self: Command) => {
    const { runListen } = await import('../commands/listen.js');
    await runListen(flagsOf<typeof LISTEN_FLAGS>(self));
  });
}
