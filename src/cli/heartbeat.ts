import { Command } from 'commander';
import { HEARTBEAT_FLAGS } from '../config/command-flags.js';
import { addFlags, flagsOf } from './options.js';

export function makeHeartbeatCommand(): Command {
  const command = new Command('heartbeat').description('send one check-in (ok by default); --status in_progress prints the id to close it with later');
  return addFlags(command, HEARTBEAT_FLAGS).action(async (_flags: unknown, self: Command) => {
    const { runHeartbeat } = await import('../commands/heartbeat.js');
    await runHeartbeat(flagsOf<typeof HEARTBEAT_FLAGS>(self));
  });
}
