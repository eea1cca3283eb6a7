import { CronmonError, type ErrorCode } from '../util/errors.js';
import { isHttpUrl } from '../util/http-url.js';
import type { Log } from '../util/log.js';
import { maskUrlCredentials } from '../util/safe-text.js';
import type { Network } from '../sentry/network.js';
import type { CronmonConfig } from '../config/config-file.js';
import { resolveNetwork } from './network-settings.js';
import { pick, type Sourced } from '../config/sourced.js';
import { configFile, createCommandLog } from './reporting-settings.js';
import { loadSentryCliRc, type SentryCliRc } from '../config/sentryclirc.js';
import { fromFlagOrEnv, namesOf, type Flag } from '../config/flag.js';
import { AUTH_TOKEN, ORG, PROJECT, URL } from '../config/flags.js';
import type { UpsertFlags } from '../config/command-flags.js';

export const DEFAULT_URL = 'https://sentry.io/';

// Flags of every command that calls the REST API.
export type ApiFlags = Pick<UpsertFlags, 'authToken' | 'org' | 'project' | 'url' | 'proxy' | 'header' | 'config' | 'quiet' | 'verbose' | 'dryRun'>;

export interface ApiSettings {
  token?: Sourced | undefined;
  org?: Sourced | undefined;
  project?: Sourced | undefined;
  url: string;
  config?: CronmonConfig | undefined;
  network: Network;
  log: Log;
}

// Settings for the REST API: flag > environment > config file > .sentryclirc > default.
// The token is never read from cronmon's config file: config files get committed.
export async function resolveApiSettings(flags: ApiFlags, env: NodeJS.ProcessEnv, stderrIsTTY: boolean, cwd: string = process.cwd()): Promise<ApiSettings> {
  const log = createCommandLog(flags, env, stderrIsTTY);
  const config = await configFile(flags, env, cwd, log);
  const rc = loadSentryCliRc(cwd, env.HOME, log.warn);
  return { ...apiTarget(flags, env, config, rc), config, network: await resolveNetwork(flags, env, config, () => rc), log };
}

// Who the API calls go to and with what: token, organization, project and URL, from files
// already loaded.
export function apiTarget(
  flags: ApiFlags,
  env: NodeJS.ProcessEnv,
  config: CronmonConfig | undefined,
  rc: SentryCliRc,
): Pick<ApiSettings, 'token' | 'org' | 'project' | 'url'> {
  const inFile = (key: string) => `${config?.file} (${key})`;
  const inRc = (key: 'token' | 'url' | 'org' | 'project', what: string) => `${rc.sources[key] ?? '.sentryclirc'} (${what})`;
  const url = pick(...fromFlagOrEnv(URL, flags.url, env), [config?.url, inFile('url')], [rc.url, inRc('url', '[defaults] url')]);
  return {
    token: pick(...fromFlagOrEnv(AUTH_TOKEN, flags.authToken, env), [rc.token, inRc('token', '[auth] token')]),
    org: pick(...fromFlagOrEnv(ORG, flags.org, env), [config?.org, inFile('org')], [rc.org, inRc('org', '[defaults] org')]),
    project: pick(...fromFlagOrEnv(PROJECT, flags.project, env), [config?.project, inFile('project')], [rc.project, inRc('project', '[defaults] project')]),
    url: url ? checkedUrl(url) : DEFAULT_URL,
  };
}

// A URL every request can be built on, else one line naming where it came from (exit 2). The
// value is shown without its user and password.
function checkedUrl(url: Sourced): string {
  if (isHttpUrl(url.value)) return url.value;
  const code: ErrorCode = namesOf(URL).includes(url.source) ? 'usage' : 'config';
  const shown = url.value.includes('://') ? maskUrlCredentials(url.value) : url.value.replace(/^[^/]*@/, '***@');
  throw new CronmonError(code, `${url.source}: ${JSON.stringify(shown)} is not an http(s) URL (e.g. https://sentry.example.com/)`);
}

// "--org, SENTRY_ORG, org in the config file, or [defaults] org in .sentryclirc"
const whereToSet = (declaration: Flag, inConfigFile?: string): string =>
  [...namesOf(declaration), ...(inConfigFile === undefined ? [] : [inConfigFile]), `or ${declaration.elsewhere}`].join(', ');

const WHERE: Record<'token' | 'org' | 'project', string> = {
  token: `an auth token: set ${whereToSet(AUTH_TOKEN)}`,
  org: `an organization: set ${whereToSet(ORG, 'org in the config file')}`,
  project: `a project: set ${whereToSet(PROJECT, 'project in the config file')}`,
};

// Names exactly what is missing and where it can be set (exit 2, before any request).
export function requireSettings<K extends 'token' | 'org' | 'project'>(settings: ApiSettings, keys: readonly K[], extra = ''): Record<K, string> {
  const missing = keys.filter((key) => !settings[key]);
  if (missing.length > 0) {
    throw new CronmonError('missing-setting', `this needs ${missing.map((key) => WHERE[key]).join('; and ')}${extra}`);
  }
  return Object.fromEntries(keys.map((key) => [key, settings[key]?.value])) as Record<K, string>;
}
