import { Command } from 'commander';
import { CRONTAB_FLAGS } from '../config/command-flags.js';
import { addFlags, flagsOf } from './options.js';

export function makeCrontabCommand(): Command {
  const command = new Command('crontab')
    .description('find the jobs of a crontab and show them wrapped in `cronmon exec`; --apply writes that back')
    .argument(
      '[paths...]',
      'crontab file to read, - for standard input (default: your crontab, from crontab -l); with --system, files and cron.d directories (default: /etc/crontab /etc/cron.d)',
    );
  return addFlags(command, CRONTAB_FLAGS).action(async (paths: string[], _flags: unknown, self: Command) => {
    const { runCrontab } = await import('../commands/crontab.js');
    await runCrontab(paths, flagsOf<typeof CRONTAB_FLAGS>(self), process.env, process.stderr.isTTY === true);
  });
}
