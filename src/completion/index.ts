import type { Command } from 'commander';
import { bashScript } from './bash.js';
import { fishScript } from './fish.js';
import { buildSpec } from './spec.js';
import { zshScript } from './zsh.js';

import type { Shell } from './shells.js';

export { SHELLS, type Shell } from './shells.js';

// The completion script for a shell, generated from the program as it is registered now.
export function completionScript(shell: Shell, program: Command): string {
  const spec = buildSpec(program);
  switch (shell) {
    case 'bash':
      return bashScript(spec);
    case 'zsh':
      return zshScript(spec);
    case 'fish':
      return fishScript(spec);
  }
}
