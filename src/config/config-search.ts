import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

// Where cosmiconfig looks for cronmon's config, kept in one list so that the cheap check below
// and the real search agree. TypeScript configs are left out: they need the user's typescript.
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

// cosmiconfig's "global" places: the user's config directory (~/.config/cronmon on Linux).
export const GLOBAL_PLACES = ['config', 'config.json', 'config.yaml', 'config.yml', 'config.js', 'config.cjs', 'config.mjs'];

export function globalConfigDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'cronmon');
}

// Does any config file exist where the search would look? Only then is cosmiconfig loaded:
// `cronmon exec` starts in front of every cron job, and most have no config file.
export function configMayExist(cwd: string, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): boolean {
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const place of SEARCH_PLACES) {
      const file = join(dir, place);
      if (existsSync(file) && (place !== 'package.json' || hasCronmonKey(file))) return true;
    }
    if (dir === home || dirname(dir) === dir) break;
  }
  const globalDir = globalConfigDir(env, home);
  return GLOBAL_PLACES.some((place) => existsSync(join(globalDir, place)));
}

function hasCronmonKey(file: string): boolean {
  try {
    const pkg: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof pkg === 'object' && pkg !== null && 'cronmon' in pkg;
  } catch {
    return false;
  }
}
