import { usageError } from '../util/errors.js';
import type { FieldLabels } from '../monitor/monitor-config.js';
import { describedAs, flag, wordsOf, type Flag, type FlagValues } from './flag.js';

// Every option of the command line, declared once (see flag.ts), and the flags of each command.
// Environment variables are resolved in src/commands (flag > environment > config file).

export const DSN = flag({ key: 'dsn', long: '--dsn', takes: 'value', placeholder: 'dsn', help: 'Sentry DSN to report to; never printed', env: ['SENTRY_DSN'] });
export const ENVIRONMENT = flag({
  key: 'environment', long: '--environment', short: '-e', takes: 'value', placeholder: 'name',
  help: 'environment of the check-ins, default production', env: ['SENTRY_ENVIRONMENT'],
});
export const SLUG = flag({ key: 'slug', long: '--slug', takes: 'value', placeholder: 'slug', help: 'monitor slug, normalised as Sentry does', env: ['CRONMON_SLUG'], hint: 'slug' });
export const CONFIG = flag({
  key: 'config', long: '--config', takes: 'value', placeholder: 'file',
  help: 'config file to use instead of searching for one', env: ['CRONMON_CONFIG'], hint: 'file',
});
export const QUIET = flag({ key: 'quiet', long: '--quiet', short: '-q', takes: 'nothing', help: 'no notices; errors still go to stderr', env: ['CRONMON_QUIET'] });
export const VERBOSE = flag({
  key: 'verbose', long: '--verbose', short: '-v', takes: 'nothing',
  help: 'one line per request on stderr, secrets masked', env: ['CRONMON_DEBUG'],
});
export const JSON_OUTPUT = flag({ key: 'json', long: '--json', takes: 'nothing', help: 'print the result as JSON on stdout' });
export const DRY_RUN = flag({ key: 'dryRun', long: '--dry-run', takes: 'nothing', help: 'send nothing' });
export const TIMEZONE = flag({ key: 'timezone', long: '--timezone', takes: 'value', placeholder: 'iana', help: 'time zone of the schedule, e.g. Europe/Vienna' });
export const SEND_TIMEOUT = flag({
  key: 'sendTimeout', long: '--send-timeout', takes: 'value', placeholder: 'duration', defaultValue: '5s',
  help: 'hard bound on the delivery, retries included, e.g. 500ms, 5s',
});

const API = [
  flag({
    key: 'authToken', long: '--auth-token', takes: 'value', placeholder: 'token',
    help: 'Sentry auth token; never printed', env: ['SENTRY_AUTH_TOKEN'], elsewhere: '[auth] token in .sentryclirc',
  }),
  flag({ key: 'org', long: '--org', takes: 'value', placeholder: 'slug', help: 'organization slug', env: ['SENTRY_ORG'], elsewhere: '[defaults] org in .sentryclirc' }),
  flag({ key: 'project', long: '--project', takes: 'value', placeholder: 'slug', help: 'project slug', env: ['SENTRY_PROJECT'], elsewhere: '[defaults] project in .sentryclirc' }),
  flag({ key: 'url', long: '--url', takes: 'value', placeholder: 'url', help: 'Sentry URL for API calls, default https://sentry.io/', env: ['SENTRY_URL'] }),
] as const;
export const [AUTH_TOKEN, ORG, PROJECT, URL] = API;

const NETWORK = [
  flag({
    key: 'proxy', long: '--proxy', takes: 'value', placeholder: 'url',
    help: 'HTTP proxy for every request, e.g. http://user:pass@proxy:3128; credentials never printed',
    // Read with curl's rules per URL (src/sentry/proxy.ts), not as plain fallbacks.
    env: ['HTTPS_PROXY', 'HTTP_PROXY', 'ALL_PROXY', 'NO_PROXY'],
  }),
  flag({ key: 'header', long: '--header', takes: 'values', placeholder: 'header', help: "extra request header 'Name: value', repeatable; values never printed" }),
] as const;
export const [PROXY, HEADER] = NETWORK;

const MONITOR_CONFIG = [
  flag({ key: 'schedule', long: '--schedule', short: '-s', takes: 'value', placeholder: 'crontab', help: "crontab schedule to create/update the monitor with, e.g. '0 3 * * *' or @daily" }),
  flag({ key: 'interval', long: '--interval', takes: 'value', placeholder: 'n unit', help: "interval schedule instead of a crontab, e.g. '10 minutes'", hint: 'interval' }),
  TIMEZONE,
  // sentry-cli's spellings as aliases, so that moving over is replacing `sentry-cli` with `cronmon`.
  flag({
    key: 'checkinMargin', long: '--checkin-margin', takes: 'value', placeholder: 'minutes', aliases: ['--check-in-margin'],
    help: 'minutes a check-in may be late before it counts as missed (0-40320)',
  }),
  flag({ key: 'maxRuntime', long: '--max-runtime', takes: 'value', placeholder: 'minutes', help: 'minutes a run may take before it counts as timed out (1-10080)' }),
  flag({
    key: 'failureThreshold', long: '--failure-threshold', takes: 'value', placeholder: 'n', aliases: ['--failure-issue-threshold'],
    help: 'failed runs in a row before an issue is opened (1-720)',
  }),
  flag({ key: 'recoveryThreshold', long: '--recovery-threshold', takes: 'value', placeholder: 'n', help: 'successful runs in a row before the issue is resolved (1-720)' }),
  flag({ key: 'owner', long: '--owner', takes: 'value', placeholder: 'actor', help: 'owner of the monitor: user:<id> or team:<id>' }),
] as const;

// How messages name a monitor setting given by flag.
export const MONITOR_FLAG_LABELS = Object.fromEntries(MONITOR_CONFIG.map((f) => [f.key, f.long])) as FieldLabels;

const OUTPUT = [QUIET, VERBOSE] as const;
const COMMON = [...NETWORK, CONFIG, ...OUTPUT] as const;

export const TIMEOUT = flag({
  key: 'timeout', long: '--timeout', takes: 'value', placeholder: 'duration',
  help: "SIGTERM the job's process group after this long (30s, 15m, 2h…); reported error, exit 124",
});
export const KILL_GRACE = flag({ key: 'killGrace', long: '--kill-grace', takes: 'value', placeholder: 'duration', help: 'after --timeout, SIGKILL what is left after this long (default 10s)' });
export const TAIL_BYTES = flag({ key: 'tailBytes', long: '--tail-bytes', takes: 'value', placeholder: 'n', defaultValue: '102400', help: 'bytes of output kept for the failure report (max 102400)' });
export const LOCK = flag({
  key: 'lock', long: '--lock', takes: 'optional value', placeholder: 'file', hint: 'file',
  help: 'do not start while another run of this slug+environment holds the lock: print one line, exit 75',
});
export const LOCK_WAIT = flag({ key: 'lockWait', long: '--lock-wait', takes: 'value', placeholder: 'duration', help: 'wait up to this long (30s, 15m…) for the lock instead; implies --lock' });

// What exec takes besides the DSN, environment and slug.
const RUN_FLAGS = [
  ...MONITOR_CONFIG,
  TAIL_BYTES,
  flag({ key: 'log', long: '--no-log', takes: 'nothing', help: 'never send output to Sentry' }),
  flag({ key: 'serverName', long: '--no-server-name', takes: 'nothing', help: "leave this host's name out of failure events" }),
  flag({ key: 'logOn', long: '--log-on', takes: 'value', placeholder: 'when', choices: ['error', 'always'], defaultValue: 'error', help: 'when to send the output tail' }),
  describedAs(
    SEND_TIMEOUT,
    'bound on delivery, retries included: the open check-in has this long while the job runs, all that is left after the job shares one deadline this long (500ms, 5s…)',
  ),
  TIMEOUT, KILL_GRACE, LOCK, LOCK_WAIT,
  describedAs(DRY_RUN, 'run the job, print the envelopes that would be sent on stderr, send nothing'),
  ...COMMON,
] as const;
export const EXEC_FLAGS = [DSN, ENVIRONMENT, SLUG, ...RUN_FLAGS] as const;
// `monitors run <slug>` takes the slug as an argument.
export const MONITORS_RUN_FLAGS = [DSN, ENVIRONMENT, ...RUN_FLAGS] as const;
export type ExecFlags = FlagValues<typeof EXEC_FLAGS>;

export const DURATION = flag({ key: 'duration', long: '--duration', takes: 'value', placeholder: 'seconds', help: 'duration of the run in seconds (for ok/error)' });
export const CHECK_IN_ID = flag({
  key: 'checkInId', long: '--check-in-id', takes: 'value', placeholder: 'id',
  help: 'close the run opened by `heartbeat --status in_progress`, which printed this id',
});
export const HEARTBEAT_FLAGS = [
  DSN, ENVIRONMENT, SLUG,
  flag({ key: 'status', long: '--status', takes: 'value', placeholder: 'status', choices: ['ok', 'error', 'in_progress'], defaultValue: 'ok', help: 'status of the check-in' }),
  DURATION,
  CHECK_IN_ID,
  SEND_TIMEOUT,
  describedAs(JSON_OUTPUT, 'print the check-in as JSON on stdout'),
  describedAs(DRY_RUN, 'print the envelope that would be sent on stderr, send nothing'),
  ...MONITOR_CONFIG,
  ...COMMON,
] as const;
export type HeartbeatFlags = FlagValues<typeof HEARTBEAT_FLAGS>;

export const NAME = flag({ key: 'name', long: '--name', takes: 'value', placeholder: 'name', help: 'display name of the monitor (API only)' });
export const UPSERT_FLAGS = [
  // Not CRONMON_SLUG: a variable left in the environment would turn "every monitor of the file"
  // into one.
  flag({ key: 'slug', long: '--slug', takes: 'value', placeholder: 'slug', hint: 'slug', help: 'the monitor to create or update; without it, all monitors of the config file' }),
  NAME,
  flag({ key: 'muted', long: '--muted', takes: 'nothing', help: 'mute the monitor (API only)' }),
  flag({ key: 'muted', long: '--no-muted', takes: 'nothing', help: 'unmute the monitor (API only)' }),
  ...MONITOR_CONFIG,
  ...API,
  flag({
    key: 'via', long: '--via', takes: 'value', placeholder: 'route', choices: ['api', 'checkin'], defaultValue: 'api',
    help: 'api: the REST API with an auth token; checkin: an ok check-in carrying the config, with the DSN',
  }),
  describedAs(DSN, 'DSN for --via checkin; never printed'),
  describedAs(ENVIRONMENT, 'environment of the check-in for --via checkin'),
  describedAs(DRY_RUN, 'show what would change, change nothing'),
  describedAs(JSON_OUTPUT, 'print the monitors as the API returned them, as a JSON array'),
  ...COMMON,
] as const;
export type UpsertFlags = FlagValues<typeof UPSERT_FLAGS>;

export const MONITORS_LIST_FLAGS = [...API, describedAs(JSON_OUTPUT, 'print the monitors as a JSON array'), ...COMMON] as const;
export type MonitorsListFlags = FlagValues<typeof MONITORS_LIST_FLAGS>;

export const DOCTOR_FLAGS = [
  DSN, AUTH_TOKEN, ORG, URL,
  describedAs(JSON_OUTPUT, 'print the checks as JSON on stdout'),
  ...NETWORK, CONFIG,
  describedAs(QUIET, 'print only the checks that warn or fail'), VERBOSE,
] as const;
export type DoctorFlags = FlagValues<typeof DOCTOR_FLAGS>;

export const CRONMON_PATH = flag({
  key: 'cronmonPath', long: '--cronmon-path', takes: 'value', placeholder: 'path', hint: 'file',
  help: 'cronmon command to put in the lines (default: the absolute path of this cronmon)',
});
// No --verbose: crontab makes no requests.
export const CRONTAB_FLAGS = [
  flag({ key: 'system', long: '--system', takes: 'nothing', help: 'read system crontabs, whose lines name the user the job runs as (/etc/crontab, /etc/cron.d/*)' }),
  flag({
    key: 'apply', long: '--apply', takes: 'nothing',
    help: 'write the wrapped lines back: to the file after saving <file>.cronmon-backup-<time> (.<file>.cronmon-backup-<time> with --system), or with crontab - after saving a copy in the cache directory',
  }),
  describedAs(JSON_OUTPUT, 'print the jobs as a JSON array (line, schedule, timezone, command, slug, state, reason; with --system also file and user)'),
  CRONMON_PATH,
  describedAs(TIMEZONE, "time zone cron runs the jobs in, for jobs without a CRON_TZ line (default: this system's)"),
  QUIET,
] as const;
export type CrontabFlags = FlagValues<typeof CRONTAB_FLAGS>;

function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw usageError(`--port must be a number from 0 to 65535 (0 picks a free port), got ${JSON.stringify(value)}`);
  return port;
}

// An empty host would make Node listen on every interface: never what --host '' meant.
function parseHost(value: string): string {
  if (value.trim() === '') throw usageError('--host must name an address to listen on (127.0.0.1; 0.0.0.0 or :: for every interface)');
  return value;
}

export const LISTEN_FLAGS = [
  flag({ key: 'port', long: '--port', takes: 'value', placeholder: 'n', parse: parsePort, defaultValue: 8970, help: 'port to listen on; 0 picks a free one' }),
  flag({ key: 'host', long: '--host', takes: 'value', placeholder: 'address', parse: parseHost, defaultValue: '127.0.0.1', help: 'address to listen on' }),
  describedAs(JSON_OUTPUT, 'print one JSON object per line'),
  // Not the request log of the other commands: listen makes no requests.
  flag({ key: 'verbose', long: '--verbose', short: '-v', takes: 'nothing', help: 'note a field Sentry ignores on every check-in that has it, not only the first time' }),
] as const;
export type ListenFlags = FlagValues<typeof LISTEN_FLAGS>;

// Asked by the generated completion scripts: the config file's monitor slugs.
export const COMPLETION_FLAGS = [
  flag({ key: 'slugs', long: '--slugs', takes: 'nothing', hidden: true, help: 'print the monitor slugs of the config file, one a line' }),
  { ...describedAs(CONFIG, 'config file for --slugs'), hidden: true },
] as const;
export type CompletionFlags = FlagValues<typeof COMPLETION_FLAGS>;

export const ALL_FLAGS: readonly Flag[] = [
  ...EXEC_FLAGS, ...HEARTBEAT_FLAGS, ...UPSERT_FLAGS, ...MONITORS_LIST_FLAGS, ...DOCTOR_FLAGS, ...CRONTAB_FLAGS, ...LISTEN_FLAGS, ...COMPLETION_FLAGS,
];

// A command line's words for exec's flags, by what follows them: for reading a `cronmon exec`
// someone wrote (crontab lines, the unmonitored fallback) as the CLI reads it.
export function execWords(): Record<'value' | 'optionalValue' | 'noValue', string[]> {
  const words = (takes: (declaration: Flag) => boolean) => EXEC_FLAGS.filter(takes).flatMap(wordsOf);
  return {
    value: words((f) => f.takes === 'value' || f.takes === 'values'),
    optionalValue: words((f) => f.takes === 'optional value'),
    // commander's own --help too.
    noValue: [...words((f) => f.takes === 'nothing'), '-h', '--help'],
  };
}
