import { Command } from 'commander';
import { addConfigOption, addMonitorConfigOptions, addNetworkOptions, addOutputOptions, addReportingOptions, choice } from './options.js';

export function makeHeartbeatCommand(): Command {
  const command = new Command('heartbeat')
    .description('send one check-in (ok by default); --status in_progress prints the id to close it with later');
  addReportingOptions(command);
  command
    .addOption(choice('--status <status>', 'status of the check-in', ['ok', 'error', 'in_progress']).default('ok'))
    .option('--duration <seconds>', 'duration of the run in seconds (for ok/error)')
    .option('--check-in-id <id>', 'close the run opened by `heartbeat --status in_progress`, which printed this id')
    .option('--send-timeout <duration>', 'hard bound on the delivery, retries included, e.g. 500ms, 5s', '5s')
    .option('--json', 'print the check-in as JSON on stdout')
    .option('--dry-run', 'print the envelope that would be sent on stderr, send nothing');
  addMonitorConfigOptions(command);
  addNetworkOptions(command);
  addConfigOption(command);
  addOutputOptions(command);
  return command.action(async (flags: Record<string, unknown>) => {
    const { runHeartbeat } = await import('../commands/heartbeat.js');
    await runHeartbeat(flags);
  });
}
