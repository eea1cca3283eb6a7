import { Command } from 'commander';
import { makeMonitorsRunCommand } from './exec.js';
import { addApiOptions, addConfigOption, addNetworkOptions, addOutputOptions } from './options.js';

export function makeMonitorsCommand(): Command {
  const list = new Command('list').description("list the organization's monitors (all pages)");
  addApiOptions(list);
  list.option('--json', 'print the monitors as a JSON array');
  addNetworkOptions(list);
  addConfigOption(list);
  addOutputOptions(list);
  list.action(async (flags: Record<string, unknown>) => {
    const { runMonitorsList } = await import('../commands/monitors-list.js');
    process.exitCode = await runMonitorsList(flags, process.env, process.stderr.isTTY === true);
  });
  return new Command('monitors').description('manage Sentry cron monitors').enablePositionalOptions().addCommand(list).addCommand(makeMonitorsRunCommand());
}
