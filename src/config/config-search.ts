import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { readIfRegular } from '../util/safe-fs.js';
import { readFoundFile, whyUntrusted, type Warn } from './trusted-file.js';

// Where cronmon looks for its config (the places cosmiconfig searches for `cronmon`), nearest
// directory first, in this order within one directory. TypeScript configs are left out: they
// need the user's typescript.
export const SEARCH_PLACES = [
  'package.json',
  '.cronmonrc',
  '.cronmonrc.json',
  '.cronmonrc.yaml',
  '.cronmonrc.yml',
  '.cronmonrc.js',
  '.cronmonrc.cjs',
  '.cronmonrc.mjs',
  '.config/cronmonrc',
  '.config/cronmonrc.json',
  '.config/cronmonrc.yaml',
  '.config/cronmonrc.yml',
  '.config/cronmonrc.js',
  '.config/cronmonrc.cjs',
  '.config/cronmonrc.mjs',
  'cronmon.config.js',
  'cronmon.config.cjs',
  'cronmon.config.mjs',
  'cronmon.config.json',
  'cronmon.config.yaml',
  'cronmon.config.yml',
];

// Then the user's config directory (~/.config/cronmon on Linux).
export const GLOBAL_PLACES = ['config', 'config.json', 'config.yaml', 'config.yml', 'config.js', 'config.cjs', 'config.mjs'];

export function globalConfigDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'cronmon');
}

/**
 * The directories searched for config files, nearest first: from `cwd` up to the user's home or
 * the root of the repository (a directory holding .git), whichever comes first. Never above
 * home: what lies there (/tmp, /srv, /) is other people's. Only when `cwd` is in neither does
 * the search go on to /.
 */
export function searchDirs(cwd: string, home: string): string[] {
  const dirs: string[] = [];
  for (let dir = cwd; ; dir = dirname(dir)) {
    dirs.push(dir);
    if (dir === home || dirname(dir) === dir || existsSync(join(dir, '.git'))) return dirs;
  }
}

export interface FoundConfig {
  file: string;
  text: string;
}

const HINT = ' (name it with --config to use it anyway)';

/**
 * The config file cronmon uses here, with its text: the first of SEARCH_PLACES in the nearest
 * of searchDirs that holds one, else the first of GLOBAL_PLACES. Files that are empty, or that
 * cannot be trusted (see trusted-file.ts, a warning each), are passed over; package.json counts
 * only with a "cronmon" key. Only the file found is read, so a search costs a few stat calls:
 * `cronmon exec` runs in front of every cron job, and most have no config file.
 */
export function findConfigFile(cwd: string, env: NodeJS.ProcessEnv, warn: Warn, home: string = env.HOME || homedir()): FoundConfig | undefined {
  const candidates = searchDirs(cwd, home).flatMap((dir) => SEARCH_PLACES.map((place) => join(dir, place)));
  candidates.push(...GLOBAL_PLACES.map((place) => join(globalConfigDir(env, home), place)));
  for (const file of candidates) {
    const text = basename(file) === 'package.json' ? packageConfig(file, warn) : readFoundFile(file, 'config file', warn, HINT);
    if (text !== undefined && text.trim() !== '') return { file, text };
  }
  return undefined;
}

// package.json is everyone's: it is trusted (or warned about) only when it has a "cronmon" key.
function packageConfig(file: string, warn: Warn): string | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const { stats, text } = readIfRegular(file, { follow: true, maxBytes: 1 << 24 });
    if (text === undefined || !hasCronmonKey(text)) return undefined;
    const why = whyUntrusted(file, stats);
    if (why === undefined) return text;
    warn(`ignoring config file ${file}: ${why}${HINT}`);
  } catch {
    // None, or unreadable.
  }
  return undefined;
}

function hasCronmonKey(text: string): boolean {
  try {
    const pkg: unknown = JSON.parse(text);
    return typeof pkg === 'object' && pkg !== null && 'cronmon' in pkg;
  } catch {
    return false;
  }
}
