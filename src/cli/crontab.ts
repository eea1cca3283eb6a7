import { Command } from 'commander';
import { addQuietOption } from './options.js';

export function makeCrontabCommand(): Command {
  const command = new Command('crontab')
    .description('find the jobs of a crontab and show them wrapped in `cronmon exec`; --apply writes that back')
    .argument('[paths...]', 'crontab file to read, - for standard input (default: your crontab, from crontab -l); with --system, files and cron.d directories (default: /etc/crontab /etc/cron.d)')
    .option('--system', 'read system crontabs, whose lines name the user the job runs as (/etc/crontab, /etc/cron.d/*)')
    .option('--apply', 'write the wrapped lines back: to the file after saving <file>.cronmon-backup-<time> (.<file>.cronmon-backup-<time> with --system), or with crontab - after saving a copy in the cache directory')
    .option('--json', 'print the jobs as a JSON array (line, schedule, timezone, command, slug, state, reason; with --system also file and user)')
    .option('--cronmon-path <path>', 'cronmon command to put in the lines (default: the absolute path of this cronmon)')
    .option('--timezone <iana>', "time zone cron runs the jobs in, for jobs without a CRON_TZ line (default: this system's)");
  // No --verbose: crontab makes no requests.
  addQuietOption(command);
  return command.action(async (paths: string[], flags: Record<string, unknown>) => {
    const { runCrontab } = await import('../commands/crontab.js');
    await runCrontab(paths, flags, process.env, process.stderr.isTTY === true);
  });
}
