import { CronmonError, type ErrorCode } from '../util/errors.js';
import { isHttpUrl } from '../util/http-url.js';
import type { Log } from '../util/log.js';
import { maskUrlCredentials } from '../util/safe-text.js';
import type { Network } from '../sentry/network.js';
import type { CronmonConfig } from '../config/config-file.js';
import { resolveNetwork, type NetworkFlags } from './network-settings.js';
import { pick, type Sourced } from '../config/sourced.js';
import { configFile, createCommandLog } from './reporting-settings.js';
import { loadSentryCliRc, type SentryCliRc } from '../config/sentryclirc.js';

export const DEFAULT_URL = 'https://sentry.io/';

export interface ApiFlags extends NetworkFlags {
  authToken?: string | undefined;
  org?: string | undefined;
  project?: string | undefined;
  url?: string | undefined;
  config?: string | undefined;
  quiet?: boolean | undefined;
  verbose?: boolean | undefined;
  dryRun?: boolean | undefined;
}

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
export function apiTarget(flags: ApiFlags, env: NodeJS.ProcessEnv, config: CronmonConfig | undefined, rc: SentryCliRc): Pick<ApiSettings, 'token' | 'org' | 'project' | 'url'> {
  const inFile = (key: string) => `${config?.file} (${key})`;
  const inRc = (key: 'token' | 'url' | 'org' | 'project', what: string) => `${rc.sources[key] ?? '.sentryclirc'} (${what})`;
  const url = pick([flags.url, '--url'], [env.SENTRY_URL, 'SENTRY_URL'], [config?.url, inFile('url')], [rc.url, inRc('url', '[defaults] url')]);
  return {
    token: pick([flags.authToken, '--auth-token'], [env.SENTRY_AUTH_TOKEN, 'SENTRY_AUTH_TOKEN'], [rc.token, inRc('token', '[auth] token')]),
    org: pick([flags.org, '--org'], [env.SENTRY_ORG, 'SENTRY_ORG'], [config?.org, inFile('org')], [rc.org, inRc('org', '[defaults] org')]),
    project: pick([flags.project, '--project'], [env.SENTRY_PROJECT, 'SENTRY_PROJECT'], [config?.project, inFile('project')], [rc.project, inRc('project', '[defaults] project')]),
    url: url ? checkedUrl(url) : DEFAULT_URL,
  };
}


// A URL every request can be built on, else one line naming where it came from (exit 2). The
// value is shown without its user and password.
function checkedUrl(url: Sourced): string {
  if (isHttpUrl(url.value)) return url.value;
  const code: ErrorCode = url.source === '--url' || url.source === 'SENTRY_URL' ? 'usage' : 'config';
  const shown = url.value.includes('://') ? maskUrlCredentials(url.value) : url.value.replace(/^[^/]*@/, '***@');
  throw new CronmonError(code, `${url.source}: ${JSON.stringify(shown)} is not an http(s) URL (e.g. https://sentry.example.com/)`);
}

const WHERE: Record<'token' | 'org' | 'project', string> = {
  token: 'an auth token: set --auth-token, SENTRY_AUTH_TOKEN, or [auth] token in ~/.sentryclirc',
  org: 'an organization: set --org, SENTRY_ORG, org in the config file, or [defaults] org in .sentryclirc',
  project: 'a project: set --project, SENTRY_PROJECT, project in the config file, or [defaults] project in .sentryclirc',
};

// Names exactly what is missing and where it can be set (exit 2, before any request).
export function requireSettings<K extends 'token' | 'org' | 'project'>(settings: ApiSettings, keys: readonly K[], extra = ''): Record<K, string> {
  const missing = keys.filter((key) => !settings[key]);
  if (missing.length > 0) {
    throw new CronmonError('missing-setting', `this needs ${missing.map((key) => WHERE[key]).join('; and ')}${extra}`);
  }
  return Object.fromEntries(keys.map((key) => [key, settings[key]?.value])) as Record<K, string>;
}
