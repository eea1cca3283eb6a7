import { resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { CronmonError, isCronmonError, messageOf } from '../errors.js';
import { validateConfig, type CronmonConfig } from './config-file.js';
import { SEARCH_PLACES, configMayExist } from './config-search.js';

export interface ConfigLookup {
  // --config, else CRONMON_CONFIG: an explicit file that must exist.
  explicit?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

type Loader = (filepath: string, content: string) => unknown;

/** cosmiconfig's search for `cronmon` configs (imported lazily), with loaders replaced where given. */
export async function configExplorer(loaders: Record<string, Loader> = {}) {
  const loaded = await import('cosmiconfig');
  // In the bundle, a CommonJS module's exports arrive as `default` only.
  const { cosmiconfig } = ('default' in loaded ? loaded.default : loaded) as typeof loaded;
  return cosmiconfig('cronmon', { searchPlaces: SEARCH_PLACES, searchStrategy: 'global', loaders });
}

// Finds and validates the config file. cosmiconfig is imported only when a file may exist.
export async function loadConfig(lookup: ConfigLookup): Promise<CronmonConfig | undefined> {
  if (lookup.explicit === undefined && !configMayExist(lookup.cwd, lookup.env)) return undefined;
  const explorer = await configExplorer();
  let result: Awaited<ReturnType<typeof explorer.search>>;
  try {
    result = lookup.explicit !== undefined
      ? await explorer.load(resolve(lookup.cwd, lookup.explicit))
      : await explorer.search(lookup.cwd);
  } catch (error) {
    const file = lookup.explicit ?? (error as { filepath?: string } | null)?.filepath ?? 'config file';
    const code = (error as NodeJS.ErrnoException | null)?.code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : firstLine(error);
    throw new CronmonError('config', `cannot read config file ${file}: ${why}`, { cause: error });
  }
  if (!result || result.isEmpty) return result ? validateConfig({}, result.filepath) : undefined;
  try {
    return validateConfig(moduleDefault(result.config), result.filepath);
  } catch (error) {
    // A JavaScript config may throw from a getter or a proxy while it is being read.
    if (isCronmonError(error)) throw error;
    throw new CronmonError('config', `cannot read config file ${result.filepath}: ${firstLine(error)}`, { cause: error });
  }
}

// An ES module config reaches cosmiconfig through import(), or, where import() is not available
// (code compiled with a cache, see bin/cronmon), through require(), which gives its namespace.
function moduleDefault(config: unknown): unknown {
  const namespace = config as { __esModule?: unknown; default?: unknown } | null;
  return typeof namespace === 'object' && namespace !== null && namespace.__esModule === true && 'default' in namespace ? namespace.default : config;
}

// cosmiconfig puts "JSON Error in <file>:" / "YAML Error in <file>:" first and the parser's
// reason (with a code frame) after it. Keep only the reason, without the quoted file content
// parse-json appends ("while parsing '…'"), which may hold a DSN.
function firstLine(error: unknown): string {
  const lines = stripVTControlCharacters(messageOf(error))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(JSON|YAML) Error in /.test(line) && !/^(>?\s*\d+\s*)?\||^-+\^$/.test(line));
  return lines[0]?.replace(/ while parsing .*$/, '') ?? 'unreadable';
}
