import { usageError } from '../util/errors.js';
import { describedAs, flag, wordsOf, type Flag, type FlagValues } from './flag.js';
import {
  API,
  AUTH_TOKEN,
  CHECK_IN_ID,
  COMMON,
  CONFIG,
  CRONMON_PATH,
  DRY_RUN,
  DSN,
  DURATION,
  ENVIRONMENT,
  JSON_OUTPUT,
  KILL_GRACE,
  LOCK,
  LOCK_WAIT,
  MONITOR_CONFIG,
  NAME,
  NETWORK,
  ORG,
  QUIET,
  SEND_TIMEOUT,
  SLUG,
  TAIL_BYTES,
  TIMEOUT,
  TIMEZONE,
  URL,
  VERBOSE,
} from './flags.js';

// The flags of each command, from the declarations in flags.ts, and the types their handlers get.

// What exec takes besides the DSN, environment and slug.
const RUN_FLAGS = [
  ...MONITOR_CONFIG,
  TAIL_BYTES,
  flag({ key: 'log', long: '--no-log', takes: 'nothing', help: 'never send output to Sentry' }),
  flag({ key: 'serverName', long: '--no-server-name', takes: 'nothing', help: "leave this host's name out of failure events" }),
  flag({
    key: 'logOn',
    long: '--log-on',
    takes: 'value',
    placeholder: 'when',
    choices: ['error', 'always'],
    defaultValue: 'error',
    help: 'when to send the output tail',
  }),
  describedAs(
    SEND_TIMEOUT,
    'bound on delivery, retries included: the open check-in has this long while the job runs, all that is left after the job shares one deadline this long (500ms, 5s…)',
  ),
  TIMEOUT,
  KILL_GRACE,
  LOCK,
  LOCK_WAIT,
  describedAs(DRY_RUN, 'run the job, print the envelopes that would be sent on stderr, send nothing'),
  ...COMMON,
] as const;
export const EXEC_FLAGS = [DSN, ENVIRONMENT, SLUG, ...RUN_FLAGS] as const;
// `monitors run <slug>` takes the slug as an argument.
export const MONITORS_RUN_FLAGS = [DSN, ENVIRONMENT, ...RUN_FLAGS] as const;
export type ExecFlags = FlagValues<typeof EXEC_FLAGS>;

export const HEARTBEAT_FLAGS = [
  DSN,
  ENVIRONMENT,
  SLUG,
  flag({
    key: 'status',
    long: '--status',
    takes: 'value',
    placeholder: 'status',
    choices: ['ok', 'error', 'in_progress'],
    defaultValue: 'ok',
    help: 'status of the check-in',
  }),
  DURATION,
  CHECK_IN_ID,
  SEND_TIMEOUT,
  describedAs(JSON_OUTPUT, 'print the check-in as JSON on stdout'),
  describedAs(DRY_RUN, 'print the envelope that would be sent on stderr, send nothing'),
  ...MONITOR_CONFIG,
  ...COMMON,
] as const;
export type HeartbeatFlags = FlagValues<typeof HEARTBEAT_FLAGS>;

export const UPSERT_FLAGS = [
  // Not CRONMON_SLUG: a variable left in the environment would turn "every monitor of the file"
  // into one.
  flag({
    key: 'slug',
    long: '--slug',
    takes: 'value',
    placeholder: 'slug',
    hint: 'slug',
    help: 'the monitor to create or update; without it, all monitors of the config file',
  }),
  NAME,
  flag({ key: 'muted', long: '--muted', takes: 'nothing', help: 'mute the monitor (API only)' }),
  flag({ key: 'muted', long: '--no-muted', takes: 'nothing', help: 'unmute the monitor (API only)' }),
  ...MONITOR_CONFIG,
  ...API,
  flag({
    key: 'via',
    long: '--via',
    takes: 'value',
    placeholder: 'route',
    choices: ['api', 'checkin'],
    defaultValue: 'api',
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
  DSN,
  AUTH_TOKEN,
  ORG,
  URL,
  describedAs(JSON_OUTPUT, 'print the checks as JSON on stdout'),
  ...NETWORK,
  CONFIG,
  describedAs(QUIET, 'print only the checks that warn or fail'),
  VERBOSE,
] as const;
export type DoctorFlags = FlagValues<typeof DOCTOR_FLAGS>;

export const APPLY = flag({
  key: 'apply',
  long: '--apply',
  takes: 'nothing',
  help: 'write the wrapped lines back: to the file after saving <file>.cronmon-backup-<time> (.<file>.cronmon-backup-<time> with --system), or with crontab - after saving a copy in the cache directory',
});
// No --verbose: crontab makes no requests.
export const CRONTAB_FLAGS = [
  flag({
    key: 'system',
    long: '--system',
    takes: 'nothing',
    help: 'read system crontabs, whose lines name the user the job runs as (/etc/crontab, /etc/cron.d/*)',
  }),
  APPLY,
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
  flag({
    key: 'verbose',
    long: '--verbose',
    short: '-v',
    takes: 'nothing',
    help: 'note a field Sentry ignores on every check-in that has it, not only the first time',
  }),
] as const;
export type ListenFlags = FlagValues<typeof LISTEN_FLAGS>;

// Asked by the generated completion scripts: the config file's monitor slugs.
export const COMPLETION_FLAGS = [
  flag({ key: 'slugs', long: '--slugs', takes: 'nothing', hidden: true, help: 'print the monitor slugs of the config file, one a line' }),
  { ...describedAs(CONFIG, 'config file for --slugs'), hidden: true },
] as const;
export type CompletionFlags = FlagValues<typeof COMPLETION_FLAGS>;

export const ALL_FLAGS: readonly Flag[] = [
  ...EXEC_FLAGS,
  ...HEARTBEAT_FLAGS,
  ...UPSERT_FLAGS,
  ...MONITORS_LIST_FLAGS,
  ...DOCTOR_FLAGS,
  ...CRONTAB_FLAGS,
  ...LISTEN_FLAGS,
  ...COMPLETION_FLAGS,
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
