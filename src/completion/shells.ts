// The shells cronmon completes: a module of its own, so that the CLI can name them without
// loading any generator code.
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
