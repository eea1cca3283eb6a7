import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { validateConfig } from '../config/config-file.js';
import { configMayExist } from '../config/config-search.js';
import { configExplorer } from '../config/load-config.js';

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
// list when there is none, or on any error (a completion must never print one).
export async function configSlugs(lookup: SlugLookup): Promise<string[]> {
  try {
    if (lookup.explicit === undefined && !configMayExist(lookup.cwd, lookup.env)) return [];
    if (lookup.explicit !== undefined && CODE_EXTENSIONS.some((ext) => lookup.explicit?.endsWith(ext))) return [];
    // cosmiconfig's own "meta" config in the working directory may be code as well.
    if (CODE_EXTENSIONS.some((ext) => existsSync(join(lookup.cwd, '.config', `config${ext}`)))) return [];
    const refuse = () => {
      throw new Error('not loaded at completion time');
    };
    const explorer = await configExplorer(Object.fromEntries(CODE_EXTENSIONS.map((ext) => [ext, refuse])));
    const result = lookup.explicit !== undefined
      ? await explorer.load(resolve(lookup.cwd, lookup.explicit))
      : await explorer.search(lookup.cwd);
    if (!result || result.isEmpty) return [];
    return Object.keys(validateConfig(result.config, result.filepath).monitors).sort();
  } catch {
    return [];
  }
}
