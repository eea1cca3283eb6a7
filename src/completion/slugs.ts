import { validateConfig } from '../config/config-file.js';
import { findConfigFile } from '../config/config-search.js';
import { parseConfigFile, readExplicitConfig } from '../config/load-config.js';

// Config formats that are code: loading them would run whatever the file says. A completion
// runs on every <TAB>, in whatever directory the shell is in (a freshly cloned repository…),
// so it only reads data formats; a JavaScript config simply yields no slugs.
const CODE_EXTENSIONS = ['.js', '.cjs', '.mjs', '.ts', '.cts', '.mts'];

export interface SlugLookup {
  // --config on the line being completed, else CRONMON_CONFIG.
  explicit?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

// The monitor slugs declared in the config file that `cronmon` would use here, sorted; an empty
// list when there is none, or on any error (a completion must never print one, nor a warning).
export async function configSlugs(lookup: SlugLookup): Promise<string[]> {
  try {
    const found = lookup.explicit === undefined ? findConfigFile(lookup.cwd, lookup.env, () => {}) : readExplicitConfig(lookup.explicit, lookup.cwd);
    if (found === undefined) return [];
    const config = await parseConfigFile(found, CODE_EXTENSIONS);
    return Object.keys(validateConfig(config ?? {}, found.file).monitors).sort();
  } catch {
    return [];
  }
}
