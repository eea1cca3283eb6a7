import { Argument, Command, Option } from 'commander';
import { SHELLS } from '../completion/shells.js';

const INSTALL_HELP = `
Install (then open a new shell):
  bash  mkdir -p ~/.local/share/bash-completion/completions
        cronmon completion bash > ~/.local/share/bash-completion/completions/cronmon
        (needs the bash-completion package; or add  source <(cronmon completion bash)  to ~/.bashrc)
  zsh   mkdir -p ~/.zfunc && cronmon completion zsh > ~/.zfunc/_cronmon
        and in ~/.zshrc, before compinit:  fpath=(~/.zfunc $fpath)
        (any directory on $fpath will do, as _cronmon; or  source <(cronmon completion zsh)  after compinit)
  fish  cronmon completion fish > ~/.config/fish/completions/cronmon.fish

Monitor slugs for --slug are read from the config file (JSON or YAML) when <TAB> is pressed.`;

export function makeCompletionCommand(): Command {
  return new Command('completion')
    .description('print a shell completion script (bash, zsh or fish) on stdout')
    .usage('[options] <shell>')
    // Optional for commander only: the hidden --slugs needs no shell; a missing one is still an error.
    .addArgument(new Argument('[shell]', 'the shell to print the script for').choices(SHELLS))
    // Asked by the generated scripts at completion time: the config file's monitor slugs.
    .addOption(new Option('--slugs', 'print the monitor slugs of the config file, one a line').hideHelp())
    .addOption(new Option('--config <file>', 'config file for --slugs').hideHelp())
    .addHelpText('after', INSTALL_HELP)
    .action(async (shell: string | undefined, flags: { slugs?: boolean; config?: string }, command: Command) => {
      if (flags.slugs) {
        const { configSlugs } = await import('../completion/slugs.js');
        const explicit = flags.config ?? (process.env.CRONMON_CONFIG || undefined);
        const slugs = await configSlugs({ explicit, cwd: process.cwd(), env: process.env });
        if (slugs.length > 0) process.stdout.write(`${slugs.join('\n')}\n`);
        return;
      }
      if (shell === undefined) command.error("error: missing required argument 'shell'", { code: 'commander.missingArgument', exitCode: 2 });
      // The whole program: the one running was built with only this subcommand in full.
      const [{ completionScript }, { buildProgram }] = await Promise.all([import('../completion/index.js'), import('./program.js')]);
      process.stdout.write(completionScript(shell as 'bash' | 'zsh' | 'fish', buildProgram()));
    });
}
