import { Command } from 'commander';
import { addApiOptions, addConfigOption, addDsnOption, addNetworkOptions, addOutputOptions } from './options.js';

export function makeDoctorCommand(): Command {
  const command = new Command('doctor').description(
    "check what cron will see (DSN, Sentry, clock, time zone, node on cron's PATH, cache and lock directories, auth token); exit 1 when a check fails",
  );
  addDsnOption(command);
  addApiOptions(command, { project: false });
  command.option('--json', 'print the checks as JSON on stdout');
  addNetworkOptions(command);
  addConfigOption(command);
  addOutputOptions(command, 'print only the checks that warn or fail');
  return command.action(async (flags: Record<string, unknown>) => {
    const [{ runDoctor }, { formatChecks, formatChecksJson }, { failed }] = await Promise.all([
      import('../commands/doctor.js'),
      import('../doctor/format.js'),
      import('../doctor/check.js'),
    ]);
    const { checks, quiet } = await runDoctor(flags, process.env, process.stderr.isTTY === true);
    process.stdout.write(flags.json ? formatChecksJson(checks) : formatChecks(checks, quiet));
    process.exitCode = failed(checks) ? 1 : 0;
  });
}
