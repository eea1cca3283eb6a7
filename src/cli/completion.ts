import { Argument, Command } from 'commander';
import { SHELLS } from '../completion/shells.js';
import { fromFlagOrEnv } from '../config/flag.js';
import { CONFIG } from '../config/flags.js';
import { COMPLETION_FLAGS } from '../config/command-flags.js';
import { pick } from '../config/sourced.js';
import { addFlags, flagsOf } from './options.js';

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
  const command = new Command('completion')
    .description('print a shell completion script (bash, zsh or fish) on stdout')
    .usage('[options] <shell>')
    // Optional for commander only: the hidden --slugs needs no shell; a missing one is still an error.
    .addArgument(new Argument('[shell]', 'the shell to print the script for').choices(SHELLS))
    .addHelpText('after', INSTALL_HELP);
  return addFlags(command, COMPLETION_FLAGS).action(async (shell: string | undefined, _flags: unknown, self: Command) => {
    const flags = flagsOf<typeof COMPLETION_FLAGS>(self);
    if (flags.slugs === true) {
      const { configSlugs } = await import('../completion/slugs.js');
      const explicit = pick(...fromFlagOrEnv(CONFIG, flags.config, process.env))?.value;
      const slugs = await configSlugs({ explicit, cwd: process.cwd(), env: process.env });
      if (slugs.length > 0) process.stdout.write(`${slugs.join('\n')}\n`);
      return;
    }
    if (shell === undefined) self.error("error: missing required argument 'shell'", { code: 'commander.missingArgument', exitCode: 2 });
    // The whole program: the one running was built with only this subcommand in full.
    const [{ completionScript }, { buildProgram }] = await Promise.all([import('../completion/index.js'), import('./program.js')]);
    process.stdout.write(completionScript(shell as 'bash' | 'zsh' | 'fish', buildProgram()));
  });
}
