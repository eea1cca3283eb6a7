import { Command } from 'commander';
import { addApiOptions, addConfigOption, addMonitorConfigOptions, addNetworkOptions, addOutputOptions, choice } from './options.js';

export function makeUpsertCommand(): Command {
  const command = new Command('upsert')
    .description('create or update a monitor (--slug), or every monitor declared in the config file')
    .option('--slug <slug>', 'the monitor to create or update; without it, all monitors of the config file')
    .option('--name <name>', 'display name of the monitor (API only)')
    .option('--muted', 'mute the monitor (API only)')
    .option('--no-muted', 'unmute the monitor (API only)');
  addMonitorConfigOptions(command);
  addApiOptions(command);
  command
    .addOption(choice('--via <route>', 'api: the REST API with an auth token; checkin: an ok check-in carrying the config, with the DSN', ['api', 'checkin']).default('api'))
    .option('--dsn <dsn>', 'DSN for --via checkin; never printed (env: SENTRY_DSN)')
    .option('-e, --environment <name>', 'environment of the check-in for --via checkin (env: SENTRY_ENVIRONMENT)')
    .option('--dry-run', 'show what would change, change nothing')
    .option('--json', 'print the monitors as the API returned them, as a JSON array');
  addNetworkOptions(command);
  addConfigOption(command);
  addOutputOptions(command);
  return command.action(async (flags: Record<string, unknown>) => {
    const { runUpsert } = await import('../commands/upsert.js');
    process.exitCode = await runUpsert(flags, process.env, process.stderr.isTTY === true);
  });
}
