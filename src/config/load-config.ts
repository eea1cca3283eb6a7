import { basename, extname, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { CronmonError, isCronmonError } from '../util/errors.js';
import { kindOf, readIfRegular } from '../util/safe-fs.js';
import { validateConfig, type CronmonConfig } from './config-file.js';
import { findConfigFile, type FoundConfig } from './config-search.js';
import type { Warn } from './trusted-file.js';

export interface ConfigLookup {
  // --config, else CRONMON_CONFIG: an explicit file that must exist.
  explicit?: string | undefined;
  cwd: string;
  env: NodeJS.ProcessEnv;
  // For config files found but not used (see trusted-file.ts).
  warn: Warn;
}

type Loader = (filepath: string, content: string) => unknown;

// Finds and validates the config file.
export async function loadConfig(lookup: ConfigLookup): Promise<CronmonConfig | undefined> {
  const found = lookup.explicit === undefined ? findConfigFile(lookup.cwd, lookup.env, lookup.warn) : readExplicitConfig(lookup.explicit, lookup.cwd);
  if (found === undefined) return undefined;
  let config: unknown;
  try {
    config = await parseConfigFile(found);
  } catch (error) {
    throw new CronmonError('config', `cannot read config file ${lookup.explicit ?? found.file}: ${firstLine(error)}`, { cause: error });
  }
  try {
    return validateConfig(config === undefined ? {} : moduleDefault(config), found.file);
  } catch (error) {
    // A JavaScript config may throw from a getter or a proxy while it is being read.
    if (isCronmonError(error)) throw error;
    throw new CronmonError('config', `cannot read config file ${found.file}: ${firstLine(error)}`, { cause: error });
  }
}

/**
 * The file the user named. It is theirs to choose, wherever it is and whoever owns it, but it
 * must be a regular file: a FIFO or a device would block cronmon (exit 2, saying so).
 */
export function readExplicitConfig(explicit: string, cwd: string): FoundConfig {
  const file = resolve(cwd, explicit);
  const fail = (why: string, cause?: unknown): never => {
    throw new CronmonError('config', `cannot read config file ${explicit}: ${why}`, { cause });
  };
  try {
    const { stats, text } = readIfRegular(file, { follow: true });
    return text === undefined ? fail(stats.isDirectory() ? 'is a directory' : `it is ${kindOf(stats)}, not a regular file`) : { file, text };
  } catch (error) {
    if (error instanceof CronmonError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : firstLine(error), error);
  }
}

/**
 * A config file's content, with cosmiconfig's loaders for its format (imported lazily; for
 * JavaScript, the file is run); undefined when it is empty. `refuse` lists extensions not to
 * load: their files throw instead.
 */
export async function parseConfigFile(found: FoundConfig, refuse: readonly string[] = []): Promise<unknown> {
  if (found.text.trim() === '') return undefined;
  const extension = extname(found.file);
  if (refuse.includes(extension)) throw new Error(`${extension} files are not loaded here`);
  const loaded = await import('cosmiconfig');
  // In the bundle, a CommonJS module's exports arrive as `default` only.
  const { defaultLoaders } = ('default' in loaded ? loaded.default : loaded) as typeof loaded;
  const loader = (defaultLoaders as Record<string, Loader | undefined>)[extension || 'noExt'];
  if (!loader) throw new Error(`cannot load ${extension} files (use .json, .yaml, .yml, .js, .cjs or .mjs)`);
  const content = await loader(found.file, found.text);
  // package.json: cronmon's config is its "cronmon" key.
  return basename(found.file, extension) === 'package' ? ((content as Record<string, unknown> | null)?.cronmon ?? null) : content;
}

// An ES module config reaches cosmiconfig through import(), or, where import() is not available
// (code compiled with a cache, see bin/cronmon), through require(), which gives its namespace.
function moduleDefault(config: unknown): unknown {
  const namespace = config as { __esModule?: unknown; default?: unknown } | null;
  return typeof namespace === 'object' && namespace !== null && namespace.__esModule === true && 'default' in namespace ? namespace.default : config;
}

// cosmiconfig's loaders put "JSON Error in <file>:" / "YAML Error in <file>:" first and the
// parser's reason (with a code frame) after it. Keep only the reason, without the quoted file
// content parse-json appends ("while parsing '…'"), which may hold a DSN.
function firstLine(error: unknown): string {
  const lines = stripVTControlCharacters(error instanceof Error ? error.message : String(error))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^(JSON|YAML) Error in /.test(line) && !/^(>?\s*\d+\s*)?\||^-+\^$/.test(line));
  return lines[0]?.replace(/ while parsing .*$/, '') ?? 'unreadable';
}
