import { Command } from 'commander';
import { UPSERT_FLAGS } from '../config/command-flags.js';
import { addFlags, flagsOf } from './options.js';

export function makeUpsertCommand(): Command {
  const command = new Command('upsert').description('create or update a monitor (--slug), or every monitor declared in the config file');
  return addFlags(command, UPSERT_FLAGS).action(async (_flags: unknown, self: Command) => {
    const { runUpsert } = await import('../commands/upsert.js');
    process.exitCode = await runUpsert(flagsOf<typeof UPSERT_FLAGS>(self), process.env, process.stderr.isTTY === true);
  });
}
