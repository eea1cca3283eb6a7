import { Command } from 'commander';
import { MONITORS_LIST_FLAGS } from '../config/command-flags.js';
import { makeMonitorsRunCommand } from './exec.js';
import { addFlags, flagsOf } from './options.js';

export function makeMonitorsCommand(): Command {
  const list = addFlags(new Command('list').description("list the organization's monitors (all pages)"), MONITORS_LIST_FLAGS);
  list.action(async (_flags: unknown, self: Command) => {
    const { runMonitorsList } = await import('../commands/monitors-list.js');
    process.exitCode = await runMonitorsList(flagsOf<typeof MONITORS_LIST_FLAGS>(self), process.env, process.stderr.isTTY === true);
  });
  return new Command('monitors').description('manage Sentry cron monitors').enablePositionalOptions().addCommand(list).addCommand(makeMonitorsRunCommand());
}
