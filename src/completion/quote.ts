// Quoting shared by the generators.

// A POSIX-shell (bash, zsh) single-quoted word.
export const shQuote = (text: string): string => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

// A fish single-quoted word: inside '…' fish only knows \\ and \'.
export const fishQuote = (text: string): string => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

// A name usable in a shell function name: `monitors list` → `monitors_list`.
export const identifier = (path: string): string => path.replace(/[^A-Za-z0-9]+/g, '_');

// What a generated script says about itself in its first lines.
export const generatedBy = (shell: string, install: string): string[] => [
  `# ${shell} completion for cronmon, generated from its commands by \`cronmon completion ${shell}\`. Do not edit:`,
  '# regenerate it with that command (in the cronmon repository: npm run completions).',
  `# Install: ${install}`,
];

export const INSTALL = {
  bash: 'cronmon completion bash > ~/.local/share/bash-completion/completions/cronmon',
  zsh: 'cronmon completion zsh > ~/.zfunc/_cronmon, with fpath=(~/.zfunc $fpath) before compinit in ~/.zshrc',
  fish: 'cronmon completion fish > ~/.config/fish/completions/cronmon.fish',
} as const;
