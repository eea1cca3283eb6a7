import { Command } from 'commander';
import { addQuietOption } from './options.js';

export function makeCrontabCommand(): Command {
  const command = new Command('crontab')
    .description('find the jobs of a crontab and show them wrapped in `cronmon exec`; --apply writes that back')
    .argument('[file]', 'crontab file to read, - for standard input (default: your crontab, from crontab -l)')
    .option('--apply', 'write the wrapped lines back: to the file after saving <file>.cronmon-backup-<time>, or with crontab - after saving a copy in the cache directory')
    .option('--json', 'print the jobs as a JSON array (line, schedule, timezone, command, slug, state, reason)')
    .option('--cronmon-path <path>', 'cronmon command to put in the lines (default: the absolute path of this cronmon)')
    .option('--timezone <iana>', "time zone cron runs the jobs in, for jobs without a CRON_TZ line (default: this system's)");
  // No --verbose: crontab makes no requests.
  addQuietOption(command);
  return command.action(async (file: string | undefined, flags: Record<string, unknown>) => {
    const { runCrontab } = await import('../crontab/run-crontab.js');
    await runCrontab(file, flags, process.env, process.stderr.isTTY === true);
  });
}
