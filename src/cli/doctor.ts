import { Command } from 'commander';
import { DOCTOR_FLAGS } from '../config/command-flags.js';
import { addFlags, flagsOf } from './options.js';

export function makeDoctorCommand(): Command {
  const command = new Command('doctor').description(
    "check what cron will see (DSN, Sentry, clock, time zone, node on cron's PATH, cache and lock directories, auth token); exit 1 when a check fails",
  );
  return addFlags(command, DOCTOR_FLAGS).action(async (_flags: unknown, self: Command) => {
    const [{ runDoctor }, { formatChecks, formatChecksJson }, { failed }] = await Promise.all([
      import('../commands/doctor.js'),
      import('../doctor/format.js'),
      import('../doctor/check.js'),
    ]);
    const flags = flagsOf<typeof DOCTOR_FLAGS>(self);
    const { checks, quiet } = await runDoctor(flags, process.env, process.stderr.isTTY === true);
    process.stdout.write(flags.json === true ? formatChecksJson(checks) : formatChecks(checks, quiet));
    process.exitCode = failed(checks) ? 1 : 0;
  });
}
